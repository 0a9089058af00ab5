"""Newton-Raphson with the consistent tangent and a backtracking line search.

Convergence: at every free dof the out-of-balance force is small compared with the forces the
elements put on that dof, |R_i| <= tol (fabs_i + floor), where fabs_i sums the magnitudes of
the element forces at dof i and floor = 1e-5 max(fabs) (round-off at unloaded dofs). A per-dof measure keeps soft parts
(silicone next to silicon) converged as tightly as stiff ones. The energy norm |du . R| is
reported alongside. When the forces themselves vanish (a stress-free state: residual and
element forces are both round-off), a correction below 1e-10 of the displacement scale counts
as converged as well.
"""

import logging
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)


@dataclass
class NewtonSettings:
    max_iterations: int = 15
    tolerance: float = 1e-6
    line_search: bool = True
    max_backtracks: int = 5
    length_scale: float = 1.0     # model size, mm (displacement scale of stress-free states)


@dataclass
class NewtonResult:
    u: np.ndarray
    converged: bool
    iterations: int
    residuals: list = field(default_factory=list)
    energies: list = field(default_factory=list)
    reason: str = ""
    reaction: np.ndarray = None


def newton(system, u0, fixed, target, solve, settings):
    """Solve system(u) = 0 with u[fixed] = target.

    system(u, want_tangent) -> (R (n,), fabs (n,), data or None, status str or "")
    solve(data, rhs, fixed, values) -> du
    """
    u = u0.copy()
    free = np.ones(len(u), dtype=bool)
    free[fixed] = False
    residuals, energies = [], []
    prev = None  # (u before the last update, the update, residual measure, applied)
    du_norm = np.inf
    length = settings.length_scale
    it = 0
    for it in range(1, settings.max_iterations + 1):
        R, fabs, data, status = system(u, True)
        if status:
            return NewtonResult(u, False, it, residuals, energies, status)
        measure = _measure(R, fabs, free)
        if not np.isfinite(measure):
            return NewtonResult(u, False, it, residuals, energies, "the residual is not finite")
        # backtrack only over updates that did not move prescribed dofs (those change the
        # problem, so a larger residual after them is expected)
        if prev is not None and prev[3] and settings.line_search and measure > prev[2]:
            u, R, fabs, data, measure, status = _backtrack(system, prev, measure, free, settings)
            if status:
                return NewtonResult(u, False, it, residuals, energies, status)
        residuals.append(measure)
        applied = np.allclose(u[fixed], target, rtol=0.0, atol=1e-14 * (1 + np.abs(target).max(initial=0)))
        u_scale = max(float(np.abs(u).max(initial=0.0)), 1e-6 * length)
        if applied and (measure <= settings.tolerance or du_norm <= 1e-10 * u_scale):
            return NewtonResult(u, True, it, residuals, energies, reaction=R)
        if it >= 4 and len(residuals) >= 4 and residuals[-1] > residuals[-2] > residuals[-3] > residuals[-4]:
            return NewtonResult(u, False, it, residuals, energies, "the residual grows (diverging)")
        du = solve(data, -R, fixed, target - u[fixed])
        energies.append(float(abs(du[free] @ R[free])))
        du_norm = float(np.abs(du[free]).max(initial=0.0)) if applied else np.inf
        prev = (u, du, measure, applied)
        u = u + du
    return NewtonResult(u, False, it, residuals, energies,
                        f"no convergence in {settings.max_iterations} iterations "
                        f"(residual {residuals[-1] if residuals else float('nan'):.2e})")


def _measure(R, fabs, free):
    floor = 1e-5 * max(float(fabs.max(initial=0.0)), 1e-300)
    return float(np.max(np.abs(R[free]) / (fabs[free] + floor), initial=0.0))


def _backtrack(system, prev, measure, free, settings):
    """Halve the last update until the residual decreases (or give up, keeping the smallest)."""
    u0, du, m0, _ = prev
    eta = 1.0
    best = None
    last = None
    for _ in range(settings.max_backtracks):
        eta *= 0.5
        last = u0 + eta * du
        R, fabs, data, status = system(last, True)
        if status:
            continue
        m = _measure(R, fabs, free)
        if best is None or m < best[4]:
            best = (last, R, fabs, data, m)
        if m < m0:
            break
    if best is None:
        return u0, None, None, None, measure, "every line-search step failed"
    if best[0] is not last:  # the matrix buffer holds the last evaluation: redo the best
        R, fabs, data, status = system(best[0], True)
        best = (best[0], R, fabs, data, best[4])
    return (*best, "")

"""Newton-Raphson with the consistent tangent and an energy line search.

Convergence (``NewtonSettings.convergence``), checked before every solve, only once the
prescribed dofs sit at their targets:

- ``"per-dof"`` (default): at every free dof the out-of-balance force is small compared with
  the forces the elements put on that dof, |R_i| <= tol (fabs_i + floor), where fabs_i sums
  the magnitudes of the element forces at dof i and floor = 1e-5 max(fabs) (round-off at
  unloaded dofs). A per-dof measure keeps soft parts (silicone next to silicon) converged as
  tightly as stiff ones.
- ``"norms"``: the residual and energy norms relative to the load scale (Bathe, Finite
  Element Procedures, 8.4.4): ||R_free||_2 <= tol F and |du_k . R_k| <= energy_tol E, where
  F = sqrt(||f_ext,free||^2 + ||reactions||^2) is the norm of the forces applied to the body
  (loads and support reactions at the current iterate; in a self-equilibrated state where both
  vanish, the largest nodal element force max fabs_i) and E the largest correction energy
  |du . R| of the increment; the energy test is on the last correction (none before the
  first solve).
- ``"all"``: both.

In every mode, when the forces themselves vanish (a stress-free state: residual and element
forces are both round-off), a correction below 1e-10 of the displacement scale counts as
converged. NewtonResult keeps the three measures of every iteration (``residuals``: per-dof
ratio, ``norms``: ||R_free|| / F, ``energies``: |du . R| of each correction).

Line search (Crisfield, Non-linear Finite Element Analysis of Solids and Structures, vol. 1,
9.3; the Abaqus/FEAP form): on s(eta) = du . R(u + eta du) over the free dofs, the directional
derivative of the potential along the Newton direction (it does not saturate at unloaded dofs
as the per-dof ratio does). The full step is kept when |s(1)| <= ``line_search_tolerance``
|s(0)| (0.8: the potential is nearly stationary at eta = 1); otherwise eta is found by bracketed
regula falsi (interpolation bounded to [0.1, 0.9] of the bracket, eta >= ``eta_min``) or, while s
keeps the sign of s(0), by secant extrapolation bounded by ``eta_max`` (1: no extrapolation by
default); the eta with the smallest |s| is taken, the full step when no trial does better. It
acts only where it helps:
- never on corrections that move prescribed dofs (they change the problem: a larger residual
  after them is expected), nor along non-descent directions (s(0) >= 0), nor on round-off
  corrections (below 1e-8 of the displacement scale);
- never on the first free correction of an increment, the one that carries the load change:
  for a nearly incompressible body its full step overshoots along the straight line by the
  O(du^2) volume error (s(1)/s(0) = -1 to -1300 measured on releases and Cook's membrane), which
  the next Newton step removes; shortening it makes Newton crawl (benchmarks/RESULTS.md, "Newton-Raphson");
- a full step into an unacceptable state (an element turned inside out, a failed material
  update) is backtracked (bisection) instead of failing the increment at once.

Divergence: the residual grows in three successive iterations (per-dof ratio or residual norm)
after the prescribed motion is applied.
"""

import logging
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)

CONVERGENCE = ("per-dof", "norms", "all")


@dataclass
class NewtonSettings:
    max_iterations: int = 15
    tolerance: float = 1e-6
    line_search: bool = True
    max_backtracks: int = 5       # trial points of one line search
    length_scale: float = 1.0     # model size, mm (displacement scale of stress-free states)
    convergence: str = "per-dof"  # per-dof | norms | all
    energy_tolerance: float = None   # None: tolerance ** 2
    line_search_tolerance: float = 0.8
    eta_min: float = 0.05
    eta_max: float = 1.0

    @property
    def energy_tol(self):
        return self.tolerance ** 2 if self.energy_tolerance is None else self.energy_tolerance


@dataclass
class NewtonResult:
    u: np.ndarray
    converged: bool
    iterations: int          # corrections solved (a linear problem converges in 1)
    residuals: list = field(default_factory=list)   # per-dof force ratio, one per iteration
    energies: list = field(default_factory=list)    # |du . R| of each correction
    reason: str = ""
    reaction: np.ndarray = None
    norms: list = field(default_factory=list)       # ||R_free||_2 / load scale, per iteration
    line_searches: int = 0                          # corrections shortened by the line search


def newton(system, u0, fixed, target, solve, settings, load_scale=0.0):
    """Solve system(u) = 0 with u[fixed] = target.

    system(u, want_tangent) -> (R (n,), fabs (n,), data or None, status str or "")
    solve(data, rhs, fixed, values) -> du
    load_scale : ||f_ext|| over the free dofs (N), for the residual-norm measure
    """
    u = u0.copy()
    free = np.ones(len(u), dtype=bool)
    free[fixed] = False
    residuals, energies, norms = [], [], []
    prev = None  # (u before the last update, the update, R there, applied)
    du_norm = np.inf
    length = settings.length_scale
    mode = settings.convergence
    e_ref = 0.0
    grow_from = None  # index into residuals/norms of the first iteration after the motion
    n_ls = 0
    n_free = 0     # corrections so far that did not move prescribed dofs
    it = 0
    R = None
    # the last pass only checks the state the last correction reached
    for it in range(1, settings.max_iterations + 2):
        if it == 1:
            R, fabs, data, status = system(u, True)
        if status:
            return NewtonResult(u, False, it - 1, residuals, energies, status, norms=norms,
                                line_searches=n_ls)
        if not np.all(np.isfinite(R)):
            return NewtonResult(u, False, it - 1, residuals, energies, "the residual is not finite",
                                norms=norms, line_searches=n_ls)
        measure = _measure(R, fabs, free)
        norm = _norm_ratio(R, fabs, free, load_scale)
        residuals.append(measure)
        norms.append(norm)
        applied = np.allclose(u[fixed], target, rtol=0.0,
                              atol=1e-14 * (1 + np.abs(target).max(initial=0)))
        u_scale = max(float(np.abs(u).max(initial=0.0)), 1e-6 * length)
        small_du = du_norm <= 1e-10 * u_scale
        by_dof = measure <= settings.tolerance
        by_norm = norm <= settings.tolerance and (
            not energies or energies[-1] <= settings.energy_tol * e_ref)
        ok = {"per-dof": by_dof, "norms": by_norm, "all": by_dof and by_norm}[mode]
        if applied and (ok or small_du):
            return NewtonResult(u, True, it - 1, residuals, energies, reaction=R, norms=norms,
                                line_searches=n_ls)
        if applied and grow_from is None:
            grow_from = len(residuals) - 1
        if grow_from is not None and len(residuals) - grow_from >= 4 and (
                _grows(residuals[-4:]) or _grows(norms[-4:])):
            return NewtonResult(u, False, it - 1, residuals, energies,
                                "the residual grows (diverging)", norms=norms, line_searches=n_ls)
        if it > settings.max_iterations:
            break
        du = solve(data, -R, fixed, target - u[fixed])
        s0 = float(du[free] @ R[free])
        energies.append(abs(s0))
        e_ref = max(e_ref, abs(s0))
        du_norm = float(np.abs(du[free]).max(initial=0.0)) if applied else np.inf
        u_new = u + du
        r0 = float(np.linalg.norm(R[free]))
        R, fabs, data, status = system(u_new, True)
        if not (applied and settings.line_search and s0 < 0.0) or \
                du_norm <= 1e-8 * u_scale:   # a round-off correction: nothing to search
            pass
        elif status:                         # unacceptable state: backtrack into the valid set
            eta = _line_search(system, u, du, s0, np.inf, free, settings)
            if eta != 1.0:
                n_ls += 1
                u_new = u + eta * du
                du_norm *= eta
                log.debug("line search: eta = %.3g (full step: %s)", eta, status)
                R, fabs, data, status = system(u_new, True)
        else:
            s1 = float(du[free] @ R[free])
            r1 = float(np.linalg.norm(R[free]))
            bad = abs(s1) > settings.line_search_tolerance * abs(s0)
            log.debug("full step: s1/s0 = %.3g, |R1|/|R0| = %.3g", s1 / s0, r1 / max(r0, 1e-300))
            if bad and n_free > 0:   # the first free correction is always taken whole
                eta = _line_search(system, u, du, s0, s1, free, settings)
                if eta != 1.0:
                    n_ls += 1
                    u_new = u + eta * du
                    du_norm *= eta
                    log.debug("line search: eta = %.3g (s1/s0 = %.3g)", eta, s1 / s0)
                # trial evaluations replaced the state: evaluate the chosen point again
                R, fabs, data, status = system(u_new, True)
        if applied:
            n_free += 1
        u = u_new
    return NewtonResult(u, False, settings.max_iterations, residuals, energies,
                        f"no convergence in {settings.max_iterations} iterations "
                        f"(residual {residuals[-1] if residuals else float('nan'):.2e})",
                        norms=norms, line_searches=n_ls)


def _grows(seq):
    return all(b > a for a, b in zip(seq[:-1], seq[1:]))


def _measure(R, fabs, free):
    """Per-dof force ratio max_i |R_i| / (fabs_i + floor) over the free dofs."""
    floor = 1e-5 * max(float(fabs.max(initial=0.0)), 1e-300)
    return float(np.max(np.abs(R[free]) / (fabs[free] + floor), initial=0.0))


def _norm_ratio(R, fabs, free, load_scale):
    """||R_free||_2 / F: F the norm of the loads and reactions (or max fabs without them)."""
    F = float(np.hypot(load_scale, np.linalg.norm(R[~free])))
    top = float(fabs.max(initial=0.0))
    if F <= 1e-6 * top:
        F = top
    return float(np.linalg.norm(R[free])) / max(F, 1e-300)


def _line_search(system, u0, du, s0, s1, free, settings):
    """eta in (0, eta_max] reducing |s(eta)|, s(eta) = du . R(u0 + eta du); s0 < 0.

    Bracketed regula falsi on the root of s (interpolation bounded to [0.1, 0.9] of the
    bracket), secant extrapolation while s < 0 (bounded by eta_max); a trial where the state is
    unacceptable (inverted element, material failure) bounds the bracket from above. Returns
    the eta with the smallest |s|, or 1 when no trial beats the full step.
    """
    tol = settings.line_search_tolerance * abs(s0)
    lo = (0.0, s0)                       # s < 0 side
    hi = (1.0, s1) if s1 > 0 else None   # s > 0 side (or an unacceptable point, s = inf)
    if s1 <= 0:
        lo = (1.0, s1)
    best = (1.0, abs(s1))
    for _ in range(settings.max_backtracks):
        if hi is None:                   # still descending at lo: extrapolate (secant 0 - lo)
            if lo[0] >= settings.eta_max * (1 - 1e-12):
                break
            eta = lo[0] * s0 / (s0 - lo[1]) if lo[1] > s0 else settings.eta_max
            eta = min(max(eta, 1.5 * lo[0]), settings.eta_max)
        else:
            a, b = lo[0], hi[0]
            if np.isfinite(hi[1]):
                eta = a - lo[1] * (b - a) / (hi[1] - lo[1])
            else:
                eta = 0.5 * (a + b)
            eta = min(max(eta, a + 0.1 * (b - a)), b - 0.1 * (b - a))
        if eta < settings.eta_min:
            if best[0] != 1.0 or lo[0] > 0.0:
                break
            eta = settings.eta_min
        R, _, _, status = system(u0 + eta * du, False)
        if status or not np.all(np.isfinite(R)):
            hi = (eta, np.inf)
            continue
        s = float(du[free] @ R[free])
        if abs(s) < best[1]:
            best = (eta, abs(s))
        if abs(s) <= tol:
            break
        if s > 0:
            hi = (eta, s)
        else:
            lo = (eta, s)
        if hi is not None and hi[0] - lo[0] < 1e-3:
            break
    return best[0]

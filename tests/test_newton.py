"""Newton-Raphson: quadratic convergence, the energy line search, the convergence measures and
the increment control (solver/solvers/newton.py, stepping.py).

    .venv/bin/python -m pytest -q tests/test_newton.py

The rate cases live in benchmarks/newton-quadratic/ (benchmarks/RESULTS.md ("Newton-Raphson") has their residual
sequences): each applies a nonlinear load in one increment and reads the residual sequence of
that increment from summary.json (steps[i].newton: residual_norm = ||R_free|| / load scale,
energy = |du . R| of each correction, force_ratio = the per-dof measure).

Order of convergence from three successive iterates (exact when r_{k+1} = C r_k^p with constant
C): p = log(r_{k+1} / r_k) / log(r_k / r_{k-1}). Iterates at the round-off floor of the measure
are left out (benchmarks/RESULTS.md ("Newton-Raphson"): the residual norm stalls near 4e-14 of the load on the
compressible cases, 1e-10 on the nearly incompressible one).
"""

import math
from pathlib import Path

import numpy as np
import pytest

import solver
from solver.errors import InputError
from solver.solvers.newton import NewtonSettings, newton
from solver.solvers.stepping import IncrementController

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
NQ = BENCH / "newton-quadratic"

RESIDUAL_FLOOR = 1e-11     # ||R|| / load scale: 250 x the round-off level of these cases
ENERGY_FLOOR = 1e-16       # |du . R| relative to the largest correction energy


def order(seq):
    """Order of convergence from the last three values of ``seq``."""
    a, b, c = seq[-3:]
    return math.log(c / b) / math.log(b / a)


def _run(case, tmp_path):
    """Run a newton-quadratic case (building the Cook mesh when it reads one)."""
    text = (NQ / case).read_text()
    if 'file = "mesh.msh"' in text:
        import importlib.util
        spec = importlib.util.spec_from_file_location("cook_geometry",
                                                      BENCH / "cook-membrane" / "geometry.py")
        geo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(geo)
        geo.build(tmp_path / "mesh.msh", n=16, element="quad4")
    (tmp_path / case).write_text(text)
    return solver.run_case(tmp_path / case, tmp_path / "out")


# ============================================================================ quadratic rate
@pytest.mark.parametrize("case", ["case-cook.toml", "case-j2-bar.toml"])
def test_newton_converges_quadratically(case, tmp_path):
    """One increment of a strongly nonlinear load: the residual norms fall quadratically at
    the end, r_{k+1} <= C r_k^2 with a moderate C, and the order estimated from the last three
    iterates above the round-off floor is at least 1.8."""
    summary = _run(case, tmp_path)
    step = summary["steps"][0]
    assert step["increments"] == 1, step["iterations"]          # no cutback: one Newton solve
    r = [x for x in step["newton"]["residual_norm"] if x > RESIDUAL_FLOOR]
    assert len(r) >= 4, r                                         # a genuinely nonlinear solve
    p = order(r)
    assert p >= 1.8, f"order {p:.2f} from {r[-3:]}"
    for a, b in zip(r[-3:-1], r[-2:]):
        assert b <= 10.0 * a * a, r                               # r_{k+1} <= C r_k^2, C = 10
    if "j2" in case:   # the bar does yield (else the rate says nothing about the return map)
        assert summary["steps"][0]["reports"]["plastic"]["max"] > 1e-3


def test_newton_quadratic_nearly_incompressible(tmp_path):
    """Nearly incompressible Cook membrane (nu = 0.4999, mean dilatation): the energy norm of
    the corrections, relative to the largest, falls at order >= 1.8 (the residual norm is
    dominated by K times the volume error and floors at 1e-10)."""
    summary = _run("case-cook-incompressible.toml", tmp_path)
    step = summary["steps"][0]
    assert step["increments"] == 1, step["iterations"]
    e = np.array(step["newton"]["energy"])
    e = [x for x in e / e.max() if x > ENERGY_FLOOR]
    assert len(e) >= 4, e
    p = order(e)
    assert p >= 1.8, f"order {p:.2f} from {e[-3:]}"


# ============================================================================ newton() itself
def _dense_solve(K, rhs, fixed, values):
    n = len(rhs)
    du = np.zeros(n)
    du[fixed] = values
    free = np.setdiff1d(np.arange(n), fixed)
    du[free] = np.linalg.solve(K[np.ix_(free, free)], rhs[free] - K[np.ix_(free, fixed)] @ values)
    return du


def _arctan_system(c=1.0):
    """R_i(u) = arctan(u_i) - c_i: root u = tan(c); potential sum(u atan u - ln(1+u^2)/2 - c u),
    convex, so the Newton direction descends. Full Newton from |u - root| large overshoots
    farther each iteration (the classical divergent case)."""
    def system(u, want_tangent):
        R = np.arctan(u) - c
        fabs = np.abs(np.arctan(u)) + abs(c)
        K = np.diag(1.0 / (1.0 + u * u)) if want_tangent else None
        return R, fabs, K, ""
    return system


def test_line_search_rescues_divergent_newton():
    """arctan(u) = 0.1 from u0 = 3 (two uncoupled dofs): plain Newton diverges (the iterates
    overshoot ever farther: 3 -> -10.7 -> 1.8e2 ...); with the energy line search Newton finds
    u = tan(0.1) and ends quadratically."""
    system = _arctan_system(0.1)
    u0 = np.array([3.0, 3.0])
    none = np.zeros(0, dtype=np.int64)
    with np.errstate(all="ignore"):
        try:
            plain = newton(system, u0, none, np.zeros(0), _dense_solve,
                           NewtonSettings(line_search=False, tolerance=1e-12, max_iterations=30))
            diverged = not plain.converged
        except np.linalg.LinAlgError:      # the tangent 1/(1 + u^2) underflowed to 0
            diverged = True
    assert diverged
    c = np.full(2, 0.1)
    res = newton(system, u0, none, np.zeros(0), _dense_solve,
                 NewtonSettings(line_search=True, tolerance=1e-12, max_iterations=30),
                 load_scale=float(np.linalg.norm(c)))
    assert res.converged, res.reason
    assert res.line_searches >= 1
    assert np.allclose(res.u, math.tan(0.1), rtol=1e-11)
    # the quadratic tail with its closed-form constant: for f = atan(u) - c at the root
    # u* = tan(c), f' = 1/(1+u*^2), f'' = -2u*/(1+u*^2)^2, so |R_{k+1}| ~ |f''|/(2 f'^2) R_k^2
    # = u* R_k^2 per dof; with r = ||R|| / ||c|| (two equal dofs): r_{k+1} ~ u* ||c|| / sqrt2 r_k^2
    C = math.tan(0.1) * float(np.linalg.norm(c)) / math.sqrt(2)
    r = [x for x in res.norms if x > 1e-15]
    assert len(r) >= 3
    for a, b in zip(r[-3:-1], r[-2:]):
        assert b <= 2 * C * a * a, (r, C)


def test_line_search_keeps_full_steps_of_a_quadratic_problem():
    """On a problem Newton solves exactly in one step (linear: K u = f), the line search never
    shortens a step; the solution is exact."""
    K = np.array([[4.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 4.0]])
    f = np.array([1.0, 2.0, 3.0])

    def system(u, want_tangent):
        return K @ u - f, np.abs(K) @ np.abs(u) + np.abs(f), K, ""
    res = newton(system, np.zeros(3), np.zeros(0, dtype=np.int64), np.zeros(0), _dense_solve,
                 NewtonSettings(tolerance=1e-12))
    assert res.converged and res.iterations == 1 and res.line_searches == 0
    assert np.allclose(res.u, np.linalg.solve(K, f), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("mode", ["norms", "all"])
def test_norm_criteria_bound_the_error(mode):
    """convergence = "norms": ||R_free|| <= tol F with F the load-and-reaction scale. For the
    arctan system with a prescribed dof (reaction), the converged error obeys the bound
    |u - u*| <= ||R|| / min slope = tol F (1 + u*^2)."""
    c = np.array([0.3, 0.5, 0.7])
    system = _arctan_system(c)
    fixed = np.array([2], dtype=np.int64)
    target = np.array([0.2])
    tol = 1e-7
    settings = NewtonSettings(tolerance=tol, convergence=mode, line_search=True)
    res = newton(system, np.zeros(3), fixed, target, _dense_solve, settings,
                 load_scale=float(np.linalg.norm(c[:2])))
    assert res.converged
    exact = np.tan(c[:2])
    R = np.arctan(res.u) - c
    F = math.hypot(np.linalg.norm(c[:2]), abs(R[2]))
    assert np.linalg.norm(R[:2]) <= tol * F
    assert np.all(np.abs(res.u[:2] - exact) <= tol * F * (1 + exact ** 2) * 1.01)
    assert res.u[2] == pytest.approx(0.2, abs=1e-15)
    # the energy criterion of the last correction (Bathe): relative to the largest one
    assert res.energies[-1] <= settings.energy_tol * max(res.energies) or mode == "all"


# ============================================================================ increments
def _sequence(ctrl, iterations, n):
    dts = []
    for _ in range(n):
        t0, t1 = ctrl.next()
        dts.append(t1 - t0)
        ctrl.converged(t1, iterations)
    return dts


def test_increment_growth_configurable():
    """Increments converging in 6 iterations never grow with the default easy_iterations = 4;
    with easy_iterations = 8 and growth 2 they double after every 2 easy increments (up to the
    maximum): dt = 1, 1, 2, 2, 4, 4, 8 ..."""
    fixed = _sequence(IncrementController(1000.0, 1.0, 1e-3, 100.0), 6, 6)
    assert fixed == pytest.approx([1.0] * 6)
    grown = _sequence(IncrementController(1000.0, 1.0, 1e-3, 6.0, growth=2.0,
                                          easy_iterations=8), 6, 8)
    assert grown == pytest.approx([1, 1, 2, 2, 4, 4, 6, 6])
    ctrl = IncrementController(1.0, 0.5, 1e-3, 1.0, cutback=0.5)
    assert ctrl.failed() and ctrl.next() == pytest.approx((0.0, 0.25))


def test_solver_table_keys(tmp_path):
    """The [solver] keys reach the run (a load step of 8 increments, each converging in a
    couple of iterations, grows by 3 after each easy increment: 1/8, 3/8, then the rest), and
    bad values are rejected with their key path."""
    from solver.case import load_case
    base = (BENCH / "compression-set" / "case-release-direct.toml").read_text()
    case = tmp_path / "c.toml"
    case.write_text(base + "\n[solver]\neasy_iterations = 8\neasy_increments = 1\ngrowth = 3.0\n"
                    "convergence = \"all\"\n")
    summary = solver.run_case(case, tmp_path / "out")
    assert summary["steps"][0]["increments"] == 2          # 0.5 then (grown) the rest
    u = summary["steps"][-1]["probes"]["corner"]
    assert max(abs(u[0]), abs(u[1])) < 1e-6                # still springs back to u = 0
    for bad, key in (("growth = 0.5", "solver.growth"), ("cutback = 1.5", "solver.cutback"),
                     ('convergence = "loose"', "solver.convergence")):
        case.write_text(base + f"\n[solver]\n{bad}\n")
        with pytest.raises(InputError, match=key.replace(".", r"\.")):
            load_case(case)

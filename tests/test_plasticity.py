"""Verification of the J2 (von Mises) plasticity of the finite-strain continuum.

``benchmarks/plastic-cylinder``: a thick-walled cylinder (a = 10, b = 20 mm) of an
elastic-perfectly-plastic von Mises metal under internal pressure, plane strain (axisymmetric
strip held at uz = 0), nearly incompressible (nu = 0.4999, mean-dilatation elements), loaded
to 0.98 p_y, then to the pressures that carry the plastic front to c = 12, 14, 16, 18 mm, then
unloaded. Compared with Hill's closed form (benchmarks/plastic-cylinder/exact.py,
reference.toml): first yield, p(c), the stress profile, the bore displacement, the residual
hoop stress and displacement after unloading.

    .venv/bin/python -m pytest tests/test_plasticity.py -m "not slow"   # quad8 size 0.5, ~5 s
    .venv/bin/python -m pytest tests/test_plasticity.py -m slow         # quad8 size 0.125, tri6 0.25

Tolerance rule as in test_verification: |computed - reference| <= tol * max(|reference|, scale).
"""

import math

import numpy as np
import pytest

from test_finite_strain import BENCH, check, load_module, load_toml, run_case

NAME = "plastic-cylinder"
REF = load_toml(BENCH / NAME / "reference.toml")
EXACT = load_module(BENCH / NAME / "exact.py")

MESHES = [pytest.param(REF["mesh"]["fast"], id=f"{REF['mesh']['fast']['element']}-size"
                       f"{REF['mesh']['fast']['size']:g}")]
MESHES += [pytest.param(m, id=f"{m['element']}-size{m['size']:g}", marks=pytest.mark.slow)
           for m in REF["mesh"]["slow"]]


def von_mises(s):
    sxx, syy, szz, sxy = s[0], s[1], s[2], s[3]
    return math.sqrt(0.5 * ((sxx - syy) ** 2 + (syy - szz) ** 2 + (szz - sxx) ** 2)
                     + 3 * sxy ** 2)


def _pressures(raw):
    """{step name: internal pressure at its end (MPa)} from the case file."""
    out = {}
    for st in raw["steps"]:
        loads = st.get("loads")
        if loads is not None:
            p = [ld["pressure"] for ld in loads if ld.get("boundary") == "inner"][0]
        out[st["name"]] = p
    return out


@pytest.fixture(scope="module")
def solved(request, tmp_path_factory):
    cache = {}

    def get(mesh):
        key = (mesh["element"], mesh["size"])
        if key not in cache:
            work = tmp_path_factory.mktemp(f"pc-{mesh['element']}-{mesh['size']:g}")
            summary, seconds = run_case(NAME, REF["case"], work, mesh=dict(mesh))
            cache[key] = (summary, seconds)
        return cache[key]
    return get


def test_case_pressures_follow_the_closed_form():
    """The case file's pressures are 0.98 p_y and p(c) of reference.toml (no stale numbers)."""
    raw = load_toml(BENCH / NAME / REF["case"])
    mat = raw["materials"]["wall"]
    assert (mat["E"], mat["nu"], mat["sigma_y"]) == (REF["E"], REF["nu"], REF["sigma_y"])
    P = _pressures(raw)
    sy, a, b = REF["sigma_y"], REF["a"], REF["b"]
    assert P[REF["elastic_step"]] == pytest.approx(0.98 * EXACT.yield_pressure(sy, a, b), rel=1e-12)
    for step, c in REF["fronts"].items():
        assert P[step] == pytest.approx(EXACT.pressure(c, sy, a, b), rel=1e-12)
    assert P[REF["unload_step"]] == 0.0
    # no reverse yield on unloading: p_max <= 2 p_y
    assert max(P.values()) <= 2 * EXACT.yield_pressure(sy, a, b)


@pytest.mark.parametrize("mesh", MESHES)
def test_plastic_cylinder(mesh, solved):
    """First yield, p(c), stresses, bore displacement, residual state vs Hill's closed form."""
    summary, seconds = solved(mesh)
    raw = load_toml(BENCH / NAME / REF["case"])
    P = _pressures(raw)
    sy, a, b, E, nu = REF["sigma_y"], REF["a"], REF["b"], REF["E"], REF["nu"]
    G = E / (2 * (1 + nu))
    k = EXACT.k_of(sy)
    py = EXACT.yield_pressure(sy, a, b)
    steps = {s["name"]: s for s in summary["steps"]}
    label = f"{mesh['element']} mean-dilatation, size {mesh['size']:g}"
    fail = []

    def chk(case, quantity, computed, reference, tol, scale=0.0):
        check(fail, NAME, case, label, quantity, computed, reference, tol, scale=scale,
              summary=summary, seconds=seconds)

    # 1. elastic limit: at 0.98 p_y nothing yields and the bore von Mises stress gives p_y
    el = steps[REF["elastic_step"]]
    p = P[REF["elastic_step"]]
    vm = von_mises(el["probes"]["s-bore"])
    chk("elastic", "p_y from bore von Mises at 0.98 p_y (MPa)", p * sy / vm, py, REF["tol_yield"])
    if el["reports"]["plastic"]["max"] != 0.0:
        fail.append(f"plastic strain {el['reports']['plastic']['max']:.3g} below p_y")

    # 2. partly plastic states
    for step, c in REF["fronts"].items():
        pr = steps[step]["probes"]
        p = P[step]
        near = c >= 18.0
        c_fe = EXACT.outer_hoop_front(pr["s-outer"][2], sy, b)
        chk(step, f"plastic front c from sigma_theta(b) (mm), p = {p:.4g}", c_fe, c,
            REF["tol_front_near_limit"] if near else REF["tol_front"])
        chk(step, "pressure p(c_FE) closed form vs applied (MPa)",
            EXACT.pressure(c_fe, sy, a, b), p, REF["tol_pressure"])
        chk(step, "bore displacement u_r(a) (mm)", pr["u-bore"][0],
            EXACT.displacement(a, c, sy, G),
            REF["tol_displacement_near_limit"] if near else REF["tol_displacement"])
        chk(step, "sigma_r at the bore (MPa)", pr["s-bore"][0], -p, REF["tol_stress"])
        chk(step, "sigma_theta at the bore (MPa)", pr["s-bore"][2],
            EXACT.stresses(a, c, sy, a, b)[1], REF["tol_stress"], scale=p)
        for name, r in REF["probe_radii"].items():
            if abs(r - c) < REF["front_band"]:
                continue
            zone = "plastic" if r < c else "elastic"
            sr, st, sz = EXACT.stresses(r, c, sy, a, b)
            s = pr[name]
            chk(step, f"sigma_r at r = {r:g} ({zone}) (MPa)", s[0], sr, REF["tol_stress"], scale=p)
            chk(step, f"sigma_theta at r = {r:g} ({zone}) (MPa)", s[2], st, REF["tol_stress"],
                scale=p)
            chk(step, f"sigma_z at r = {r:g} ({zone}) (MPa)", s[1], sz, REF["tol_stress"], scale=p)
            if zone == "plastic":
                chk(step, f"sigma_theta - sigma_r at r = {r:g} vs 2k (MPa)", s[2] - s[0], 2 * k,
                    REF["tol_stress"])

    # 3. unloading from p(c_last): residual stresses and displacement
    c = max(REF["fronts"].values())
    pr = steps[REF["unload_step"]]["probes"]
    rr, rt, ru = EXACT.residual(a, c, sy, a, b, G)
    chk("unload", f"residual hoop stress at the bore after p(c = {c:g}) (MPa)", pr["s-bore"][2],
        rt, REF["tol_residual"])
    chk("unload", "residual bore displacement (mm)", pr["u-bore"][0], ru,
        REF["tol_displacement_near_limit"])
    for name, r in REF["probe_radii"].items():
        rr, rt, _ = EXACT.residual(r, c, sy, a, b, G)
        chk("unload", f"residual sigma_theta at r = {r:g} (MPa)", pr[name][2], rt,
            REF["tol_residual"], scale=abs(EXACT.residual(a, c, sy, a, b, G)[1]))
    assert not fail, "\n  ".join(fail)

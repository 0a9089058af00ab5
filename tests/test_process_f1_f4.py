"""Process cases of families F1 (cavity package) and F4 (stacked mold) against physics.

cases/f1-cavity-package/ and cases/f4-stacked-mold/ (docs/process-f1-f4.md). The checks are
closed forms and physical consistency, not the code against its own earlier output:

- F4 molded unit: warpage against Timoshenko's bimaterial strip (chip under mold) and its sign
  (the mold, higher CTE, is on top: it contracts more and the edges rise);
- F4 stack: joined to each other and to the substrate, the units warp less than a free one;
- F1 forming: the held sheet rises by the platen stroke, the lead by the stroke less the local
  compliance of its two ends; the chuck pulls with the lead's plane-strain flow stress times
  its section; the injection pressure times the sheet area forms the same lead;
- F1 temperature cycle: the lead's extension follows the compliant layer (down when cold), and
  the second cycle repeats the first (stabilised) with less new plastic strain;
- F1 CTE sweep: the lead's shear range grows with the substrates' CTE difference.

Fast tests run coarse 2D models; 3D models, the full F1 cycle and the sweep are ``slow``.
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from solver import run_case

ROOT = Path(__file__).resolve().parents[1]
F1 = ROOT / "cases" / "f1-cavity-package"
F4 = ROOT / "cases" / "f4-stacked-mold"
STROKE = 0.015          # mm, platen separation of the F1 cases
LEAD_T = 0.018          # mm, lead thickness
LEAD_H = 0.285 - LEAD_T  # mm, vertical run of the lead as meshed (before the stroke)


def run(tmp_path, src, size=None, stop_after=None, name="case.toml"):
    """Run a copy of case src (optionally with another mesh size factor, and only the steps up
    to and including stop_after); return {step name: step summary}."""
    text = src.read_text()
    if size is not None:
        text, n = re.subn(r"(?m)^size = [0-9.]+", f"size = {float(size)}", text)
        assert n == 1
    if stop_after is not None:
        blocks = text.split("\n[[steps]]\n")
        keep = []
        for b in blocks[1:]:
            keep.append(b)
            if re.search(rf'(?m)^name = "{stop_after}"\s*(#.*)?$', b):
                break
        tail = text[text.index("\n[[reports]]\n"):] if "\n[[reports]]\n" in text else ""
        last = keep[-1]
        if "\n[[reports]]\n" in last:
            keep[-1] = last[:last.index("\n[[reports]]\n")]
        text = "\n[[steps]]\n".join([blocks[0]] + keep) + tail
    case = tmp_path / name
    # materials and meshes are found relative to the case: none here are relative paths
    case.write_text(text)
    s = run_case(case, tmp_path / (case.stem + "-out"))
    return {st["name"]: st for st in s["steps"]}


def material(name, T, Tref):
    from solver.materials.library import load

    m = load(name)
    return (float(m.E(T)), float(m.nu(T)), float(m.expansion.strain(T, Tref)[..., 0]))


def timoshenko(E1, E2, h1, h2, mismatch):
    """Curvature of a free bimaterial strip (Timoshenko 1925), layer 1 below layer 2;
    mismatch = free strain of layer 2 minus layer 1 (positive: 2 expands more)."""
    num = 6 * E1 * E2 * h1 * h2 * (h1 + h2) * mismatch
    den = (E1**2 * h1**4 + 4 * E1 * E2 * h1**3 * h2 + 6 * E1 * E2 * h1**2 * h2**2
           + 4 * E1 * E2 * h1 * h2**3 + E2**2 * h2**4)
    return num / den


def unit_curvature(kind):
    """Curvature of the chip/mold bilayer of the F4 unit cooled from 175 to 25 C: chip 0.3 mm
    under 0.4 mm of mold (mold_thickness 0.7 - chip 0.3). Plane strain: E/(1-nu^2) and free
    strains (1+nu) eps; biaxial (3D plate): E/(1-nu) and eps. Negative: concave up."""
    Es, ns, es = material("silicon", 25.0, 175.0)
    Em, nm, em = material("mold-compound", 25.0, 175.0)
    if kind == "plane-strain":
        return timoshenko(Es / (1 - ns**2), Em / (1 - nm**2), 0.3, 0.4,
                          (1 + nm) * em - (1 + ns) * es)
    return timoshenko(Es / (1 - ns), Em / (1 - nm), 0.3, 0.4, em - es)


# ------------------------------------------------------------------------------------ F4
@pytest.fixture(scope="module")
def f4_unit_2d(tmp_path_factory):
    return run(tmp_path_factory.mktemp("f4u2"), F4 / "case-2d.toml")


def test_f4_unit_2d_warpage_against_timoshenko(f4_unit_2d):
    """The unit is a chip/mold bilayer over the chip (half width c = 2) and mold only beyond
    it (to A = 4): the bilayer bends to Timoshenko's curvature kappa, the mold beyond follows
    as a straight continuation, w(c) = kappa c^2 / 2 and w(A) = kappa c (A - c/2).
    Tolerance 15 %: Timoshenko's strip has no ends (shear lag at the chip edge reaches about
    one thickness, 0.7 mm, into a 2 mm half-width), the vias (copper, 17 ppm/K) in the mold
    are left out and the mold beyond the chip is taken as rigid; the quad8 mesh itself bends
    exactly enough (3x3 Gauss points, several elements through the layers)."""
    cool = f4_unit_2d["cool"]
    k = -unit_curvature("plane-strain")      # > 0: concave up (the mold on top shrinks more)
    c, A = 2.0, 4.0
    w_chip = cool["probes"]["chip-edge"][1] - cool["probes"]["bottom-centre"][1]
    w_edge = cool["probes"]["bottom-edge"][1] - cool["probes"]["bottom-centre"][1]
    assert w_chip == pytest.approx(k * c**2 / 2, rel=0.10)
    assert w_edge == pytest.approx(k * c * (A - c / 2), rel=0.15)
    # the report's warpage (largest minus smallest uy of the surface) is that edge rise
    assert cool["reports"]["bottom-warpage"]["warpage"] == pytest.approx(w_edge, rel=0.02)


def test_f4_unit_2d_warpage_sign_and_surfaces(f4_unit_2d):
    """Cooling from the 175 C cure: the mold (about 14 ppm/K mean over 175->25 C) above the
    chip (about 3 ppm/K) contracts more, so the unit turns concave up: its edges rise on
    both surfaces. Both surfaces bend as one plate: the same warpage to a few percent (the
    difference is the mold's own through-thickness contraction between them)."""
    cool = f4_unit_2d["cool"]
    p = cool["probes"]
    assert p["bottom-edge"][1] - p["bottom-centre"][1] > 0.01
    assert p["top-edge"][1] - p["top-centre"][1] > 0.01
    top, bot = cool["reports"]["top-warpage"], cool["reports"]["bottom-warpage"]
    assert top["warpage"] == pytest.approx(bot["warpage"], rel=0.05)
    # the deviation from the best-fit line is a fraction of the warpage (a curved surface)
    assert 0.05 * bot["warpage"] < bot["coplanarity"] < 0.5 * bot["warpage"]
    # at the cure temperature nothing moves: the stress-free state
    assert f4_unit_2d["cure"]["reports"]["bottom-warpage"]["warpage"] < 1e-12


def test_f4_stack_2d_joined_units_warp_less(tmp_path, f4_unit_2d):
    """Two units joined flange to flange and to a BT substrate: each unit is held at its via
    ring by the other and by the substrate, so the stack warps less than a free unit; the
    joints carry the mismatch (stresses of tens of MPa, elastic solder: an upper bound)."""
    st = run(tmp_path, F4 / "case-2d-stack.toml")
    cool = st["cool"]
    rep = cool["reports"]
    free = f4_unit_2d["cool"]["reports"]["top-warpage"]["warpage"]
    assert 0.0 < rep["stack-top-warpage"]["warpage"] < 0.8 * free
    assert rep["substrate-warpage"]["warpage"] > 0.0
    for name in ("joint-substrate", "joint-unit1-bottom", "joint-unit1-top",
                 "joint-unit2-bottom"):
        r = rep[name]
        assert 1.0 < max(abs(r["peel_max"]), abs(r["peel_min"]), r["shear_max"]) < 1000.0
    assert st["join"]["reports"]["stack-top-warpage"]["warpage"] < 1e-12


@pytest.mark.slow
def test_f4_unit_3d_warpage_against_plate(tmp_path):
    """3D quarter (hex20, coarse): the square chip region bends as a biaxial bilayer
    (E/(1-nu), free strains eps): at the middle of the chip edge w = kappa_b c^2 / 2 and at
    the middle of the package edge about kappa_b c (A - c/2) (tolerances as in 2D; the plate
    beyond the chip also bends across, hence 15 %)."""
    cool = run(tmp_path, F4 / "case-3d.toml")["cool"]
    k = -unit_curvature("biaxial")
    p = cool["probes"]
    w0 = p["bottom-centre"][1]
    assert p["chip-edge"][1] - w0 == pytest.approx(k * 2.0**2 / 2, rel=0.10)
    assert p["bottom-edge"][1] - w0 == pytest.approx(k * 2.0 * 3.0, rel=0.15)
    # the corner rises most: it is the report's warpage
    assert p["bottom-corner"][1] - w0 == pytest.approx(
        cool["reports"]["bottom-warpage"]["warpage"], rel=0.02)
    assert p["bottom-corner"][1] > p["bottom-edge"][1] > p["chip-edge"][1] > w0


# ------------------------------------------------------------------------------------ F1
@pytest.fixture(scope="module")
def f1_formed(tmp_path_factory):
    return run(tmp_path_factory.mktemp("f1form"), F1 / "case-2d.toml", size=3.0,
               stop_after="cure")


def plane_strain_flow_force(peeq):
    """Force (N) to draw the 2D lead (a strip LEAD_T thick, one lead pitch 0.3 mm deep) in
    plane-strain tension at plastic strain peeq: copper-plastic, sigma_y 75 MPa, tangent
    modulus 600 MPa (plastic modulus H = E Et / (E - Et)); plane strain raises the flow
    stress by 2/sqrt(3) and the equivalent strain by sqrt(3)/2 of the axial one."""
    E, Et, sy = 117500.0, 600.0, 75.0
    H = E * Et / (E - Et)
    return 2 / np.sqrt(3) * (sy + H * peeq) * LEAD_T * 0.3


def test_f1_platen_stroke_forms_the_leads(f1_formed):
    """The vacuum chuck (held mode) lifts the sheet by exactly the stroke (the sheet-to-base
    standoff grows by 0.015 mm); the lead, pad end to sheet end, by the stroke less the
    elastic give of the polyimide sheet and the FR-4 under its 0.66 N pull (a few percent)."""
    sep = f1_formed["separate"]["reports"]
    assert sep["standoff"]["change"] == pytest.approx(STROKE, abs=1e-4)
    lift = sep["lead-lift"]["change"]
    assert 0.9 * STROKE < lift <= STROKE
    # the lead is drawn past yield: mean axial log strain ln(1 + lift / L), elastic part
    # about 0.1 %; in plane strain the equivalent plastic strain is 2/sqrt(3) of the axial
    # one. The largest is at the lead's bends, within twice the mean.
    peeq_mean = 2 / np.sqrt(3) * (np.log(1 + lift / LEAD_H) - 0.001)
    peeq = sep["lead-peeq"]["max"]
    assert peeq_mean <= peeq < 2 * peeq_mean
    # nothing moves when the layer cures in place
    assert f1_formed["cure"]["reports"]["lead-lift"]["change"] == pytest.approx(lift, abs=1e-6)


def test_f1_chuck_force_is_the_lead_flow_force(f1_formed):
    """The force on the chuck at the end of the stroke is what it takes to draw the lead:
    its plane-strain flow stress at the lead's mean plastic strain times its section (the
    inactive compliant layer carries nothing). 10 %: the strain is not uniform along the
    lead (bends at both ends)."""
    sep = f1_formed["separate"]
    force = sep["groups"]["chuck"]["force"][1]
    lift = sep["reports"]["lead-lift"]["change"]
    eps_axial = np.log(1 + lift / LEAD_H)
    peeq_mean = 2 / np.sqrt(3) * (eps_axial - 0.001)
    assert force == pytest.approx(plane_strain_flow_force(peeq_mean), rel=0.10)


def test_f1_injection_pressure_forms_the_same_leads(tmp_path, f1_formed):
    """Alternative recipe: the injected liquid's pressure (0.44 MPa over the 5 x 0.3 mm^2 of
    sheet in the half model, 0.66 N) lifts the sheet against the leads. Force balance: it
    draws the lead as far as the chuck's 0.66 N did (within 10 %), to the same plastic
    strain. The recipe then runs to its end: the force-controlled chuck is let go where it
    floated (a release in place) and the package cools 150 -> 25 C out of the fixture, where
    the cured silicone, held sideways, contracts through its thickness by about (1+nu)/(1-nu)
    alpha dT h and the straight lead follows it (10 %)."""
    st = run(tmp_path, F1 / "case-2d-injection.toml", size=3.0)
    inj = st["inject"]["reports"]
    ref = f1_formed["separate"]["reports"]
    assert inj["lead-lift"]["change"] == pytest.approx(ref["lead-lift"]["change"], rel=0.10)
    assert inj["lead-peeq"]["max"] == pytest.approx(ref["lead-peeq"]["max"], rel=0.10)
    chuck = f1_formed["separate"]["groups"]["chuck"]["force"][1]
    assert 0.44 * 5.0 * 0.3 == pytest.approx(chuck, rel=0.10)
    rel, cool = st["release"], st["cool"]
    assert rel["groups"]["chuck"]["displacement"] == pytest.approx(
        st["depressurize"]["groups"]["chuck"]["displacement"], abs=1e-15)   # in place
    assert rel["groups"]["chuck"]["normal_force"] >= 0.0        # it can only push now
    assert cool["groups"]["chuck"]["contact_nodes"] == 0        # out of the way
    free = 3.3e-4 * 125.0 * 0.3 * (1 + 0.49) / (1 - 0.49)      # mm
    dlift = cool["reports"]["lead-lift"]["change"] - rel["reports"]["lead-lift"]["change"]
    assert dlift == pytest.approx(-free, rel=0.10)


@pytest.fixture(scope="module")
def f1_full(tmp_path_factory):
    return run(tmp_path_factory.mktemp("f1full"), F1 / "case-2d.toml", size=3.0)


@pytest.mark.slow
def test_f1_temperature_cycle_follows_the_compliant_layer(f1_full):
    """Once cured at 150 C the silicone (330 ppm/K, 0.3 mm thick, nu 0.49: it expands about
    (1+nu)/(1-nu) alpha dT through its thickness when held sideways) moves the sheet: on
    cooling it pulls the sheet down and compresses the lead, on heating it lifts it. The lead
    extension range over -55/125 C is of the order of that free expansion."""
    r = {k: v["reports"] for k, v in f1_full.items()}
    formed = r["release"]["lead-lift"]["change"]
    cold = r["cycle1-cold"]["lead-lift"]["change"]
    hot = r["cycle1-hot"]["lead-lift"]["change"]
    assert cold < r["cool"]["lead-lift"]["change"] < formed
    assert hot > cold
    free = 3.3e-4 * 180.0 * 0.3 * (1 + 0.49) / (1 - 0.49)   # mm, laterally held layer
    assert 0.5 * free < hot - cold < 1.2 * free


@pytest.mark.slow
def test_f1_temperature_cycle_stabilises(f1_full):
    """Two -55/125 C cycles: the second repeats the first (the deformed shape at the cold and
    hot ends within a few percent, the package back where it was at 25 C), and with isotropic
    hardening the lead takes less new plastic strain in the second cycle than in the first."""
    r = {k: v["reports"] for k, v in f1_full.items()}
    for a, b in (("cycle1-cold", "cycle2-cold"), ("cycle1-hot", "cycle2-hot"), ("cool", "end")):
        span = r["cycle1-hot"]["lead-lift"]["change"] - r["cycle1-cold"]["lead-lift"]["change"]
        assert abs(r[a]["lead-lift"]["change"] - r[b]["lead-lift"]["change"]) < 0.05 * span
        assert r[b]["base-warpage"]["warpage"] == pytest.approx(r[a]["base-warpage"]["warpage"],
                                                                rel=0.05, abs=2e-4)
    d1 = r["cycle1-hot"]["lead-peeq"]["max"] - r["cool"]["lead-peeq"]["max"]
    d2 = r["cycle2-hot"]["lead-peeq"]["max"] - r["cycle1-hot"]["lead-peeq"]["max"]
    assert 0.0 < d2 < d1


@pytest.mark.slow
def test_f1_cte_sweep_lead_shear_grows_with_mismatch(tmp_path):
    """sweep_cte.py over three CTEs of the second substrate (7, 13.5, 20 ppm/K on alumina at
    7): the lead's shear range over the cycle grows monotonically with the mismatch; the total
    lead plastic strain, set by the compliant layer's expansion through its thickness, moves
    by less than 5 % (docs/process-f1-f4.md)."""
    sys.path.insert(0, str(F1))
    try:
        import sweep_cte
    finally:
        sys.path.remove(str(F1))
    rows = sweep_cte.sweep([7.0, 13.5, 20.0], size=3.0, outdir=tmp_path)
    assert (tmp_path / "sweep_cte.csv").exists() and (tmp_path / "sweep_cte.png").exists()
    shear = [r["shear_strain_range"] for r in rows]
    assert shear[0] < shear[1] < shear[2]
    assert shear[2] - shear[0] > 0.01 * shear[0]
    peeq = [r["peeq_service"] for r in rows]
    assert max(peeq) - min(peeq) < 0.05 * max(peeq)


@pytest.mark.slow
def test_f1_3d_forming(tmp_path):
    """3D quarter with beam leads (case-3d.toml: bond, separation, cure, release; the service
    steps are case-3d-service.toml's): the held sheet rises by the stroke; every lead is drawn by it
    (lead 1 in the middle of the edge and lead 7 next to the corner alike: a beam lead has no
    compliant pad or sheet under its ends, so within 2 %) past yield (mean axial strain
    0.015 / 0.267 = 5.6 %); released, the sheet stays up (the cured layer holds it)."""
    st = run(tmp_path, F1 / "case-3d.toml")
    sep = st["separate"]["reports"]
    assert sep["standoff"]["change"] == pytest.approx(STROKE, abs=1e-6)
    for name in ("lead-lift", "corner-lead-lift"):
        assert sep[name]["change"] == pytest.approx(STROKE, rel=0.02)
        assert st["release"]["reports"][name]["change"] == pytest.approx(STROKE, rel=0.02)
    for k in range(1, 15):
        peeq = st["separate"]["groups"][f"lead-{k}"]["max_equivalent_plastic_strain"]
        assert 0.03 < peeq < 0.2


@pytest.mark.slow
def test_f1_3d_service_follows_the_compliant_layer(tmp_path):
    """3D quarter in service (case-3d-service.toml: stress-free at the 150 C cure, no leads):
    cooled to 25 C the sheet comes down by the silicone's through-thickness contraction,
    (1+nu)/(1-nu) alpha dT h for a layer held sideways (36 um), plus a few um from the FR-4
    and the rest of the stack (up to 35 % more); the package is elastic, so the second cycle
    repeats the first and it returns to its 25 C shape; the terminals (sheet surface) lose
    more coplanarity than the base."""
    st = run(tmp_path, F1 / "case-3d-service.toml")
    r = {k: v["reports"] for k, v in st.items()}
    free = 3.3e-4 * 125.0 * 0.3 * (1 + 0.49) / (1 - 0.49)
    drop = -r["cool"]["standoff"]["change"]
    assert free < drop < 1.35 * free
    assert r["cycle1-cold"]["standoff"]["change"] < r["cool"]["standoff"]["change"] \
        < r["cycle1-hot"]["standoff"]["change"] < 0.0
    for a, b in (("cycle1-cold", "cycle2-cold"), ("cycle1-hot", "cycle2-hot"), ("cool", "end")):
        assert r[b]["standoff"]["change"] == pytest.approx(r[a]["standoff"]["change"], rel=1e-3)
    assert r["cool"]["sheet-coplanarity"]["coplanarity"] > r["cool"]["base-warpage"]["coplanarity"]

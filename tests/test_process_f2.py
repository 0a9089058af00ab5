"""F2 spring-back process (cases/f2-resilient-pad/case-2d.toml) against the source documents.

PROCESSES.md, family F2 (seed 002 [0053], [0063]): pads about 0.51 mm in diameter and
0.10-0.25 mm high, compressed 0.05-0.10 mm, low-compression-set silicone: the pads regain
80-100 % of their height and lift the chip 0.05-0.10 mm against the leads' resistance and the
peel strength of their releasable ends. The lift must fall as the leads get stiffer, the peel
stronger and the hold (compression set) longer. Every case runs the whole process (about a
minute on 2 cores), so these are slow tests except the force balance of the recipe itself,
which the demo test covers in CI.
"""

import csv
from pathlib import Path

import pytest

from solver.demo import decisions
from solver.runner import run_case

CASE = Path(__file__).resolve().parent.parent / "cases" / "f2-resilient-pad" / "case-2d.toml"


def _variant(tmp_path, name, subs):
    """Write the recipe with text substitutions {old: new} (each must occur once)."""
    text = CASE.read_text()
    for old, new in subs.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text.replace("[output]\n", "[output]\nvtk = false\nplots = false\n")
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def _run(tmp_path, name, subs=None):
    path = _variant(tmp_path, name, subs or {})
    summary = run_case(path, tmp_path / name)
    return summary, decisions(summary)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("f2")
    summary, d = _run(tmp, "base")
    return tmp / "base", summary, d


@pytest.mark.slow
def test_source_window(base):
    """Lift 0.05-0.10 mm and recovery 80-100 % with the documented pad and compression."""
    _, summary, d = base
    assert summary["status"] == "ok"
    assert 0.05 <= d["lift_mm"] <= 0.10, d
    for r in d["recovery_percent"]:
        assert 80.0 <= r <= 100.0, d
    # the releasable end peels, the permanently attached root holds
    assert d["peeled"] and d["peeled_fraction"] < 1.0
    # the lead is drawn past yield but far from the copper's ~37 % elongation limit
    assert 0.0 < d["lead_strain"] < 0.37


@pytest.mark.slow
def test_force_balance(base):
    """At every converged increment the top platen's force on the stack equals the vertical
    reaction of the bottom support (platen-bottom): the pads and the leads are the only
    load paths between them, so pad forces + lead forces = platen force (within the
    Newton tolerance of the case, relative to the platen force)."""
    out, summary, _ = base
    rows = list(csv.DictReader(open(out / "history.csv")))
    for r in rows:
        top = float(r["top.force_y"])
        bottom = float(r["reaction.platen-bottom.y"])
        assert abs(top + bottom) <= 1e-3 * max(abs(top), 1e-3) + 1e-6, (r["step_name"], top)


def _lifts(tmp_path, name, values, make):
    out = []
    for i, v in enumerate(values):
        _, d = _run(tmp_path, f"{name}-{i}", make(v))
        out.append(d["lift_mm"])
    return out


@pytest.mark.slow
def test_lift_falls_with_lead_stiffness(tmp_path):
    """Thicker (stiffer, stronger) leads resist the spring-back more."""
    lifts = _lifts(tmp_path, "lead", [0.012, 0.018, 0.025],
                   lambda t: {"second_pads = false\n": f"second_pads = false\nlead_thickness = {t}\n"})
    assert lifts[0] > lifts[1] > lifts[2], lifts


@pytest.mark.slow
def test_lift_falls_with_peel_strength(tmp_path):
    lifts = _lifts(tmp_path, "peel", [0.005, 0.02, 0.08],
                   lambda g: {"fracture_energy = 0.02 ": f"fracture_energy = {g} "})
    assert lifts[0] > lifts[1] > lifts[2], lifts


@pytest.mark.slow
def test_lift_falls_with_hold_time(tmp_path):
    """A longer hold at 150 C sets more of the pad (two-network compression set)."""
    lifts = _lifts(tmp_path, "hold", [3600.0, 36000.0, 360000.0],
                   lambda t: {"duration = 3600.0": f"duration = {t}"})
    assert lifts[0] > lifts[1] > lifts[2], lifts

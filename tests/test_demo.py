"""`pkgfem demo` solves the default package cross-section and writes every promised output."""

import csv
import json

import pytest

from solver.cli import main

vtk = pytest.importorskip("vtk")


def test_demo_writes_results(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "chip lift after release" in text and "pad recovery" in text
    assert "worst lead strain" in text and "releasable lead end" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["mesh"]["formulation"] == "plane-strain"
    assert [s["name"] for s in summary["steps"]] == ["heat", "compress", "cure", "release",
                                                     "encapsulate", "cool"]
    assert (out / "interface_stresses.png").stat().st_size > 10_000
    assert (out / "top-force.png").is_file() and (out / "report-lift.png").is_file()
    assert (out / "report-lead-shape.png").is_file()          # the lead's S after release
    assert (out / "demo.toml").is_file() and (out / "demo.pvd").is_file()
    r = vtk.vtkXMLUnstructuredGridReader()
    r.SetFileName(str(out / summary["files"]["vtk"][-1]))
    r.Update()
    assert r.GetOutput().GetNumberOfPoints() > 1000
    # the decisions: spring-back lifts the chip within the source window (0.05-0.10 mm), the
    # pads recover 80-100 %, the lead yields, its releasable end peels but not its root
    d = json.loads((out / "decisions.json").read_text())
    assert 0.05 <= d["lift_mm"] <= 0.10
    assert all(80.0 <= p <= 100.0 for p in d["recovery_percent"])
    assert 0.0 < d["lead_strain"] < 0.37
    assert d["peeled"] and 0.0 < d["peeled_fraction"] < 1.0
    # force balance at every converged increment: the top platen's force on the stack equals
    # the bottom support's reaction (pads and leads are the only load paths between them)
    rows = list(csv.DictReader(open(out / "history.csv")))
    assert len(rows) == sum(len(st["iterations"]) for st in summary["steps"])
    for row in rows:
        top = float(row["top.force_y"])
        bottom = float(row["reaction.platen-bottom.y"])
        assert abs(top + bottom) <= 1e-3 * max(abs(top), 1e-3) + 1e-6, row["step_name"]
    assert max(abs(float(r["top.force_y"])) for r in rows) > 0.1    # the pads were pressed
    # the silicone pads carry far less stress than the chip
    regions = summary["steps"][-1]["regions"]
    assert regions["pads"]["von_mises_max"] < 0.1 * regions["chip"]["von_mises_max"]

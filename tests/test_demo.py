"""`pkgfem demo` solves the default package cross-section and writes every promised output."""

import json

import numpy as np
import pytest

from solver.cli import main

vtk = pytest.importorskip("vtk")


def test_demo_writes_results(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "highest von Mises stress" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["mesh"]["formulation"] == "plane-strain"
    assert (out / "interface_stresses.png").stat().st_size > 10_000
    assert (out / "demo.toml").is_file() and (out / "demo.pvd").is_file()
    r = vtk.vtkXMLUnstructuredGridReader()
    r.SetFileName(str(out / summary["files"]["vtk"][-1]))
    r.Update()
    assert r.GetOutput().GetNumberOfPoints() > 1000
    # cooled chip on a copper spreader: the chip bends (its back centre and the package edge
    # move apart vertically) and the silicone pads carry far less stress than the chip
    regions = summary["steps"][0]["regions"]
    assert regions["pads"]["von_mises_max"] < 0.01 * regions["chip"]["von_mises_max"]
    profiles = json.loads((out / "interface_stresses.json").read_text())
    shear = np.array(profiles["chip/die-attach"]["s_xy"])
    x = np.array(profiles["chip/die-attach"]["x"])
    # shear vanishes on the symmetry line and peaks towards the chip edge
    assert abs(shear[0]) < 0.05 * np.abs(shear).max()
    assert x[np.argmax(np.abs(shear))] > 0.8 * x.max()

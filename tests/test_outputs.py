"""Result files: VTK read back by VTK's own XML reader, summary.json, history.csv, .pvd."""

import csv
import json
import textwrap

import numpy as np
import pytest

import _meshes
from solver import run_case
from solver.cli import main

vtk = pytest.importorskip("vtk")
from vtk.util.numpy_support import vtk_to_numpy  # noqa: E402

CASE = """
[mesh]
family = "layered-strip"
formulation = "plane-strain"
thickness = 2.0
order = 2
[mesh.params]
length = 4.0
thicknesses = [0.5, 0.5]
names = ["chip", "substrate"]
elements_along = 16

[materials]
chip = {{ model = "linear-elastic", E = 130000.0, nu = 0.28, alpha = 2.6e-6 }}
substrate = {{ model = "linear-elastic", E = 20000.0, nu = 0.2, alpha = 17e-6 }}

[[steps]]
name = "cool"
temperature = {{ start = 150.0, end = 25.0 }}
increments = 2
fix = [ {{ boundary = "left", ux = 0.0 }}, {{ point = [0.0, 0.0], uy = 0.0 }} ]

[[steps]]
name = "{second}"
temperature = {{ start = 25.0, end = -40.0 }}
{second_fix}

[[probes]]
name = "corner"
point = [4.0, 1.0]

[[probes]]
name = "chip-stress"
point = [2.0, 0.5]
field = "stress"
region = "chip"

[[probes]]
name = "substrate-stress"
point = [2.0, 0.5]
field = "stress"
region = "substrate"
"""


def read_vtu(path):
    r = vtk.vtkXMLUnstructuredGridReader()
    r.SetFileName(str(path))
    r.Update()
    g = r.GetOutput()
    pd, cd = g.GetPointData(), g.GetCellData()
    point = {pd.GetArrayName(i): vtk_to_numpy(pd.GetArray(i)) for i in range(pd.GetNumberOfArrays())}
    cell = {cd.GetArrayName(i): vtk_to_numpy(cd.GetArray(i)) for i in range(cd.GetNumberOfArrays())}
    return g, point, cell


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    case = d / "strip.toml"
    case.write_text(textwrap.dedent(CASE.format(second="cycle", second_fix="")))
    summary = run_case(case, d / "out")
    return d / "out", summary


def test_vtk_files_read_back_with_vtk(result):
    out, summary = result
    names = sorted(p.name for p in out.glob("*.vtu"))
    assert names == [f"strip-{k:04d}.vtu" for k in range(3)]
    g, point, cell = read_vtu(out / names[-1])
    assert set(point) == {"displacement", "temperature", "strain", "stress", "von_mises",
                          "principal_stress"}
    assert point["displacement"].shape[1] == 3 and np.all(point["displacement"][:, 2] == 0)
    assert point["stress"].shape[1] == 6
    stress = g.GetPointData().GetArray("stress")
    assert [stress.GetComponentName(i) for i in range(6)] == ["XX", "YY", "ZZ", "XY", "YZ", "XZ"]
    assert set(cell) == {"region", "element_id"}
    assert g.GetCellType(0) == vtk.VTK_QUADRATIC_QUAD
    assert np.allclose(point["temperature"], -40.0)
    assert not list(out.glob(".tmp-*")), "temporary files left behind"


def test_stress_is_not_averaged_across_the_interface(result):
    out, _ = result
    g, point, cell = read_vtu(out / "strip-0002.vtu")
    xyz = vtk_to_numpy(g.GetPoints().GetData())
    at = np.flatnonzero(np.all(np.isclose(xyz, [2.0, 0.5, 0.0]), axis=1))
    assert len(at) == 2, "one copy of an interface node per region"
    sxx = point["stress"][at, 0]
    assert abs(sxx[0] - sxx[1]) > 10.0      # chip in compression, substrate in tension
    assert np.allclose(point["displacement"][at[0]], point["displacement"][at[1]])


def test_summary_history_and_pvd(result):
    out, summary = result
    s = json.loads((out / "summary.json").read_text())
    assert s["pkgfem_version"] and s["status"] == "ok"
    assert [st["name"] for st in s["steps"]] == ["cool", "cycle"]
    probes = s["steps"][1]["probes"]
    assert len(probes["corner"]) == 3 and len(probes["chip-stress"]) == 6
    # a thin chip on a compliant substrate cooled: chip in compression, substrate in tension
    assert probes["chip-stress"][0] < 0 < probes["substrate-stress"][0]
    regions = s["steps"][0]["regions"]
    assert set(regions) == {"chip", "substrate"}
    assert regions["chip"]["von_mises_max"] >= regions["chip"]["von_mises_min"] >= 0
    reactions = s["steps"][0]["reactions"]
    assert set(reactions) == {"left", "point (0, 0)"}
    # a free thermal problem: reactions are self-equilibrated and tiny in y
    assert abs(reactions["point (0, 0)"][1]) < 1e-6
    assert s["case"]["materials"]["chip"]["E"] == 130000.0
    assert s["mesh"]["regions"] == ["chip", "substrate"] and s["mesh"]["quality"]["chip"]["elements"] > 0
    assert {"total", "assembly", "solve"} <= set(s["timings"])
    rows = list(csv.DictReader((out / "history.csv").open()))
    assert [(r["step_name"], r["increment"]) for r in rows] == [("cool", "1"), ("cool", "2"), ("cycle", "1")]
    assert float(rows[-1]["residual"]) < 1e-8
    pvd = (out / "strip.pvd").read_text()
    assert pvd.count("<DataSet") == 3 and 'file="strip-0002.vtu"' in pvd


def test_failed_step_keeps_earlier_results(tmp_path, capsys):
    case = tmp_path / "strip.toml"
    # the second step releases every support: the body floats and the step is refused
    case.write_text(textwrap.dedent(CASE.format(second="release",
                                                second_fix='fix = [ { boundary = "left", ux = 0.0 } ]')))
    code = main(["run", str(case), "-o", str(tmp_path / "out")])
    assert code == 2 and "not held" in capsys.readouterr().err
    out = tmp_path / "out"
    s = json.loads((out / "summary.json").read_text())
    assert [st["name"] for st in s["steps"]] == ["cool"] and s["status"].startswith("failed")
    for k in range(2):
        g, point, _ = read_vtu(out / f"strip-{k:04d}.vtu")
        assert g.GetNumberOfPoints() > 0
    assert len(list(csv.DictReader((out / "history.csv").open()))) == 2


def test_meshio_reads_the_vtu_too(result):
    """The files follow the VTK XML format closely enough for meshio as well as VTK."""
    import meshio

    out, _ = result
    g, point, cell = read_vtu(out / "strip-0002.vtu")
    m = meshio.read(out / "strip-0002.vtu")
    assert np.allclose(m.points, vtk_to_numpy(g.GetPoints().GetData()))
    assert np.allclose(m.point_data["stress"], point["stress"])
    assert sum(len(c.data) for c in m.cells) == g.GetNumberOfCells()

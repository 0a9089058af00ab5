"""Bad input ends with exit code 2 and one message naming the file and the problem."""

import textwrap

import pytest

import _meshes
from solver.cli import main

GOOD = """
[mesh]
file = "{mesh}"
formulation = "plane-strain"

[materials]
body = {{ model = "linear-elastic", E = 1000.0, nu = 0.3, alpha = 1e-5 }}

[[steps]]
name = "cool"
temperature = {{ start = 100.0, end = 20.0 }}
fix = [ {{ boundary = "left", ux = 0.0 }}, {{ point = [0.0, 0.0], uy = 0.0 }} ]
"""


@pytest.fixture(scope="module")
def meshes(tmp_path_factory):
    d = tmp_path_factory.mktemp("meshes")
    good = _meshes.rectangle(d / "good.msh")
    return {
        "good": good,
        "v22": _meshes.rectangle(d / "v22.msh", version=2.2),
        "nophys": _meshes.without_physical_groups(good, d / "nophys.msh"),
        "orphans": _meshes.rectangle(d / "orphans.msh", unnamed_part=True),
        "orphans22": _meshes.with_orphans(_meshes.rectangle(d / "v22b.msh", version=2.2),
                                          d / "orphans22.msh"),
        "inverted": _meshes.corrupt(good, d / "inverted.msh", "inverted"),
        "degenerate": _meshes.corrupt(good, d / "degenerate.msh", "degenerate"),
        "quad9": _quad9(d / "quad9.msh"),
        "garbage": _garbage(d / "garbage.msh"),
    }


def _quad9(path):
    import gmsh

    _meshes.rectangle(path, quads=True)  # first order, then rebuild with full quadratic quads
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(str(path))
        gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 0)
        gmsh.model.mesh.setOrder(2)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def _garbage(path):
    path.write_text("$MeshFormat\nthis is not a mesh\n")
    return path


def run(tmp_path, text, capsys):
    case = tmp_path / "case.toml"
    case.write_text(textwrap.dedent(text))
    code = main(["run", str(case), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    return code, err


def good_with(mesh, replace=(), append=""):
    text = GOOD.format(mesh=mesh)
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text + append


# (id, mesh key, replacements, appended text, expected message fragments)
CASES = [
    ("toml-syntax", "good", [("[mesh]", "[mesh")], "", ["not valid TOML"]),
    ("unknown-top-key", "good", [("[[steps]]", "[[stepz]]")], "", ["stepz", "did you mean 'steps'"]),
    ("missing-mesh-file", "good", [("good.msh", "nothere.msh")], "", ["mesh.file", "not found"]),
    ("unknown-formulation", "good", [("plane-strain", "plain-strain")], "",
     ["mesh.formulation", "plain-strain"]),
    ("unknown-library-material", "good",
     [('{ model = "linear-elastic", E = 1000.0, nu = 0.3, alpha = 1e-5 }', '"unobtainium"')], "",
     ["materials.body", "unknown material 'unobtainium'"]),
    ("unknown-model", "good", [("linear-elastic", "linear-elastik")], "",
     ["materials.body.model", "linear-elastik"]),
    ("E-not-a-number", "good", [("E = 1000.0", 'E = "stiff"')], "", ["materials.body.E"]),
    ("nu-too-large", "good", [("nu = 0.3", "nu = 0.5")], "", ["materials.body.nu", "(-1, 0.5)"]),
    ("missing-alpha", "good", [(", alpha = 1e-5", "")], "", ["materials.body", "alpha"]),
    ("region-not-in-mesh", "good", [("body = {", "bdy = {")], "", ["materials.bdy", "no region 'bdy'"]),
    ("boundary-not-in-mesh", "good", [('boundary = "left"', 'boundary = "lefft"')], "",
     ["steps[0].fix[0]", "no boundary 'lefft'", "did you mean 'left'"]),
    ("point-not-at-node", "good", [("point = [0.0, 0.0]", "point = [0.013, 0.0]")], "",
     ["steps[0].fix[1].point", "no mesh node"]),
    ("no-component", "good", [(", ux = 0.0 }", " }")], "", ["steps[0].fix[0]", "no component"]),
    ("bad-expression-name", "good", [("start = 100.0", 'start = "100 + w"')], "",
     ["steps[0].temperature.start", "unknown name 'w'"]),
    ("expression-injection", "good", [("start = 100.0", 'start = "__import__(\'os\').getcwd()"')],
     "", ["steps[0].temperature.start"]),
    ("bad-expression-syntax", "good", [("start = 100.0", 'start = "100 +* x"')], "",
     ["cannot parse"]),
    ("no-steps", "good", [("[[steps]]", "[solver]"), ('name = "cool"', 'linear = "auto"')], "",
     ["steps"]),
    ("floating-body", "good", [('fix = [ { boundary = "left", ux = 0.0 }, { point = [0.0, 0.0], uy = 0.0 } ]',
                                'fix = [ { boundary = "left", ux = 0.0 } ]')], "",
     ["not held", "translate in y", "body"]),
    ("conflicting-fix", "good", [("{ point = [0.0, 0.0], uy = 0.0 }",
                                  "{ point = [0.0, 0.0], uy = 0.0, ux = 0.1 }")], "",
     ["prescribed 0.1", "steps[0].fix"]),
    ("probe-outside", "good", [], '\n[[probes]]\nname = "far"\npoint = [99.0, 0.5]\n',
     ["probes.far.point", "outside the mesh"]),
    ("probe-bad-field", "good", [], '\n[[probes]]\nname = "p"\npoint = [1.0, 0.5]\nfield = "stres"\n',
     ["probes[0].field"]),
    ("pressure-on-point", "good", [], "", []),  # placeholder replaced below
    ("mesh-without-physical-groups", "nophys", [], "", ["no physical groups"]),
    ("cells-outside-regions", "orphans", [], "", ["in no physical group"]),
    ("cells-outside-regions-v22", "orphans22", [], "", ["in no physical group", "element"]),
    ("tangled-element", "degenerate", [], "", ["invalid elements", "inverted", "region 'body'"]),
    ("unsupported-element", "quad9", [], "", ["quad9", "SecondOrderIncomplete"]),
    ("unreadable-mesh", "garbage", [], "", ["not a readable Gmsh mesh"]),
]
CASES = [c for c in CASES if c[0] != "pressure-on-point"]


@pytest.mark.parametrize("name,mesh,replace,append,fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exit_code_2(tmp_path, capsys, meshes, name, mesh, replace, append, fragments):
    code, err = run(tmp_path, good_with(meshes[mesh], replace, append), capsys)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert err.startswith("pkgfem: error: ")
    for frag in fragments:
        assert frag in err, (frag, err)
    if mesh == "good" and "mesh" not in name:
        assert "case.toml" in err


def test_good_case_runs_and_msh22_reads_the_same(tmp_path, capsys, meshes):
    code, err = run(tmp_path, good_with(meshes["good"]), capsys)
    assert code == 0, err
    code, err = run(tmp_path, good_with(meshes["v22"]), capsys)
    assert code == 0, err


def test_mirrored_elements_are_reoriented_not_refused(tmp_path, capsys, meshes):
    """A clockwise (mirrored) element is valid; it is renumbered, and the results agree."""
    import json

    import meshio

    m = meshio.read(meshes["good"])
    for block in m.cells:
        if block.type == "triangle":
            block.data[:] = block.data[:, [0, 2, 1]]
    cw = tmp_path / "clockwise.msh"
    meshio.write(cw, m, file_format="gmsh22", binary=False)
    probe = '\n[[probes]]\nname = "p"\npoint = [4.0, 1.0]\n'
    results = []
    for mesh in (meshes["good"], cw):
        out = tmp_path / mesh.stem
        case = tmp_path / f"{mesh.stem}.toml"
        case.write_text(good_with(mesh, append=probe))
        assert main(["run", str(case), "-o", str(out)]) == 0, capsys.readouterr().err
        results.append(json.loads((out / "summary.json").read_text())["steps"][0]["probes"]["p"])
    assert results[0] == pytest.approx(results[1], rel=1e-9, abs=1e-12)


def test_missing_case_file(tmp_path, capsys):
    assert main(["run", str(tmp_path / "none.toml")]) == 2
    assert "case file not found" in capsys.readouterr().err


def test_pressure_needs_a_boundary(tmp_path, capsys, meshes):
    text = good_with(meshes["good"], append="")
    text = text.replace('fix = [', 'loads = [ { point = [0.0, 0.0], pressure = 1.0 } ]\nfix = [')
    code, err = run(tmp_path, text, capsys)
    assert code == 2 and "a pressure acts on a boundary" in err

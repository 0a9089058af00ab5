"""The command line: help, exit codes, mesh building, console script."""

import subprocess
import sys

import pytest

from solver.cli import main


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("run", "mesh", "demo", "materials", "exit codes", "ParaView"):
        assert word in out


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_mesh_command_writes_a_readable_mesh(tmp_path, capsys):
    out = tmp_path / "strip.msh"
    code = main(["mesh", "layered-strip", "--set", "length=3", "--set", "thicknesses=0.2,0.3",
                 "--dim", "2", "--order", "1", "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "min scaled Jacobian" in text and "lower" in text
    from solver.io.gmsh import read_gmsh

    mesh = read_gmsh(out)
    assert mesh.regions == ["lower", "upper"]
    assert abs(mesh.points[:, 1].max() - 0.5) < 1e-12


def test_mesh_command_refuses_unknown_parameter(tmp_path, capsys):
    code = main(["mesh", "layered-strip", "--set", "lenght=3", "-o", str(tmp_path / "x.msh")])
    assert code == 2
    err = capsys.readouterr().err
    assert "lenght" in err and "did you mean 'length'" in err


def test_mesh_command_refuses_unknown_family(tmp_path, capsys):
    assert main(["mesh", "no-such-family", "-o", str(tmp_path / "x.msh")]) == 2
    assert "unknown mesh family" in capsys.readouterr().err


def test_console_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "solver", "--version"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and "pkgfem" in proc.stdout

"""Process reports against closed forms: gap, height, warpage, max, interface stresses."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from solver import run_case
from solver.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    case = d / "case.toml"
    shutil.copy(DATA / "reports.toml", case)
    summary = run_case(case, d / "out")
    return d / "out", summary


def test_reports_match_the_layer_solution(result):
    """Two layers held at their far faces, a fluid at p = 0.5 MPa between them, the top face
    lifted 0.01 mm: each layer is in uniaxial strain sigma_yy = -p, shortening by
    t p / M, M = E (1 - nu) / ((1 + nu)(1 - 2 nu))."""
    out, summary = result
    rep = summary["steps"][0]["reports"]
    E, nu, p, t = 1000.0, 0.3, 0.5, 0.5
    M = E * (1 - nu) / ((1 + nu) * (1 - 2 * nu))
    gap = 0.2 + 0.01 + 2 * t * p / M
    assert rep["opening"]["gap"] == pytest.approx(gap, rel=2e-4)
    assert rep["opening"]["change"] == pytest.approx(gap - 0.2, rel=2e-3)
    assert rep["cavity"]["piece1_percent"] == pytest.approx(100 * gap / 0.2, rel=2e-4)
    assert rep["sheet-warp"]["warpage"] < 1e-9 and rep["sheet-warp"]["coplanarity"] < 1e-9
    assert rep["bond"]["peel_max"] == pytest.approx(-p, rel=1e-4)
    assert rep["bond"]["shear_max"] < 1e-8
    # von Mises of the uniaxial-strain state: |sigma_yy - sigma_xx| (sigma_xx = sigma_zz)
    assert rep["worst"]["max"] == pytest.approx(p * (1 - nu / (1 - nu)), rel=1e-3)
    # the sheet's face on the fluid rises most: its top face's 0.01 plus its shortening
    assert rep["sheet-shape"]["rise"] == pytest.approx(0.01 + t * p / M, rel=1e-4)
    assert rep["sheet-shape"]["max_displacement"] == pytest.approx(0.01 + t * p / M, rel=1e-4)


def test_reports_go_to_history_and_plots(result):
    out, summary = result
    rows = list(csv.DictReader((out / "history.csv").open()))
    assert "opening.gap" in rows[0] and "bond.peel_max" in rows[0]
    assert set(summary["plots"]) >= {"report-opening.png", "report-bond.png",
                                     "report-sheet-shape-shape.png"}
    assert (out / "report-opening.png").stat().st_size > 5000
    assert (out / "report-sheet-shape-shape.png").stat().st_size > 5000


def test_bad_report_is_refused(tmp_path, capsys):
    text = (DATA / "reports.toml").read_text().replace('kind = "height"\nregion = "cavity"',
                                                       'kind = "height"\nregion = "cavty"')
    assert "cavty" in text
    case = tmp_path / "case.toml"
    case.write_text(text)
    assert main(["run", str(case), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "reports[1].region" in err and "did you mean 'cavity'" in err


def test_default_axis_is_the_height_in_3d(tmp_path):
    """The 3D meshes of the builders have y up (plan x-z), as the 2D ones: a report without
    ``axis`` measures along y. The layer solution of the 2D case, on a 3D strip held in z."""
    text = (DATA / "reports.toml").read_text()
    text = text.replace('formulation = "plane-strain"\norder = 2',
                        'formulation = "3d"\ndim = 3\norder = 1')
    text = text.replace("elements_along = 8", "elements_along = 4\nwidth = 1.0\nelements_across = 1")
    text = text.replace('{ boundary = "right", ux = 0.0 } ]',
                        '{ boundary = "right", ux = 0.0 }, { boundary = "front", uz = 0.0 }, '
                        '{ boundary = "back", uz = 0.0 } ]')
    text = text.replace("point = [1.0, 0.25]", "point = [1.0, 0.25, 0.5]")
    text = text.replace("point = [1.0, 0.95]", "point = [1.0, 0.95, 0.5]")
    assert 'formulation = "3d"' in text and '"back", uz' in text and "axis" not in text
    case = tmp_path / "case.toml"
    case.write_text(text)
    rep = run_case(case, tmp_path / "out")["steps"][0]["reports"]
    E, nu, p, t = 1000.0, 0.3, 0.5, 0.5
    M = E * (1 - nu) / ((1 + nu) * (1 - 2 * nu))
    gap = 0.2 + 0.01 + 2 * t * p / M
    assert rep["opening"]["gap"] == pytest.approx(gap, rel=2e-4)
    assert rep["cavity"]["piece1_percent"] == pytest.approx(100 * gap / 0.2, rel=2e-4)
    assert rep["bond"]["peel_max"] == pytest.approx(-p, rel=1e-4)

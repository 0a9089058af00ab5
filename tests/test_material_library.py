"""The material library (materials/*.toml): every file loads, is documented and sourced, its
values are in pkgfem units (mm, N, MPa, s, deg C, tonne), and a few values match the curated
data (materials-data.md, citations [1]..[29])."""

import re

import numpy as np
import pytest

from solver.cli import main
from solver.materials import library
from solver.materials.properties import Property

FILES = sorted(library.BUILTIN.glob("*.toml"))
NAMES = [p.stem for p in FILES]

#: Materials the library must provide (names are the case-file spelling).
REQUIRED = {"silicon", "alumina", "aln", "fr4", "bt", "polyimide", "copper",
            "copper-electroplated", "gold", "sn63pb37", "pb95sn5", "pb90sn10", "sac305",
            "silicone", "die-attach-epoxy", "die-attach-flexible", "mold-compound", "underfill"}

#: Keys that carry text, not data; every other key needs a source.
TEXT_KEYS = {"model", "description", "notes", "category", "name", "sources"}
THERMAL_KEYS = ("density", "conductivity", "specific_heat")
N_CITATIONS = 29

#: Plausible Young's / shear moduli (MPa) by category.
MODULUS_RANGE = {
    "semiconductor": (1e4, 1e6), "ceramic": (1e4, 1e6), "metal": (1e3, 1e6),
    "solder": (1e3, 1e5), "laminate": (1e3, 1e5), "polymer": (1e2, 1e5),
    "adhesive": (10.0, 1e5), "elastomer": (0.1, 100.0),
}
#: Plausible conductivity, mW/(mm K) = W/(m K): catches values left in W/(mm K).
CONDUCTIVITY_RANGE = {
    "semiconductor": (10.0, 1e3), "ceramic": (10.0, 1e3), "metal": (10.0, 1e3),
    "solder": (10.0, 1e3), "laminate": (0.05, 5.0), "polymer": (0.05, 5.0),
    "adhesive": (0.05, 20.0), "elastomer": (0.05, 5.0),
}
T_GRID = np.linspace(-65.0, 300.0, 366)


@pytest.fixture(autouse=True)
def _builtin_library_only(monkeypatch):
    monkeypatch.delenv("PKGFEM_MATERIALS", raising=False)


def _raw(name):
    table, _ = library.material_table(name)
    return table


def _isotropic_E_nu(mat):
    """E, nu over T_GRID; hyperelastic models through their small-strain moduli."""
    if hasattr(mat, "E"):
        return mat.E(T_GRID), mat.nu(T_GRID)
    lam, mu = mat.small_strain_moduli(T_GRID)
    return mu * (3 * lam + 2 * mu) / (lam + mu), lam / (2 * (lam + mu))


def _moduli(mat):
    """Young's and shear moduli (MPa) of a material over T_GRID, as one flat array."""
    if mat.isotropic:
        return _isotropic_E_nu(mat)[0]
    return np.concatenate([mat.constants[k](T_GRID) for k in mat.CONSTANTS if k[0] in "EG"])


def _poissons(mat):
    if mat.isotropic:
        return _isotropic_E_nu(mat)[1]
    return np.concatenate([mat.constants[k](T_GRID) for k in ("nu12", "nu13", "nu23")])


def test_library_is_complete():
    missing = REQUIRED - set(NAMES)
    assert not missing, f"missing library materials: {sorted(missing)}"
    for name in NAMES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), f"{name}: not kebab-case"


@pytest.mark.parametrize("name", NAMES)
def test_loads(name):
    mat = library.load(name)
    assert mat.name == name
    assert _raw(name)["model"] == mat.key


@pytest.mark.parametrize("name", NAMES)
def test_description_and_category(name):
    table = _raw(name)
    d = table.get("description")
    assert isinstance(d, str) and 20 <= len(d) <= 200 and "\n" not in d, \
        f"{name}: description must be one line saying what it is and when to use it"
    assert table.get("category") in MODULUS_RANGE, f"{name}: unknown category"


@pytest.mark.parametrize("name", NAMES)
def test_every_value_has_a_source(name):
    table = _raw(name)
    sources = table.get("sources")
    assert isinstance(sources, dict), f"{name}: no [sources] table"
    data_keys = set(table) - TEXT_KEYS
    assert data_keys - set(sources) == set(), f"{name}: unsourced keys"
    assert set(sources) - data_keys == set(), f"{name}: sources for keys that are not there"
    for key, text in sources.items():
        assert isinstance(text, str) and text.strip(), f"{name}.sources.{key}: empty"
        assert re.search(r"\[\d+\]|\bTU\b|derived", text), \
            f"{name}.sources.{key}: cite [n], or say TU or derived"
        for n in re.findall(r"\[(\d+)\]", text):
            assert 1 <= int(n) <= N_CITATIONS, f"{name}.sources.{key}: no citation [{n}]"


@pytest.mark.parametrize("name", NAMES)
def test_elastic_constants_are_sane(name):
    mat = library.load(name)
    lo, hi = MODULUS_RANGE[_raw(name)["category"]]
    E = _moduli(mat)
    assert np.all((E > lo) & (E < hi)), f"{name}: moduli outside {lo}..{hi} MPa"
    nu = _poissons(mat)
    assert np.all((nu > 0.0) & (nu < 0.5)), f"{name}: Poisson's ratio outside (0, 0.5)"
    if not mat.isotropic:  # positive definite between the tabulated points too
        D = mat._material_stiffness(T_GRID)
        assert np.linalg.eigvalsh(D).min() > 0, f"{name}: stiffness not positive definite"


@pytest.mark.parametrize("name", NAMES)
def test_thermal_expansion_is_sane(name):
    mat = library.load(name)
    for a in mat.expansion.alphas:
        assert 1e-7 < a.min() and a.max() < 1e-3, f"{name}: CTE outside 1e-7..1e-3 1/K"
    # the free strain grows with temperature: heating expands, cooling contracts
    eps = mat.thermal_strain(T_GRID, 25.0)[..., :3]
    dT = (T_GRID - 25.0)[:, None]
    assert np.all(eps * dT >= 0.0)
    assert np.all(np.abs(eps) <= 1e-3 * np.abs(dT) + 1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_thermal_properties_are_sane(name):
    table = _raw(name)
    ranges = {"density": (5e-10, 2.5e-8),        # tonne/mm^3
              "conductivity": CONDUCTIVITY_RANGE[table["category"]],
              "specific_heat": (5e7, 5e9)}       # mJ/(tonne K)
    for key in THERMAL_KEYS:
        if key in table:
            p = Property.parse(table[key], f"{name}.{key}")
            lo, hi = ranges[key]
            assert lo < p.min() and p.max() < hi, f"{name}.{key}: outside {lo}..{hi}"


def test_spot_values():
    si = library.load("silicon")
    assert si.E(25.0) == 162700.0 and si.nu(25.0) == 0.278
    assert si.expansion.kind == "tangent"
    assert si.expansion.alphas[0](20.0) == pytest.approx(2.56e-6)
    assert _raw("silicon")["conductivity"]["value"][0] == 148.0  # mW/(mm K), not 0.148
    assert library.load("aln").E(25.0) == 331000.0
    assert library.load("alumina").E(25.0) == 303000.0
    assert library.load("copper").expansion.alphas[0](25.0) == pytest.approx(17e-6)

    fr4 = library.load("fr4")
    K = 273.15
    assert fr4.constants["E1"](25.0) == pytest.approx(27924 - 37 * (25 + K), rel=1e-4)
    assert fr4.constants["E1"](25.0) == pytest.approx(16.9e3, rel=0.01)
    assert fr4.constants["E3"](25.0) == pytest.approx(7.4e3, rel=0.01)
    assert fr4.constants["G13"](25.0) == pytest.approx(3.3e3, rel=0.01)
    assert fr4.constants["E1"](100.0) == pytest.approx(27924 - 37 * (100 + K), rel=1e-4)
    assert fr4.constants["nu13"](25.0) == 0.39

    assert library.load("sn63pb37").E(25.0) == pytest.approx(30.5e3, rel=0.01)
    assert library.load("sac305").E(25.0) == pytest.approx(43.8e3, rel=0.01)
    assert library.load("mold-compound").E(25.0) == 23520.0
    assert library.load("die-attach-epoxy").E(25.0) == 2758.0

    sil = library.load("silicone")
    assert 1.0 <= sil.E(25.0) <= 3.0 and sil.nu(25.0) == 0.49


@pytest.mark.parametrize("name", ["die-attach-epoxy", "die-attach-flexible", "mold-compound"])
def test_epoxies_use_tangent_cte(name):
    # data sheets give the instantaneous CTE below and above Tg
    mat = library.load(name)
    assert mat.expansion.kind == "tangent"
    a = mat.expansion.alphas[0]
    assert a.max() > 1.5 * a.min()  # the rise across Tg is in the table


def test_cli_lists_the_library(capsys):
    assert main(["materials"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert re.search(rf"^{re.escape(name)}\s", out, re.M), name
    assert main(["materials", "fr4"]) == 0
    out = capsys.readouterr().out
    assert "orthotropic-elastic" in out and "source of E1" in out

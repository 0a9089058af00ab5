"""Package mesh builders (meshes/): every family and variant builds in 2D and 3D, is named,
conformal and well shaped, has the analytic region volumes of its parameters, solves a
uniform cool-down, and a 2D section agrees with its 3D counterpart where physics says so."""

import json
import math
import time

import numpy as np
import pytest

from meshes import build_mesh, list_families
from meshes.common import cache_path, family_module, make_params, quality_path
from solver.errors import InputError
from solver.io.gmsh import read_gmsh
from solver.kernels.geometry import jacobian_determinants
from solver.quality import check_elements, quality

FAMILIES = ("cavity-package", "resilient-pad", "dual-solder", "stacked-mold")

# small 3D geometries so that the fast tests stay fast (the defaults are ~1M DOF)
SMALL = {
    "resilient-pad": {"chip_width": 2.0, "aperture_width": 2.6, "package_width": 5.0,
                      "lead_pitch": 0.4, "pad_pitch": 1.2, "plate_width": 4.2},
    "cavity-package": {"chip_width": 2.0, "opening_width": 2.6, "cell_width": 5.0,
                       "lead_pitch": 0.5},
    "dual-solder": {"joints": 3},
    "stacked-mold": {"package_width": 5.0, "chip_width": 2.0, "via_ring": 1.9,
                     "via_pitch": 0.9, "corner_keepout": 0.3},
}

#: (family, params) every variant the issue lists
VARIANTS = [
    ("resilient-pad", {}),
    ("resilient-pad", {"variant": "unitary-pad"}),
    ("resilient-pad", {"variant": "multi-opening-pad"}),
    ("resilient-pad", {"variant": "chip-face"}),
    ("resilient-pad", {"variant": "plate"}),
    ("resilient-pad", {"variant": "posts"}),
    ("resilient-pad", {"ground_plane": True, "second_pads": True}),
    ("resilient-pad", {"encapsulant": False, "coverlay": False, "heat_spreader": False}),
    ("resilient-pad", {"variant": "single-pad"}),
    ("cavity-package", {}),
    ("cavity-package", {"openings": 2, "solder_balls": False}),
    ("dual-solder", {}),
    ("dual-solder", {"layout": "single"}),
    ("stacked-mold", {}),
    ("stacked-mold", {"via_core": "filled", "units": 1, "substrate": False}),
    ("stacked-mold", {"via_core": "hollow"}),
]


@pytest.fixture(scope="module", autouse=True)
def mesh_cache(tmp_path_factory):
    """A private mesh cache for this module."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PKGFEM_MESH_CACHE", str(tmp_path_factory.mktemp("mesh-cache")))
    yield
    mp.undo()


def params_for(family, params, dim):
    out = dict(SMALL[family]) if dim == 3 and params.get("variant") != "single-pad" and \
        params.get("layout") != "single" else {}
    out.update(params)
    return out


def load(family, params, dim, size=1.0, order=2):
    path = build_mesh(family, params, dim=dim, order=order, size=size)
    mesh = read_gmsh(path)
    return mesh, make_params(family_module(family), params, "test")


# ----------------------------------------------------------------------------- helpers
def region_measures(mesh):
    """Area (2D) or volume (3D) of every region, mm^2 / mm^3, by Gauss quadrature."""
    out = {}
    for b in mesh.blocks:
        et = b.etype
        _, dN = et.tabulate(et.qp)
        det = jacobian_determinants(mesh.points, b.conn, dN)
        name = mesh.regions[b.region]
        out[name] = out.get(name, 0.0) + float((det * et.qw).sum())
    return out


def bodies(mesh):
    """Number of connected bodies (elements sharing a node)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows, cols = [], []
    for b in mesh.blocks:
        rows.append(np.repeat(b.conn[:, :1], b.conn.shape[1], axis=1).ravel())
        cols.append(b.conn.ravel())
    r, c = np.concatenate(rows), np.concatenate(cols)
    g = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(mesh.n_nodes,) * 2)
    n, labels = connected_components(g, directed=False)
    used = np.unique(c)
    return len(np.unique(labels[used]))


def assert_conformal(mesh):
    """No two nodes at one place; every interface's nodes belong to both its regions."""
    scale = np.ptp(mesh.points, axis=0).max()
    key = np.round(mesh.points / (1e-9 * scale)).astype(np.int64)
    assert len(np.unique(key, axis=0)) == mesh.n_nodes, "duplicate nodes"
    nodes_of = {r: set(mesh.region_nodes(r).tolist()) for r in mesh.regions}
    for name, bd in mesh.boundaries.items():
        if "/" in name:
            a, b = name.split("/")
            assert set(bd.nodes.tolist()) <= nodes_of[a] & nodes_of[b], name
    assert bodies(mesh) == 1


# ----------------------------------------------------------------------------- building
def test_families_registered():
    assert set(FAMILIES) <= set(list_families())
    for f in FAMILIES:
        mod = family_module(f)
        assert mod.DIMS == (2, 3)
        assert mod.Params.__dataclass_params__.frozen


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("family,params", VARIANTS,
                         ids=[f"{f}-{'-'.join(map(str, p.values())) or 'default'}" for f, p in VARIANTS])
def test_variant_builds_conformal_and_well_shaped(family, params, dim):
    params = params_for(family, params, dim)
    mesh, p = load(family, params, dim, size=2.0 if dim == 3 else 1.0)
    check_elements(mesh)                      # no inverted or degenerate element
    assert_conformal(mesh)
    q = quality(mesh)
    worst = min(v["min_scaled_jacobian"] for v in q.values())
    assert worst > (0.99 if dim == 2 else 0.05), q
    assert max(v["max_aspect_ratio"] for v in q.values()) < 60
    for required in ("platen-bottom", "center-bottom"):
        assert required in mesh.boundaries
    names = set(mesh.regions) | set(mesh.boundaries)
    assert all(n == n.lower() and " " not in n for n in names)


def test_region_and_boundary_names_resilient_pad():
    mesh, _ = load("resilient-pad", {}, 2)
    assert mesh.regions == sorted(["adhesive", "bumps", "chip", "coverlay", "die-attach",
                                   "dielectric", "encapsulant", "frame", "heat-spreader",
                                   "leads", "pads"])
    for b in ("platen-top", "platen-bottom", "symmetry-x", "center-bottom", "lead-1",
              "lead-1-release", "lead-1-bond", "lead-1-tip", "lead-1-root", "chip/die-attach",
              "die-attach/heat-spreader", "frame/pads", "dielectric/pads", "bumps/leads",
              "dielectric/leads"):
        assert b in mesh.boundaries, b
    assert mesh.boundaries["lead-1-tip"].dim == 0 and mesh.boundaries["lead-1"].dim == 1
    # releasable and bonded segments make up the lead, on the dielectric's top surface
    lead = set(mesh.boundaries["lead-1"].nodes.tolist())
    parts = set(mesh.boundaries["lead-1-release"].nodes.tolist()) | \
        set(mesh.boundaries["lead-1-bond"].nodes.tolist())
    assert parts == lead
    p = make_params(family_module("resilient-pad"), {}, "t")
    assert np.allclose(mesh.points[list(lead), 1], p.dielectric_thickness)


def test_3d_lead_curves_lie_on_the_dielectric_and_end_at_the_bumps():
    params = SMALL["resilient-pad"]
    mesh, p = load("resilient-pad", params, 3, size=2.0)
    y = p.levels()
    leads = sorted(n for n in mesh.boundaries if n.startswith("lead-") and n.count("-") == 1)
    assert len(leads) > 2
    assert leads, "no lead curves"
    bumps = set(mesh.region_nodes("bumps").tolist())
    for name in leads:
        bd = mesh.boundaries[name]
        assert bd.dim == 1
        assert np.allclose(mesh.points[bd.nodes, 1], y["dielectric"])
        tip = mesh.boundaries[f"{name}-tip"].nodes
        assert int(tip[0]) in bumps and int(tip[0]) in set(bd.nodes.tolist())
        release = set(mesh.boundaries[f"{name}-release"].nodes.tolist())
        bond = set(mesh.boundaries[f"{name}-bond"].nodes.tolist())
        assert release | bond == set(bd.nodes.tolist()) and len(release & bond) == 1
        assert int(tip[0]) in release and int(mesh.boundaries[f"{name}-root"].nodes[0]) in bond
    assert {"symmetry-x", "symmetry-z"} <= set(mesh.boundaries)
    assert np.allclose(mesh.points[mesh.boundaries["symmetry-z"].nodes, 2], 0.0)


def test_wire_bonds_are_staples_inside_the_compliant_layer():
    mesh, p = load("cavity-package", SMALL["cavity-package"], 3, size=2.0)
    y = p.levels()
    wire = mesh.boundaries["wire-1"]
    ys = mesh.points[wire.nodes, 1]
    assert ys.min() == pytest.approx(y["front"]) and ys.max() == pytest.approx(y["loop"])
    lead = mesh.boundaries["lead-1"]
    assert mesh.points[lead.nodes, 1].max() == pytest.approx(y["sheet"])


# ----------------------------------------------------------------------------- volumes
def _within(measured, expected, name, rtol=0.005):
    assert measured == pytest.approx(expected, rel=rtol), \
        f"{name}: {measured:.6g} vs analytic {expected:.6g}"


def test_volumes_resilient_pad_2d():
    mesh, p = load("resilient-pad", {}, 2)
    v = region_measures(mesh)
    c, a, A = p.chip_width / 2, p.aperture_width / 2, p.package_width / 2
    t_frame = p.lead_thickness + p.bump_height + p.chip_thickness - p.pad_height
    _within(v["chip"], c * p.chip_thickness, "chip")
    _within(v["dielectric"], A * p.dielectric_thickness, "dielectric")
    _within(v["bumps"], p.bump_diameter * p.bump_height, "bumps")
    _within(v["leads"], (p.lead_length + p.bump_diameter / 2) * p.lead_thickness, "leads")
    _within(v["pads"], p.pad_diameter * p.pad_height, "pads")
    _within(v["frame"], (A - a) * t_frame, "frame")
    _within(v["adhesive"], p.adhesive_width * p.pad_height, "adhesive")
    _within(v["heat-spreader"], A * p.heat_spreader_thickness, "heat-spreader")
    _within(v["die-attach"], A * p.die_attach_thickness, "die-attach")
    _within(v["coverlay"], A * p.coverlay_thickness, "coverlay")
    total = A * (p.dielectric_thickness + p.lead_thickness + p.bump_height + p.chip_thickness
                 + p.die_attach_thickness + p.heat_spreader_thickness + p.coverlay_thickness)
    _within(sum(v.values()), total, "package")


def test_volumes_resilient_pad_3d_quarter():
    from meshes.resilient_pad import _lead_positions, _ring_positions

    params = SMALL["resilient-pad"]
    mesh, p = load("resilient-pad", params, 3, size=2.0)
    v = region_measures(mesh)
    c, a, A = p.chip_width / 2, p.aperture_width / 2, p.package_width / 2
    y = p.levels()
    t_frame = y["back"] - y["pad"]
    _within(v["chip"], c * c * p.chip_thickness, "chip")
    _within(v["dielectric"], A * A * p.dielectric_thickness, "dielectric")
    _within(v["frame"], (A * A - a * a) * t_frame, "frame")
    _within(v["adhesive"], (A * A - (A - p.adhesive_width) ** 2) * p.pad_height, "adhesive")
    n_bumps = len(_lead_positions(p))          # per edge; half of them on each of 2 edges
    rb = p.bump_diameter / 2
    _within(v["bumps"], n_bumps * math.pi * rb * rb * (p.lead_thickness + p.bump_height),
            "bumps")
    n_pads = len(_ring_positions(p.pad_ring(), p.pad_pitch))   # whole package, 4-fold
    rp = p.pad_diameter / 2
    _within(v["pads"], n_pads / 4 * math.pi * rp * rp * p.pad_height, "pads")


def test_volumes_cavity_package_2d_and_3d():
    mesh, p = load("cavity-package", {}, 2)
    v = region_measures(mesh)
    c, a, A = p.chip_width / 2, p.opening_width / 2, p.cell_width / 2
    s2 = p.die_attach_thickness + p.chip_thickness - p.substrate_adhesive_thickness
    _within(v["chip"], c * p.chip_thickness, "chip")
    _within(v["substrate-1"], A * p.substrate1_thickness, "substrate-1")
    _within(v["substrate-2"], (A - a) * s2, "substrate-2")
    _within(v["substrate-adhesive"], (A - a) * p.substrate_adhesive_thickness, "adhesive")
    _within(v["sheet"], A * p.sheet_thickness, "sheet")
    t = p.lead_thickness
    _within(v["leads"], t * (p.gap - t) + (p.lead_length + t / 2) * t, "leads")
    d = p.wire_diameter
    span = p.opening_width / 2 + p.wire_pad_offset - (c - p.contact_inset)
    _within(v["wires"], 2 * d * (p.wire_loop + d) + (span - d) * d, "wires")

    mesh, p = load("cavity-package", SMALL["cavity-package"], 3, size=2.0)
    v = region_measures(mesh)
    c, a, A = p.chip_width / 2, p.opening_width / 2, p.cell_width / 2
    _within(v["chip"], c * c * p.chip_thickness, "chip")
    _within(v["substrate-2"], (A * A - a * a) * s2, "substrate-2")
    _within(v["sheet"], A * A * p.sheet_thickness, "sheet")
    _within(v["compliant-layer"], A * A * p.gap + (a * a - c * c) * p.chip_thickness
            + (a * a - c * c) * p.die_attach_thickness, "compliant-layer")


def test_volumes_dual_solder():
    mesh, p = load("dual-solder", {}, 2)
    v = region_measures(mesh)
    n = (p.joints + 1) / 2 - 0.5                   # the centre joint is cut in half
    _within(v["bumps"], n * p.bump_diameter * p.bump_height, "bumps")
    _within(v["low-solder"], n * p.solder_diameter * p.solder_thickness, "low-solder")
    R = (p.joints - 1) / 2 * p.pitch + p.margin
    _within(v["chip"], R * p.chip_thickness, "chip")
    # axisymmetric cell: areas in the (r, z) plane
    mesh, p = load("dual-solder", {"layout": "single"}, 2)
    v = region_measures(mesh)
    _within(v["bumps"], p.bump_diameter / 2 * p.bump_height, "bumps")
    # 3D quarter of the round cell
    mesh, p = load("dual-solder", {"layout": "single"}, 3)
    v = region_measures(mesh)
    R = p.pitch / 2
    _within(v["sheet"], math.pi * R * R / 4 * p.sheet_thickness, "sheet")
    _within(v["bumps"], math.pi * (p.bump_diameter / 2) ** 2 / 4 * p.bump_height, "bumps")
    _within(v["low-solder"], math.pi * (p.solder_diameter / 2) ** 2 / 4 * p.solder_thickness,
            "low-solder")


def test_volumes_stacked_mold():
    from meshes.stacked_mold import _via_positions

    mesh, p = load("stacked-mold", {}, 2)
    v = region_measures(mesh)
    H, tf = p.mold_thickness, p.flange_thickness
    via = p.flange_diameter * 2 * tf + p.via_diameter * (H - 2 * tf)
    _within(v["vias-1"], via, "vias-1")
    _within(v["chip-2"], p.chip_width / 2 * p.chip_thickness, "chip-2")
    _within(v["joints-1"], p.joint_diameter * p.joint_height, "joints-1")
    params = SMALL["stacked-mold"]
    mesh, p = load("stacked-mold", params, 3, size=2.0)
    v = region_measures(mesh)
    n = len(_via_positions(p)) / 4
    rf, rv = p.flange_diameter / 2, p.via_diameter / 2
    _within(v["vias-1"], n * math.pi * (rf * rf * 2 * tf + rv * rv * (H - 2 * tf)), "vias-1")
    _within(v["chip-1"], (p.chip_width / 2) ** 2 * p.chip_thickness, "chip-1")
    A = p.package_width / 2
    _within(v["substrate"], A * A * p.substrate_thickness, "substrate")


# ----------------------------------------------------------------------------- inputs
@pytest.mark.parametrize("family,params,key", [
    ("resilient-pad", {"pad_diamter": 0.5}, "pad_diamter"),
    ("resilient-pad", {"pad_height": 0.6}, "pad_height"),                 # taller than the gap
    ("resilient-pad", {"chip_width": 6.0}, "chip_width"),                 # wider than aperture
    ("resilient-pad", {"variant": "multi-opening-pad", "opening_diameter": 1.5},
     "opening_diameter"),                                                 # openings overlap
    ("resilient-pad", {"pad_pitch": 0.4}, "pad_pitch"),                   # pads overlap
    ("resilient-pad", {"variant": "chip-face", "ground_plane": True}, "ground_plane"),
    ("cavity-package", {"chip_width": 5.8}, "chip_width"),
    ("cavity-package", {"openings": 2, "opening_width": 9.9}, "opening_width"),   # overlap
    ("cavity-package", {"wire_loop": 0.4}, "wire_loop"),
    ("dual-solder", {"pitch": 0.1}, "pitch"),
    ("stacked-mold", {"via_ring": 2.1}, "via_ring"),
    ("stacked-mold", {"via_core": "porous"}, "via_core"),
])
def test_impossible_geometry_is_refused_before_gmsh(family, params, key, monkeypatch):
    import meshes.common as common

    def no_gmsh(*a, **k):
        raise AssertionError("Gmsh must not run for invalid parameters")
    monkeypatch.setattr(common, "gmsh_session", no_gmsh)
    with pytest.raises(InputError, match=key):
        build_mesh(family, params, dim=2, where="case.toml: mesh")


def test_extent_and_dimension_checked():
    with pytest.raises(InputError, match="extent"):
        build_mesh("resilient-pad", {"extent": "quarter"}, dim=2)
    with pytest.raises(InputError, match="order"):
        build_mesh("resilient-pad", {}, dim=2, order=3)


# ----------------------------------------------------------------------------- cache
def test_cache_reproducible_and_quality_report(tmp_path):
    import meshio

    params = {"pad_height": 0.15}
    t = time.perf_counter()
    a = build_mesh("resilient-pad", params, dim=2)
    first = time.perf_counter() - t
    t = time.perf_counter()
    b = build_mesh("resilient-pad", params, dim=2)
    assert a == b and time.perf_counter() - t < max(0.5, first)
    rebuilt = build_mesh("resilient-pad", params, dim=2, use_cache=False)
    ma, mb = meshio.read(a), meshio.read(rebuilt)
    assert np.array_equal(ma.points, mb.points)
    report = json.loads(quality_path(a).read_text())
    assert report["family"] == "resilient-pad" and report["nodes"] == len(ma.points)
    assert set(report["quality"]) == set(report["regions"])
    out = build_mesh("resilient-pad", params, dim=2, path=tmp_path / "x.msh")
    assert out.is_file() and (tmp_path / "x.quality.json").is_file()
    mod = family_module("resilient-pad")
    assert cache_path("resilient-pad", mod, make_params(mod, params, "t"), 2, 2, 1.0) == a
    assert cache_path("resilient-pad", mod, make_params(mod, params, "t"), 2, 2, 0.5) != a


def test_3d_plan_mesh_is_reproducible():
    import meshio

    params = SMALL["resilient-pad"]
    a = build_mesh("resilient-pad", params, dim=3, size=3.0, use_cache=False)
    pa = meshio.read(a).points
    b = build_mesh("resilient-pad", params, dim=3, size=3.0, use_cache=False)
    assert np.array_equal(pa, meshio.read(b).points)


def test_thin_layers_get_two_quadratic_or_four_linear_elements():
    for order, n in ((2, 2), (1, 4)):
        mesh, p = load("resilient-pad", {}, 2, order=order)
        ys = np.unique(np.round(mesh.points[mesh.region_nodes("dielectric"), 1], 9))
        corners = 2 * n + 1 if order == 2 else n + 1
        assert len(ys) >= corners, (order, ys)


def test_size_factor_refines():
    coarse, _ = load("resilient-pad", {}, 2, size=2.0)
    fine, _ = load("resilient-pad", {}, 2, size=0.5)
    assert fine.n_elements > 3 * coarse.n_elements


# ----------------------------------------------------------------------------- solving
ELASTIC = {   # inline linear-elastic stand-ins: E MPa, nu, alpha 1/K
    "silicon": (130000.0, 0.28, 2.6e-6), "copper": (120000.0, 0.34, 17e-6),
    "solder": (30000.0, 0.35, 24e-6), "film": (3000.0, 0.34, 20e-6),
    "soft": (5.0, 0.45, 250e-6), "laminate": (20000.0, 0.2, 16e-6),
    "ceramic": (300000.0, 0.22, 7e-6), "adhesive": (2000.0, 0.35, 60e-6),
    "mold": (20000.0, 0.3, 10e-6),
}
KIND = {"chip": "silicon", "leads": "copper", "wires": "copper", "heat-spreader": "copper",
        "ground-plane": "copper", "vias": "copper", "bumps": "solder", "low-solder": "solder",
        "solder-balls": "solder", "joints": "solder", "via-fill": "solder", "dielectric": "film",
        "sheet": "film", "coverlay": "film", "pads": "soft", "pads-2": "soft",
        "encapsulant": "soft", "compliant-layer": "soft", "frame": "laminate",
        "substrate-2": "laminate", "substrate": "laminate", "posts": "laminate",
        "plate": "copper", "substrate-1": "ceramic", "adhesive": "adhesive",
        "die-attach": "adhesive", "substrate-adhesive": "adhesive", "mold": "mold"}


def material(region, family):
    base = region.rsplit("-", 1)[0] if region[-1].isdigit() and region not in KIND else region
    kind = KIND[base]
    if family == "dual-solder" and region == "pads":
        kind = "copper"
    E, nu, alpha = ELASTIC[kind]
    return f"{{ model = \"linear-elastic\", E = {E}, nu = {nu}, alpha = {alpha} }}"


def cooldown_case(tmp_path, family, params, dim, regions, boundaries, size=1.0, probes=(),
                  formulation=None, fix=None, thickness=1.0, order=2):
    form = formulation or ("3d" if dim == 3 else "plane-strain")
    if fix is None:
        fix = []
        for name, comp in (("symmetry-x", "ux"), ("symmetry-z", "uz"), ("axis", "ux")):
            if name in boundaries:
                fix.append(f'{{ boundary = "{name}", {comp} = 0.0 }}')
        fix.append('{ boundary = "center-bottom", uy = 0.0 }')
        if "symmetry-x" not in boundaries and "axis" not in boundaries:
            fix.append('{ boundary = "center-bottom", ux = 0.0 }')
        if dim == 3 and "symmetry-z" not in boundaries:   # a strip: hold the bottom plane
            fix.append('{ boundary = "center-bottom", uz = 0.0 }')
            fix.append('{ boundary = "platen-bottom", uy = 0.0 }')
    mats = "\n".join(f'"{r}" = {material(r, family)}' for r in regions)
    pr = "\n".join(f'[[probes]]\nname = "{n}"\npoint = {list(pt)}\nfield = "displacement"\n'
                   for n, pt in probes)
    text = f"""[mesh]
family = "{family}"
formulation = "{form}"
dim = {dim}
size = {size}
order = {order}
{"thickness = " + repr(thickness) if dim == 2 else ""}
[mesh.params]
{chr(10).join(f"{k} = {json.dumps(v)}" for k, v in params.items())}

[materials]
{mats}

[output]
vtk = false
plots = false

[[steps]]
name = "cool"
temperature = {{ start = 150.0, end = 25.0 }}
fix = [ {", ".join(fix)} ]

{pr}
"""
    path = tmp_path / f"{family}-{dim}d.toml"
    path.write_text(text)
    return path


def solve(tmp_path, family, params, dim, size=1.0, order=2, **kw):
    from solver.runner import run_case

    mesh, p = load(family, params, dim, size=size, order=order)
    case = cooldown_case(tmp_path, family, params, dim, mesh.regions, mesh.boundaries,
                         size=size, order=order, **kw)
    summary = run_case(case, tmp_path / f"out-{family}-{dim}")
    assert summary["status"] == "ok"
    return summary, mesh, p


@pytest.mark.parametrize("family", FAMILIES)
def test_cooldown_solves_2d_default(tmp_path, family):
    summary, mesh, p = solve(tmp_path, family, {}, 2)
    step = summary["steps"][0]
    vm = {r: v["von_mises_max"] for r, v in step["regions"].items()}
    assert all(np.isfinite(x) and x > 0 for x in vm.values())
    stiff = "chip-1" if family == "stacked-mold" else "chip"
    assert vm[stiff] > 1.0                  # CTE mismatch stresses the chip


@pytest.mark.parametrize("family", FAMILIES)
def test_cooldown_solves_3d_small(tmp_path, family):
    params = SMALL[family]
    summary, mesh, p = solve(tmp_path, family, params, 3, size=3.0, order=1)
    assert all(np.isfinite(v["von_mises_max"]) for v in summary["steps"][0]["regions"].values())


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_cooldown_solves_3d_default(tmp_path, family):
    summary, mesh, p = solve(tmp_path, family, {}, 3)
    assert all(np.isfinite(v["von_mises_max"]) for v in summary["steps"][0]["regions"].values())


def test_section_agrees_with_3d_slice(tmp_path):
    """The 2D plane-strain section and the 3D slice (the section extruded over one lead
    pitch, uz = 0 on both faces) are the same plane-strain problem on the same mesh."""
    p = make_params(family_module("resilient-pad"), {}, "t")
    y = p.levels()
    probes = [("back", (0.0, y["back"])), ("edge", (p.package_width / 2, y["cover"])),
              ("tip", (p.chip_width / 2 - p.bump_inset, y["dielectric"]))]
    s2, _, _ = solve(tmp_path, "resilient-pad", {}, 2, probes=probes, thickness=p.lead_pitch)
    fix = ['{ boundary = "symmetry-x", ux = 0.0 }', '{ boundary = "slice-front", uz = 0.0 }',
           '{ boundary = "slice-back", uz = 0.0 }', '{ boundary = "center-bottom", uy = 0.0 }']
    s3, _, _ = solve(tmp_path, "resilient-pad", {"extent": "slice"}, 3, fix=fix,
                     probes=[(n, (x, yy, 0.0)) for n, (x, yy) in probes])
    for name, _ in probes:
        u2 = np.array(s2["steps"][0]["probes"][name][:2])
        u3 = np.array(s3["steps"][0]["probes"][name][:2])
        assert np.allclose(u2, u3, rtol=1e-6, atol=1e-9 * np.abs(u2).max()), (name, u2, u3)


def test_axisymmetric_single_pad_agrees_with_3d_quarter(tmp_path):
    """One pad between a dielectric disc and a frame disc: the axisymmetric section and the 3D
    quarter cylinder give the same displacements (the 3D plan is not axisymmetric in its
    mesh, so within a few per cent)."""
    params = {"variant": "single-pad"}
    p = make_params(family_module("resilient-pad"), params, "t")
    y = p.levels()
    top = y["pad"] + p.frame_thickness
    R = p.cell_width / 2
    probes2 = [("top-axis", (0.0, top)), ("top-rim", (R, top))]
    s2, _, _ = solve(tmp_path, "resilient-pad", params, 2, formulation="axisymmetric",
                     probes=probes2)
    probes3 = [("top-axis", (0.0, top, 0.0)), ("top-rim", (R, top, 0.0))]
    s3, _, _ = solve(tmp_path, "resilient-pad", params, 3, probes=probes3)
    for name in ("top-axis", "top-rim"):
        u2 = np.array(s2["steps"][0]["probes"][name][:2])
        u3 = np.array(s3["steps"][0]["probes"][name][:2])
        scale = np.abs(u2).max()
        assert np.allclose(u2, u3, atol=0.02 * scale), (name, u2, u3)

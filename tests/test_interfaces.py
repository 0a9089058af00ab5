"""Cohesive interfaces: law, elements, mesh surgery, case syntax, verification.

Fast (default): the traction-separation law (peaks, energies, mixed mode, irreversibility,
compression), exact tangents against finite differences of the element forces (2D and 3D
facets, beam curves, large rotations, viscosity), node splitting (2D, 3D, a beam curve), input
errors, outputs, and the benchmarks ``cohesive-springback`` (bond below its strength),
``dcb-cohesive`` (coarse) and ``kendall-peel`` (coarse, 90 deg). Slow (``-m slow``): Kendall
at 30, 60 and 90 deg and the DCB on the refined meshes.

    .venv/bin/python -m pytest tests/test_interfaces.py -m "not slow"
    .venv/bin/python -m pytest tests/test_interfaces.py -m slow
"""

import csv
import json
import math
import tomllib
import zlib
from pathlib import Path

import gmsh
import numpy as np
import pytest

import solver
from solver.elements import ELEMENTS
from solver.errors import InputError
from solver.interfaces import elements as E
from solver.interfaces.law import damage_trial, evaluate_point, parameters

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def load_toml(path):
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def history(outdir):
    with open(Path(outdir) / "history.csv") as fh:
        return list(csv.DictReader(fh))


# ============================================================================ meshes
def two_layer(path, length=4.0, a=2.0, h1=0.5, h2=0.5, n_a=8, n_b=8, n1=2, n2=2, order=1,
              dim=2, width=1.0, n_z=2):
    """Layers ``sheet`` (bottom, y in [0, h1]) and ``strip`` on top, structured quads/hexes.

    The interface y = h1 is two boundaries: ``release`` (x < a) and ``bond`` (x > a). Curves
    ``lead`` (the whole interface line at z = 0) and ``lead-release`` (x < a) stand for a beam
    on the sheet; points ``origin``, ``lead-tip`` (0, h1). Other boundaries: bottom, top, left,
    right, strip-left (the strip's end face at x = 0). 3D: extruded by ``width`` along z.
    """
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("two-layer")
        g = gmsh.model.geo
        xs, ys = [0.0, a, length], [0.0, h1, h1 + h2]
        P = {(i, j): g.addPoint(x, y, 0) for i, x in enumerate(xs) for j, y in enumerate(ys)}
        H = {(i, j): g.addLine(P[i, j], P[i + 1, j]) for j in range(3) for i in range(2)}
        V = {(i, j): g.addLine(P[i, j], P[i, j + 1]) for i in range(3) for j in range(2)}
        S = {}
        for i in range(2):
            for j in range(2):
                loop = g.addCurveLoop([H[i, j], V[i + 1, j], -H[i, j + 1], -V[i, j]])
                S[i, j] = g.addPlaneSurface([loop])
        for (i, _), c in H.items():
            g.mesh.setTransfiniteCurve(c, (n_a, n_b)[i] + 1)
        for (_, j), c in V.items():
            g.mesh.setTransfiniteCurve(c, (n1, n2)[j] + 1)
        for s in S.values():
            g.mesh.setTransfiniteSurface(s)
            g.mesh.setRecombine(2, s)
        if dim == 3:
            for s in S.values():
                g.extrude([(2, s)], 0, 0, width, [n_z], recombine=True)
        g.synchronize()
        eps = 1e-6

        def box(d, x0, y0, z0, x1, y1, z1):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
                x0 - eps, y0 - eps, z0 - eps, x1 + eps, y1 + eps, z1 + eps, d)]

        W = width if dim == 3 else 0.0
        bd, top = dim - 1, h1 + h2
        pg = gmsh.model.addPhysicalGroup
        pg(dim, box(dim, 0, 0, 0, length, h1, W), name="sheet")
        pg(dim, box(dim, 0, h1, 0, length, top, W), name="strip")
        pg(bd, box(bd, 0, h1, 0, a, h1, W), name="release")
        pg(bd, box(bd, a, h1, 0, length, h1, W), name="bond")
        pg(bd, box(bd, 0, 0, 0, length, 0, W), name="bottom")
        pg(bd, box(bd, 0, top, 0, length, top, W), name="top")
        pg(bd, box(bd, 0, 0, 0, 0, top, W), name="left")
        pg(bd, box(bd, 0, h1, 0, 0, top, W), name="strip-left")
        pg(bd, box(bd, length, 0, 0, length, top, W), name="right")
        pg(1, box(1, 0, h1, 0, length, h1, 0), name="lead")
        pg(1, box(1, 0, h1, 0, a, h1, 0), name="lead-release")
        pg(0, box(0, 0, 0, 0, 0, 0, 0), name="origin")
        pg(0, box(0, 0, h1, 0, 0, h1, 0), name="lead-tip")
        if order == 2:
            gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 1)
        gmsh.model.mesh.generate(dim)
        if order == 2:
            gmsh.model.mesh.setOrder(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def sheet_with_lead(path, length=4.0, a=2.0, h=0.5, n_a=16, n_b=16, n_y=4):
    """A quad8 ``sheet`` whose top edge is the curve ``lead`` (a beam), split at x = a into
    ``lead-release`` and ``lead-bond``; points ``lead-tip`` (0, h), ``lead-root``; ``bottom``."""
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        g = gmsh.model.geo
        p = [g.addPoint(x, y, 0) for x, y in
             [(0, 0), (a, 0), (length, 0), (length, h), (a, h), (0, h)]]
        ln = [g.addLine(p[i], p[(i + 1) % 6]) for i in range(6)]
        mid = g.addLine(p[1], p[4])
        s1 = g.addPlaneSurface([g.addCurveLoop([ln[0], mid, ln[4], ln[5]])])
        s2 = g.addPlaneSurface([g.addCurveLoop([ln[1], ln[2], ln[3], -mid])])
        for c, n in [(ln[0], n_a), (ln[4], n_a), (ln[1], n_b), (ln[3], n_b), (ln[5], n_y),
                     (ln[2], n_y), (mid, n_y)]:
            g.mesh.setTransfiniteCurve(c, n + 1)
        for s in (s1, s2):
            g.mesh.setTransfiniteSurface(s)
            g.mesh.setRecombine(2, s)
        g.synchronize()
        pg = gmsh.model.addPhysicalGroup
        pg(2, [s1, s2], name="sheet")
        pg(1, [ln[0], ln[1]], name="bottom")
        pg(1, [ln[4], ln[3]], name="lead")
        pg(1, [ln[4]], name="lead-release")
        pg(1, [ln[3]], name="lead-bond")
        pg(0, [p[5]], name="lead-tip")
        pg(0, [p[3]], name="lead-root")
        gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 1)
        gmsh.model.mesh.generate(2)
        gmsh.model.mesh.setOrder(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def read(path):
    from solver.io.gmsh import read_gmsh

    return read_gmsh(path)


# ============================================================================ the law
P_LAW = parameters(5.0, 8.0, 0.05, 0.2, 1.7, 25000.0)   # N, S, GI, GII, eta, K


def _drive(direction, p, n=(0.0, 1.0)):
    """Open a point proportionally along ``direction`` (sliding, normal) past full damage;
    the grid holds the onset and final openings, so trapezoids integrate the law exactly.
    Returns (openings (m, 2), tractions (m, 2), damage (m,), onset index)."""
    D0 = np.asarray(direction, dtype=float)
    D0 = D0 / np.linalg.norm(D0)
    s_, c_ = abs(D0[0]), max(D0[1], 0.0)
    dn0, ds0, K = p[1], p[2], p[0]
    lam0 = dn0 * ds0 / math.sqrt(c_ * c_ * ds0 * ds0 + s_ * s_ * dn0 * dn0)
    B = s_ * s_
    gc = p[3] + (p[4] - p[3]) * B ** p[5]
    lamf = 2 * gc / (K * lam0)
    t = np.unique(np.concatenate([np.linspace(0, lam0, 20), np.linspace(lam0, lamf, 400),
                                  [1.2 * lamf]]))
    n = np.asarray(n, dtype=float)
    d = 0.0
    taus, ds = [], []
    for x in t:
        tau, _, _, d, _ = evaluate_point(x * D0, n, p, d, d)
        taus.append(tau)
        ds.append(d)
    return t[:, None] * D0, np.array(taus), np.array(ds), int(np.searchsorted(t, lam0))


def _work(D, tau):
    dD = np.diff(D, axis=0)
    tm = 0.5 * (tau[1:] + tau[:-1])
    return float(np.sum(tm * dD))


@pytest.mark.parametrize("mode", ["I", "II"])
def test_law_pure_modes(mode):
    """Pure modes: the bilinear triangle with peak N (S) at K delta0 and area GI (GII)."""
    p = P_LAW
    direction = (0.0, 1.0) if mode == "I" else (1.0, 0.0)
    strength, energy = (5.0, 0.05) if mode == "I" else (8.0, 0.2)
    D, tau, d, _ = _drive(direction, p)
    mag = np.linalg.norm(tau, axis=1)
    assert mag.max() == pytest.approx(strength, rel=1e-12)
    assert _work(D, tau) == pytest.approx(energy, rel=1e-10)
    assert d[-1] == 1.0 and np.all(np.diff(d) >= 0)


@pytest.mark.parametrize("psi", [20.0, 45.0, 70.0])
def test_law_mixed_mode_onset_and_bk_energy(psi):
    """Proportional mixed mode: quadratic onset criterion and BK toughness."""
    p = P_LAW
    c, s = math.cos(math.radians(psi)), math.sin(math.radians(psi))
    D, tau, d, onset = _drive((s, c), p)
    assert d[onset] < 1e-12 and d[onset + 1] > 1e-6
    tn, ts = tau[onset, 1], abs(tau[onset, 0])
    assert (tn / 5.0) ** 2 + (ts / 8.0) ** 2 == pytest.approx(1.0, rel=1e-12)
    assert np.linalg.norm(tau, axis=1).max() == pytest.approx(math.hypot(tn, ts), rel=1e-12)
    B = s * s / (s * s + c * c)
    gc = 0.05 + (0.2 - 0.05) * B ** 1.7
    assert _work(D, tau) == pytest.approx(gc, rel=1e-10)


def test_law_irreversible_unloading_and_compression():
    p = P_LAW
    n = np.array([0.0, 1.0])
    d0 = 5.0 / 25000.0
    tau, _, _, d, dv = evaluate_point([0.0, 3 * d0], n, p)
    assert 0.0 < d < 1.0 and dv == d
    # unloading: secant stiffness (1 - d) K, no further damage
    tau2, A, _, d2, _ = evaluate_point([0.0, 1.5 * d0], n, p, d, dv)
    assert d2 == d
    assert tau2[1] == pytest.approx((1 - d) * 25000.0 * 1.5 * d0)
    assert A[1, 1] == pytest.approx((1 - d) * 25000.0)
    # compression: the full penalty whatever the damage; no damage from closing
    tau3, A3, _, d3, _ = evaluate_point([0.0, -2 * d0], n, p, 1.0, 1.0)
    assert tau3[1] == pytest.approx(-25000.0 * 2 * d0) and A3[1, 1] == pytest.approx(25000.0)
    assert d3 == 1.0
    # sliding of a fully damaged, closed interface: no shear resistance
    tau4, _, _, _, _ = evaluate_point([3 * d0, -d0], n, p, 1.0, 1.0)
    assert tau4[0] == pytest.approx(0.0, abs=1e-12)


def test_law_viscous_regularization():
    """Gao-Bower: dv relaxes towards d with the time constant ``viscosity``."""
    p = P_LAW
    n = np.array([0.0, 1.0])
    D = [0.0, 5 * 5.0 / 25000.0]
    _, _, _, d, dv = evaluate_point(D, n, p, 0.0, 0.0, phi=0.25)
    assert dv == pytest.approx(0.25 * d)
    _, _, _, d1, dv1 = evaluate_point(D, n, p, d, dv, phi=0.25)
    assert d1 == d and dv1 == pytest.approx(dv + 0.25 * (d - dv))


def test_law_damage_partials_fd():
    p = P_LAW
    for a, s in [(3e-4, 1e-4), (1e-4, 5e-4), (4e-4, 0.0), (0.0, 6e-4), (6e-4, 6e-4)]:
        d, da, ds = damage_trial(a, s, p)
        h = 1e-10
        if a > 0:
            assert da == pytest.approx((damage_trial(a + h, s, p)[0]
                                        - damage_trial(a - h, s, p)[0]) / (2 * h), rel=1e-5)
        if s > 0:
            assert ds == pytest.approx((damage_trial(a, s + h, p)[0]
                                        - damage_trial(a, s - h, p)[0]) / (2 * h), rel=1e-5)


# ============================================================================ element tangents
def _element(etype, mode, dim, rng, opening, rot=0.0):
    et = ELEMENTS[etype]
    k = et.n_nodes
    ref = et.nodes
    if dim == 2:
        X = np.column_stack([ref[:, 0], 0.1 * ref[:, 0] ** 2])
    elif et.dim == 1:
        X = np.column_stack([ref[:, 0], 0.05 * ref[:, 0] ** 2, 0.3 * ref[:, 0]])
    else:
        X = np.column_stack([ref[:, 0], 0.05 * ref[:, 1] ** 2, ref[:, 1]])
    uo = 0.02 * rng.standard_normal((k, dim))
    us = uo + opening * 0.004 * (rng.standard_normal((k, dim)) + 0.5)
    R = np.eye(dim)
    R[:2, :2] = [[math.cos(rot), -math.sin(rot)], [math.sin(rot), math.cos(rot)]]
    return (X + uo) @ R.T, (X + us) @ R.T


def _forces(etype, mode, xo, xs, d_old, phi, integration="gauss", tangent=True):
    et = ELEMENTS[etype]
    dim = xo.shape[1]
    qp, qw = E.rule(et, integration)
    N, dN = et.tabulate(qp)
    n_qp, k = len(qw), et.n_nodes
    N0 = np.zeros((1, dim))
    if dim == 3:
        N0[0] = np.array([0.1, 1.0, 0.05]) / np.linalg.norm([0.1, 1.0, 0.05])
    nd = 2 * k * dim
    fe, Ke = np.zeros((1, nd)), np.zeros((1, nd, nd))
    dn, dvn, out = np.zeros((1, n_qp)), np.zeros((1, n_qp)), np.zeros((1, n_qp, 4))
    dold = np.full((1, n_qp), d_old)
    E.interface_forces(xo[None].copy(), xs[None].copy(), N, dN, mode, np.ones(1), N0,
                       qw[None, :].copy(), P_LAW, dold, 0.9 * dold, phi, tangent, fe, Ke, dn,
                       dvn, out)
    return fe[0], Ke[0], dn[0], out[0]


TANGENT_CASES = [
    # facet, mode, dim, opening scale, committed damage, rotation, phi, integration
    ("line", E.SURFACE, 2, 0.0, 0.0, 0.0, 1.0, "nodal"),       # elastic
    ("line3", E.SURFACE, 2, 1.0, 0.0, 0.0, 1.0, "nodal"),      # softening, mixed mode
    ("line3", E.SURFACE, 2, 1.0, 0.5, 1.2, 1.0, "gauss"),      # rotated 69 deg
    ("line3", E.SURFACE, 2, -1.0, 0.0, 0.0, 1.0, "gauss"),     # partly closed
    ("line3", E.SURFACE, 2, 1.0, 0.0, 0.0, 0.3, "gauss"),      # viscous
    ("triangle", E.SURFACE, 3, 1.0, 0.0, 0.0, 1.0, "nodal"),
    ("triangle6", E.SURFACE, 3, 1.0, 0.0, 0.7, 1.0, "gauss"),
    ("quad", E.SURFACE, 3, 1.0, 0.0, 0.0, 1.0, "gauss"),
    ("quad8", E.SURFACE, 3, 2.0, 0.0, 0.0, 1.0, "nodal"),
    ("quad8", E.SURFACE, 3, -1.0, 0.3, 0.4, 1.0, "gauss"),
    ("line", E.LINE3D, 3, 1.0, 0.0, 0.0, 1.0, "nodal"),        # beam curve on a surface
    ("line3", E.LINE3D, 3, 2.0, 0.0, 0.4, 1.0, "gauss"),
    ("line3", E.LINE3D, 3, -1.0, 0.0, 0.0, 1.0, "nodal"),
]


@pytest.mark.parametrize("case", TANGENT_CASES, ids=lambda c: f"{c[0]}-m{c[1]}-{c[2]}d-o{c[3]}-d{c[4]}-r{c[5]}-phi{c[6]}-{c[7]}")
def test_element_tangent_matches_finite_differences(case):
    etype, mode, dim, opening, d_old, rot, phi, integ = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    xo, xs = _element(etype, mode, dim, rng, opening, rot)
    fe, Ke, d, _ = _forces(etype, mode, xo, xs, d_old, phi, integ)
    k = len(xo)
    x = np.vstack([xo, xs]).ravel()
    h = 1e-8
    Kfd = np.zeros_like(Ke)
    for j in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        fp = _forces(etype, mode, xp.reshape(-1, dim)[:k], xp.reshape(-1, dim)[k:], d_old, phi,
                     integ, False)[0]
        fm = _forces(etype, mode, xm.reshape(-1, dim)[:k], xm.reshape(-1, dim)[k:], d_old, phi,
                     integ, False)[0]
        Kfd[:, j] = (fp - fm) / (2 * h)
    scale = np.abs(Kfd).max()
    assert np.abs(Ke - Kfd).max() <= 1e-6 * scale
    if opening:
        assert d.max() > d_old or opening < 0      # the cases do exercise damage growth


def test_element_is_objective_under_rigid_rotation():
    """A rigid rotation of the pair rotates the forces and leaves damage and openings."""
    rng = np.random.default_rng(7)
    xo, xs = _element("line3", E.SURFACE, 2, rng, 1.0)
    f0, _, d0, out0 = _forces("line3", E.SURFACE, xo, xs, 0.0, 1.0)
    a = 2.0
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    f1, _, d1, out1 = _forces("line3", E.SURFACE, xo @ R.T, xs @ R.T, 0.0, 1.0)
    assert np.allclose(d0, d1, atol=1e-12) and np.allclose(out0, out1, atol=1e-9)
    assert np.allclose(f1.reshape(-1, 2), f0.reshape(-1, 2) @ R.T, atol=1e-9)


# ============================================================================ mesh surgery
@pytest.fixture(scope="module")
def mesh2d(tmp_path_factory):
    return two_layer(tmp_path_factory.mktemp("m2") / "two.msh", order=2)


def test_split_regions_2d(mesh2d):
    from solver.interfaces.surgery import split

    m = read(mesh2d)
    n0 = m.n_nodes
    strip_nodes_before = m.region_nodes("strip")
    s = split(m, "release", ("strip",), None, "t")
    # the node at the bonded end (x = a) stays shared, the others (incl. x = 0) are copied
    assert len(s.kept) == 1 and np.allclose(m.points[s.kept[0]], [2.0, 0.5])
    assert len(s.new) == len(m.boundaries["release"].nodes) - 1 == 16
    assert m.n_nodes == n0 + 16 and np.allclose(m.points[s.new], m.points[s.old])
    assert s.etype.name == "line3" and s.opposite.shape == (8, 3)
    assert s.opposite_regions == ("sheet",)
    # the side's blocks use the new nodes, the sheet keeps the old ones
    strip = m.region_nodes("strip")
    sheet = m.region_nodes("sheet")
    assert np.isin(s.new, strip).all() and not np.isin(s.old, strip).any()
    assert np.isin(s.old, sheet).all() and not np.isin(s.new, sheet).any()
    assert len(strip) == len(strip_nodes_before)
    # normals point from the sheet into the strip: +y
    from solver.interfaces.surgery import _facet_normals

    nrm, _ = _facet_normals(m, s.etype, s.opposite)
    assert np.all(nrm[:, 1] * s.sign > 0)
    # boundaries: the strip's end face follows the strip; 'left' holds both copies; the
    # interface curves and the point on them stay with the sheet (original numbers)
    corner_new = s.new[np.argmin(np.linalg.norm(m.points[s.new] - [0.0, 0.5], axis=1))]
    corner_old = s.old[np.argmin(np.linalg.norm(m.points[s.old] - [0.0, 0.5], axis=1))]
    assert corner_new in m.boundaries["strip-left"].nodes
    assert corner_old not in m.boundaries["strip-left"].nodes
    assert {corner_new, corner_old} <= set(m.boundaries["left"].nodes.tolist())
    assert not np.isin(s.new, m.boundaries["lead"].nodes).any()
    assert m.boundaries["lead-tip"].nodes.tolist() == [corner_old]
    assert m._cache == {}


def test_two_interfaces_meet_at_a_node(tmp_path, mesh2d):
    """Two interfaces along one lead (release, then bond): the node where they meet, kept
    shared by the first split, is split by the second and both interfaces use the strip's
    copy on the side."""
    case = _write_case(tmp_path, mesh2d, INTERFACE + '\n[[interfaces]]\nboundary = "bond"\n'
                       'side = "strip"\nstrength = 50.0\nfracture_energy = 1.0')
    from solver.case import load_case
    from solver.model import Model

    c = load_case(case)
    m = read(mesh2d)
    model = Model(c, m)
    g1, g2 = model.groups
    junction = np.flatnonzero(np.all(np.isclose(m.points, [2.0, 0.5]), axis=1))
    assert len(junction) == 2                       # sheet copy and strip copy
    strip = m.region_nodes("strip")
    side1 = g1.conn[:, g1.k:].ravel()
    side2 = g2.conn[:, g2.k:].ravel()
    assert np.isin(side1, strip).all() and np.isin(side2, strip).all()
    assert not np.isin(g1.conn[:, :g1.k], strip).any()


def test_split_curve_side_2d(mesh2d):
    """A beam curve as the side: the curve (and the boundaries on it) get the new nodes."""
    from solver.interfaces.surgery import split

    m = read(mesh2d)
    with pytest.raises(InputError, match="opposite"):
        split(m, "lead-release", ("lead",), None, "t")
    m = read(mesh2d)
    s = split(m, "lead-release", ("lead",), ("sheet",), "t")
    assert len(s.kept) == 1 and np.allclose(m.points[s.kept[0]], [2.0, 0.5])
    assert np.isin(s.new, m.boundaries["lead"].nodes).all()
    assert not np.isin(s.old, m.boundaries["lead"].nodes).any()
    # continuum regions keep the original nodes; the named point on the curve follows it
    assert not np.isin(s.new, m.region_nodes("strip")).any()
    assert m.boundaries["lead-tip"].nodes[0] in s.new
    assert np.all(s.sign * _normals_y(m, s) > 0)


def _normals_y(m, s):
    from solver.interfaces.surgery import _facet_normals

    return _facet_normals(m, s.etype, s.opposite)[0][:, 1]


def test_split_3d_and_curve_in_3d(tmp_path):
    from solver.interfaces.surgery import split

    path = two_layer(tmp_path / "b.msh", dim=3, order=2, n_a=4, n_b=2, n1=1, n2=1, n_z=2)
    m = read(path)
    s = split(m, "release", ("strip",), None, "t")
    assert s.etype.name == "quad8" and s.opposite.shape == (8, 8)
    # kept: the nodes on the line x = a of the interface (the bond continues there)
    assert np.allclose(m.points[s.kept][:, 0], 2.0) and len(s.kept) == 5
    assert np.all(s.sign * _normals_y(m, s) > 0)
    # a beam curve on the sheet in 3D: here on the edge of its top and front faces, so the
    # bonded surface's normal must be given
    m = read(path)
    with pytest.raises(InputError, match="runs along an edge"):
        split(m, "lead-release", ("lead",), ("sheet",), "t")
    m = read(path)
    s = split(m, "lead-release", ("lead",), ("sheet",), "t", normal=(0.0, 2.0, 0.0))
    assert s.mode == "line" and np.allclose(s.normal0, [0.0, 1.0, 0.0])
    assert np.isin(s.new, m.boundaries["lead"].nodes).all() and len(s.kept) == 1


def test_split_errors(mesh2d):
    from solver.interfaces.surgery import split

    m = read(mesh2d)
    with pytest.raises(InputError, match="no boundary 'nope'"):
        split(m, "nope", ("strip",), None, "interfaces[0]")
    with pytest.raises(InputError, match="neither a region nor a boundary"):
        split(m, "release", ("glue",), None, "interfaces[0]")
    with pytest.raises(InputError, match="between one element of the side"):
        split(m, "top", ("strip",), None, "interfaces[0]")
    with pytest.raises(InputError, match="point group"):
        split(m, "origin", ("strip",), None, "interfaces[0]")


# ============================================================================ cases
CASE_2D = """
[mesh]
file = "{mesh}"
formulation = "plane-strain"

[materials]
sheet = {{ model = "linear-elastic", E = 2000.0, nu = 0.3, alpha = 0.0 }}
strip = {{ model = "linear-elastic", E = 2000.0, nu = 0.3, alpha = 0.0 }}

[[interfaces]]
{interface}

[[steps]]
name = "pull"
increments = 4
fix = [ {{ boundary = "bottom", u = 0.0 }}, {{ boundary = "strip-left", ux = 0.0, uy = 0.02 }} ]

[output]
plots = false
"""
INTERFACE = 'boundary = "release"\nside = "strip"\nstrength = 5.0\nfracture_energy = 0.05'


def _write_case(tmp_path, mesh, interface=INTERFACE, name="case.toml"):
    path = tmp_path / name
    path.write_text(CASE_2D.format(mesh=Path(mesh).as_posix(), interface=interface))
    return path


@pytest.mark.parametrize("line, message", [
    ('boundary = "release"\nside = "strip"\nfracture_energy = 0.05', r"interfaces\[0\]\.strength: missing"),
    (INTERFACE + '\nstrenght = 3.0', r"interfaces\[0\]\.strenght: unknown key"),
    (INTERFACE + '\nstiffness = 10.0', r"interfaces\[0\]\.stiffness: 10 MPa/mm is too soft"),
    (INTERFACE + '\nintegration = "simpson"', r"interfaces\[0\]\.integration: 'simpson'"),
    (INTERFACE + '\ninitial_damage = 2.0', r"interfaces\[0\]\.initial_damage: must lie"),
    (INTERFACE + '\ninitial_damage = "q > 1"', r"interfaces\[0\]\.initial_damage: unknown name 'q'"),
    ('boundary = "release"\nside = "strip"\nstrength = -1.0\nfracture_energy = 0.05', r"strength: must be positive"),
    ('boundary = "relase"\nside = "strip"\nstrength = 5.0\nfracture_energy = 0.05', r"interfaces\[0\]\.boundary: no boundary 'relase'"),
    ('boundary = "release"\nside = "strip"\nopposite = "glue"\nstrength = 5.0\nfracture_energy = 0.05', r"opposite: no region 'glue'"),
])
def test_case_errors(tmp_path, mesh2d, line, message):
    case = _write_case(tmp_path, mesh2d, line)
    with pytest.raises(InputError, match=message):
        solver.run_case(case, tmp_path / "out")


def test_outputs_summary_history_vtk(tmp_path, mesh2d):
    """A partial peel: summary, history columns and VTK cells (read back with VTK)."""
    case = _write_case(tmp_path, mesh2d)
    summary = solver.run_case(case, tmp_path / "out")
    g = summary["steps"][0]["groups"]["release"]
    assert g["kind"] == "cohesive-interface" and g["peeled"] is True
    assert 0.0 < g["peeled_length"] < g["bonded_length"] == pytest.approx(2.0)
    assert g["peeled_fraction"] == pytest.approx(g["peeled_length"] / 2.0)
    assert g["max_damage"] == 1.0 and g["max_opening"] > 2 * 0.05 / 5.0
    rows = history(tmp_path / "out")
    cols = ["release.peeled_length", "release.peeled_fraction", "release.max_damage",
            "release.max_opening", "release.force_x", "release.force_y"]
    assert all(c in rows[0] for c in cols)
    lengths = [float(r["release.peeled_length"]) for r in rows]
    assert lengths == sorted(lengths) and lengths[-1] == pytest.approx(g["peeled_length"])
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkIOXML import vtkXMLUnstructuredGridReader

    vtu = sorted((tmp_path / "out").glob("*.vtu"))[-1]
    r = vtkXMLUnstructuredGridReader()
    r.SetFileName(str(vtu))
    r.Update()
    grid = r.GetOutput()
    types = np.array([grid.GetCellType(i) for i in range(grid.GetNumberOfCells())])
    assert (types == 30).sum() == 8           # one quadratic-linear quad per interface element
    damage = vtk_to_numpy(grid.GetCellData().GetArray("damage"))[types == 30]
    assert 0.99 < damage.max() <= 1.0 and damage.min() >= 0.0


def test_3d_partial_peel(tmp_path):
    """Hex20 layers with a quad8 interface in 3D: a partial peel that converges."""
    path = two_layer(tmp_path / "b.msh", dim=3, order=2, n_a=4, n_b=2, n1=1, n2=1, n_z=1)
    text = CASE_2D.format(mesh=path.as_posix(), interface=INTERFACE)
    text = text.replace('"plane-strain"', '"3d"').replace("uy = 0.02 }", "uy = 0.03, uz = 0.0 }")
    (tmp_path / "c3.toml").write_text(text)
    summary = solver.run_case(tmp_path / "c3.toml", tmp_path / "out")
    g = summary["steps"][0]["groups"]["release"]
    assert g["peeled"] and 0.0 < g["peeled_area"] < g["bonded_area"] == pytest.approx(2.0)


BEAM_CASE = """
[mesh]
file = "{mesh}"
formulation = "plane-strain"
thickness = 0.05

[materials]
sheet = {{ model = "linear-elastic", E = 2500.0, nu = 0.34, alpha = 0.0 }}

[[interfaces]]
boundary = "lead-release"
side = "lead"
strength = 5.0
fracture_energy = 0.05

[[beams]]
curve = "lead"
material = {{ model = "linear-elastic", E = 117500.0, nu = 0.34, alpha = 0.0 }}
section = {{ shape = "rectangle", width = 0.05, thickness = 0.018 }}

[[steps]]
name = "pull"
increments = 20
fix = [ {{ boundary = "bottom", u = 0.0 }}, {{ boundary = "lead-tip", ux = 0.0, uy = 0.25 }} ]

[output]
plots = false
"""


def test_beam_lead_peels_off_the_sheet(tmp_path):
    """A lead modelled as beams on the sheet's top curve (the other group kind that uses the
    split): its releasable segment peels from the tip, the bonded root holds."""
    path = sheet_with_lead(tmp_path / "s.msh")
    (tmp_path / "beam.toml").write_text(BEAM_CASE.format(mesh=path.as_posix()))
    summary = solver.run_case(tmp_path / "beam.toml", tmp_path / "out")
    g = summary["steps"][0]["groups"]["lead-release"]
    assert g["peeled"] and 0.5 < g["peeled_fraction"] < 1.0
    assert g["max_opening"] == pytest.approx(0.25, rel=0.05)
    rows = history(tmp_path / "out")
    fractions = [float(r["lead-release.peeled_fraction"]) for r in rows]
    assert fractions == sorted(fractions) and fractions[0] < fractions[-1]


# ============================================================================ benchmarks
def test_springback_benchmark(tmp_path):
    """A bond below its strength: exact elastic response, exact return, compression penalty."""
    ref = load_toml(BENCH / "cohesive-springback" / "reference.toml")
    v = ref["values"]
    for run in ref["run"]:
        summary = solver.run_case(BENCH / "cohesive-springback" / run["file"],
                                  tmp_path / Path(run["file"]).stem)
        pull, release, press = summary["steps"]
        ff = run["force_factor"]
        for step in (pull, release, press):
            assert step["groups"]["bond"]["max_damage"] == 0.0
        assert pull["groups"]["bond"]["force"][1] == pytest.approx(v["traction_pull"] * ff,
                                                                   rel=v["rel_tol"])
        assert pull["groups"]["bond"]["max_opening"] == pytest.approx(v["opening_pull"],
                                                                      rel=v["rel_tol"])
        assert press["groups"]["bond"]["force"][1] == pytest.approx(v["traction_press"] * ff,
                                                                    rel=v["rel_tol"])
        assert max(abs(c) for p in release["probes"].values() for c in p) < v["displacement_tol"]
        assert abs(release["groups"]["bond"]["force"][1]) < 1e-9


def kendall_check(outdir, params, window, b=None):
    """Per increment in the window: (peeled length, theta deg, F/b, F/b reference,
    F/b inextensible)."""
    Ep = params["E"] / (1 - params["nu"] ** 2)
    h, G = params["h"], params["fracture_energy"]
    b = b or params["b"]
    out = []
    for r in history(outdir):
        a = float(r["bond.peeled_length"]) if "bond.peeled_length" in r else \
            float(r["bond.peeled_area"]) / b
        if r["step_name"] != "peel" or not window[0] <= a <= window[1]:
            continue
        fx, fy = float(r["bond.force_x"]) / b, float(r["bond.force_y"]) / b
        F = math.hypot(fx, fy)
        th = math.atan2(fy, fx)
        c = 1 - math.cos(th)
        ref = Ep * h * (-c + math.sqrt(c * c + 2 * G / (Ep * h)))
        out.append((a, math.degrees(th), F, ref, G / c))
    return np.array(out)


KENDALL = load_toml(BENCH / "kendall-peel" / "reference.toml")


@pytest.mark.parametrize("run", [pytest.param(r, id=Path(r["file"]).stem,
                                              marks=[pytest.mark.slow] if r["slow"] else [])
                                 for r in KENDALL["run"]])
def test_kendall_peel(run, tmp_path):
    summary = solver.run_case(BENCH / "kendall-peel" / run["file"], tmp_path / "out")
    assert summary["status"] == "ok"
    rows = kendall_check(tmp_path / "out", KENDALL["parameters"], run["window"], run.get("b"))
    assert len(rows) >= 10, "too few increments of steady peeling"
    err = rows[:, 2] / rows[:, 3] - 1
    RESULTS[run["file"]] = {"theta": [rows[:, 1].min(), rows[:, 1].max()],
                            "F": float(rows[:, 2].mean()), "F_ref": float(rows[:, 3].mean()),
                            "F_inextensible": float(rows[:, 4].mean()),
                            "max_error": float(np.abs(err).max())}
    print(json.dumps({run["file"]: RESULTS[run["file"]]}))
    assert np.abs(err).max() <= run["rel_tol"], (
        f"F/b vs Kendall: max error {np.abs(err).max():.3%} at theta "
        f"{rows[np.argmax(np.abs(err)), 1]:.1f} deg")


DCB = load_toml(BENCH / "dcb-cohesive" / "reference.toml")


@pytest.mark.parametrize("run", [pytest.param(r, id=Path(r["file"]).stem,
                                              marks=[pytest.mark.slow] if r["slow"] else [])
                                 for r in DCB["run"]])
def test_dcb(run, tmp_path):
    case = BENCH / "dcb-cohesive" / run["file"]
    summary = solver.run_case(case, tmp_path / "out")
    assert summary["status"] == "ok"
    raw = load_toml(case)
    fix = raw["steps"][0]["fix"]
    opening = fix[1]["uy"] - fix[0]["uy"]
    rows = history(tmp_path / "out")
    delta = np.array([opening * float(r["step_fraction"]) for r in rows])
    P = np.array([float(r["bond.force_y"]) for r in rows])
    # the pin reaction equals the force the interface transmits
    pin = "point (" + ", ".join(f"{c:g}" for c in fix[1]["point"]) + ")"
    assert summary["steps"][0]["reactions"][pin][1] == pytest.approx(P[-1], rel=1e-6)
    failures = []
    for check in run["check"]:
        if check["kind"] == "compliance":
            value = delta[0] / P[0]
        elif check["kind"] == "peak":
            value = P.max()
        else:
            value = float(np.interp(check["delta"], delta, P))
        err = abs(value / check["reference"] - 1)
        RESULTS.setdefault(run["file"], {})[check["quantity"]] = (value, check["reference"], err)
        if err > check["rel_tol"]:
            failures.append(f"{check['quantity']}: {value:.5g} vs {check['reference']:.5g} "
                            f"({err:.2%} > {check['rel_tol']:.0%})")
    print(json.dumps({run["file"]: RESULTS[run["file"]]}))
    assert not failures, "\n".join(failures)


#: computed values of the benchmark tests (printed with ``-s``)
RESULTS = {}

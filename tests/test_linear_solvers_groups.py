"""Iterative linear solvers on models with dofs beyond the displacements.

Beams add rotation dofs at their nodes; platens add a virtual node (the platen's reference
point) coupled to a whole contact surface. The same small 3D models are solved with the
direct solver and with the iterative path forced by the case file (`[solver] linear =
"iterative"`: smoothed-aggregation AMG on linear meshes, p-multigrid on quadratic ones); both
must agree with each other (Newton tolerance) and with a closed form:

- cantilever: a round beam tied at its root to a stiff block (tet4 / tet10) and loaded at its
  tip by P: tip deflection P L^3 / (3 E I) (Euler-Bernoulli; the block is 1e3 times stiffer
  and the load small, so the response is linear and the root clamped).
- pressed block: a block (hex8 / hex20, quarter with symmetry planes) between a fixed lower
  platen and an upper platen pushed by a force F (its virtual node is a free unknown):
  uniform uniaxial stress -F/A and platen travel F H / (E A) (strain 1e-4: the St.
  Venant-Kirchhoff response is linear to 1e-4); force balance F on the lower platen.

Plus unit checks of the near-null space (rigid motions of a mixed layout are zero-energy
modes of a beam + continuum stiffness) and of the split preconditioner.

    .venv/bin/python -m pytest tests/test_linear_solvers_groups.py
"""

import json
import logging
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

# cantilever
L, D, E_BEAM, E_BLOCK, P = 10.0, 0.2, 1.0e5, 1.0e8, 1.0e-4
I_BEAM = np.pi * D ** 4 / 64.0
W_EXACT = P * L ** 3 / (3.0 * E_BEAM * I_BEAM)
# pressed block (quarter: x, z >= 0)
E_PAD, F_PAD, A_PAD, H_PAD = 1000.0, 0.1, 1.0, 1.0
TRAVEL_EXACT = F_PAD * H_PAD / (E_PAD * A_PAD)


def cantilever_mesh(path, order, size=0.2, elements=10):
    """Block [-1, 0] x [-0.5, 0.5]^2 (tets, region block, face back at x = -1) with the point
    root (0, 0, 0) embedded in its face x = 0, and the curve beam from root to tip (L, 0, 0)."""
    import gmsh

    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("cantilever")
        occ = gmsh.model.occ
        v = occ.addBox(-1, -0.5, -0.5, 1, 1, 1)
        root = occ.addPoint(0, 0, 0)
        tip = occ.addPoint(L, 0, 0)
        line = occ.addLine(root, tip)
        occ.synchronize()
        face = [t for _, t in gmsh.model.getEntitiesInBoundingBox(
            -1e-5, -0.6, -0.6, 1e-5, 0.6, 0.6, 2)]
        back = [t for _, t in gmsh.model.getEntitiesInBoundingBox(
            -1 - 1e-5, -0.6, -0.6, -1 + 1e-5, 0.6, 0.6, 2)]
        gmsh.model.mesh.embed(0, [root], 2, face[0])
        gmsh.model.mesh.setTransfiniteCurve(line, elements + 1)
        gmsh.model.addPhysicalGroup(3, [v], name="block")
        gmsh.model.addPhysicalGroup(2, back, name="back")
        gmsh.model.addPhysicalGroup(1, [line], name="beam")
        gmsh.model.addPhysicalGroup(0, [root], name="root")
        gmsh.model.addPhysicalGroup(0, [tip], name="tip")
        gmsh.option.setNumber("Mesh.MeshSizeMax", size)
        gmsh.model.mesh.generate(3)
        gmsh.model.mesh.setOrder(order)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


CANTILEVER = f"""
title = "cantilever beam tied to a stiff block"
[mesh]
file = "mesh.msh"
formulation = "3d"
[materials]
block = {{ model = "linear-elastic", E = {E_BLOCK}, nu = 0.3, alpha = 0.0 }}
[[beams]]
name = "beam"
curve = "beam"
material = {{ model = "linear-elastic", E = {E_BEAM}, nu = 0.3, alpha = 0.0 }}
section = {{ shape = "circle", diameter = {D} }}
ends = {{ root = "tied", tip = "free" }}
[[steps]]
name = "load"
fix = [ {{ boundary = "back", u = 0.0 }} ]
loads = [ {{ point = [{L}, 0.0, 0.0], force = [0.0, {-P}, 0.0] }} ]
[solver]
linear = "{{linear}}"
[output]
vtk = false
plots = false
"""

PRESSED = f"""
title = "block pressed by a force-controlled platen"
[mesh]
family = "layered-strip"
formulation = "3d"
dim = 3
order = {{order}}
[mesh.params]
length = 1.0
width = 1.0
thicknesses = [{H_PAD}]
names = ["pad"]
divisions = [{{n}}]
elements_along = {{n}}
elements_across = {{n}}
[materials]
pad = {{ model = "linear-elastic", E = {E_PAD}, nu = 0.3, alpha = 0.0 }}
[[platens]]
name = "upper"
surface = "top"
tolerance = 1e-9
[[platens]]
name = "lower"
surface = "bottom"
tolerance = 1e-9
[[steps]]
name = "press"
fix = [ {{ boundary = "left", ux = 0.0 }}, {{ boundary = "front", uz = 0.0 }} ]
platens = {{ upper = {{ force = [0.0, {-F_PAD}, 0.0] }} }}
[[probes]]
name = "centre"
point = [0.5, 0.5, 0.5]
field = "stress"
[solver]
linear = "{{linear}}"
[output]
vtk = false
plots = false
"""


def run(tmp_path, name, text, linear, mesh=None):
    from solver.runner import run_case

    work = tmp_path / f"{name}-{linear}"
    work.mkdir(parents=True)
    if mesh is not None:
        mesh(work / "mesh.msh")
    case = work / "case.toml"
    case.write_text(text.replace("{linear}", linear))
    run_case(case, work / "out")
    summary = json.loads((work / "out" / "summary.json").read_text())
    summary["_outdir"] = str(work / "out")
    return summary


def methods(summary):
    """Linear solver methods of every increment (history.csv next to summary.json)."""
    import csv

    with open(Path(summary["_outdir"]) / "history.csv") as fh:
        return {row["linear_solver"] for row in csv.DictReader(fh)}


# ============================================================================ unit checks
def test_near_null_space_mixed_layout_is_rigid():
    """Every column of the mixed-layout near-null space is a zero-energy mode of a small
    beam + tet system: rotations of the beam nodes must go with the continuum's."""
    from solver.dofs import DofLayout
    from solver.solvers.nearnull import near_null_space

    rng = np.random.default_rng(1)
    pts = rng.random((5, 3))
    lay = DofLayout.with_extra(5, 3, {3: 3, 4: 3})
    B = near_null_space(pts, lay)
    assert B.shape == (lay.n_dof, 6)
    # small rotation theta about each axis: displacement theta x X, beam-node rotation theta
    X = pts - pts.mean(axis=0)
    for col, axis in [(3, 2), (4, 0), (5, 1)]:
        theta = np.zeros(3)
        theta[axis] = 1.0
        u = np.cross(theta, X)
        for a in range(5):
            np.testing.assert_allclose(B[lay.dof0[a]:lay.dof0[a] + 3, col], u[a], atol=1e-14)
        for a in (3, 4):
            np.testing.assert_allclose(B[lay.dof0[a] + 3:lay.dof0[a] + 6, col], theta)


def test_split_preconditioner_exact_with_exact_inner():
    """With an exact inner solve the e-r-e sweep is the exact inverse (one CG iteration)."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    from solver.solvers.linear import SplitPreconditioner
    from solver.solvers.pmg import pcg

    rng = np.random.default_rng(0)
    n = 60
    A = sp.random(n, n, density=0.1, random_state=1)
    A = (A @ A.T + sp.identity(n) * 2.0).tolil()
    A[0, :] = 1.0                                    # a hub row/column
    A[:, 0] = 1.0
    A[0, 0] = 5.0 * n
    A = sp.csr_matrix(A)
    b = rng.random(n)
    M = SplitPreconditioner(A, np.array([0]),
                            lambda Krr, keep: (lambda r: spsolve(Krr.tocsc(), r)))
    x, it, ok = pcg(A, b, M, 1e-12, 5)
    assert ok and it <= 2
    np.testing.assert_allclose(A @ x, b, rtol=1e-10, atol=1e-10)


# ============================================================================ cases
@pytest.mark.parametrize("order, method", [(1, "amg"), (2, "pmg")])
def test_cantilever_tied_to_block(tmp_path, order, method, caplog):
    mesh = lambda p: cantilever_mesh(p, order)           # noqa: E731
    caplog.set_level(logging.INFO, logger="solver.solvers")
    direct = run(tmp_path, "cantilever", CANTILEVER, "direct", mesh)
    it = run(tmp_path, "cantilever", CANTILEVER, "iterative", mesh)
    assert method in methods(it), methods(it)
    assert "solving directly" not in caplog.text
    assert "rotation dofs and" in caplog.text
    w_d = direct["steps"][0]["groups"]["beam"]["ends"]["tip"]["displacement"]
    w_i = it["steps"][0]["groups"]["beam"]["ends"]["tip"]["displacement"]
    np.testing.assert_allclose(w_i, w_d, atol=1e-6 * W_EXACT)
    assert abs(-w_i[1] - W_EXACT) < 2e-3 * W_EXACT, (w_i, W_EXACT)
    assert abs(w_i[0]) < 1e-3 * W_EXACT and abs(w_i[2]) < 1e-3 * W_EXACT


@pytest.mark.parametrize("order, n, method", [(1, 8, "amg"), (2, 4, "pmg")])
def test_block_pressed_by_force_platen(tmp_path, order, n, method, caplog):
    caplog.set_level(logging.INFO, logger="solver.solvers")
    text = PRESSED.replace("{order}", str(order)).replace("{n}", str(n))
    direct = run(tmp_path, "pressed", text, "direct")
    it = run(tmp_path, "pressed", text, "iterative")
    assert method in methods(it), methods(it)
    assert "solving directly" not in caplog.text
    # hex8: homogeneous to the augmentation tolerance. hex20: the contact lumps the quadratic
    # facets through linear sub-cells, so the top face is not pressed uniformly (half the
    # facet nodes carry the load): the field is not homogeneous (travel +3.8 %, centre
    # stress -0.4 %), and only the centre stress and the force balance are checked closely
    tol_travel, tol_stress = (1e-3, 1e-3) if order == 1 else (5e-2, 1e-2)
    for s in (direct, it):
        step = s["steps"][0]
        up = step["groups"]["upper"]
        travel = -up["displacement"][1]
        assert abs(travel - TRAVEL_EXACT) < tol_travel * TRAVEL_EXACT, (travel, TRAVEL_EXACT)
        syy = step["probes"]["centre"][1]
        assert abs(syy + F_PAD / A_PAD) < tol_stress * F_PAD / A_PAD, syy
        assert abs(step["groups"]["lower"]["normal_force"] - F_PAD) < 1e-5 * F_PAD
    t_d = -direct["steps"][0]["groups"]["upper"]["displacement"][1]
    t_i = -it["steps"][0]["groups"]["upper"]["displacement"][1]
    assert abs(t_i - t_d) < 1e-5 * TRAVEL_EXACT


def test_cg_stops_on_negative_curvature():
    """CG on an indefinite matrix stops at once with the reason (the solver then solves
    directly, and after a few such solves stays direct) instead of running to maxiter."""
    import scipy.sparse as sp

    from solver.solvers.pmg import pcg

    A = sp.diags(np.r_[np.ones(50), -np.ones(3)]).tocsr()
    b = np.ones(53)
    info = {}
    x, it, ok = pcg(A, b, lambda r: r.copy(), 1e-10, 1000, info)
    assert not ok and it < 5 and "curvature" in info["reason"]

"""The two-layer thermoelastic slab solved end to end with scikit-fem (the peer of end_to_end.py).

The same problem as the pkgfem case end_to_end.py writes: regions ``die`` (E 130 GPa, nu 0.28,
alpha 2.6e-6) and ``board`` (E 20 GPa, nu 0.2, alpha 17e-6), uniformly cooled from the
stress-free 150 C to 25 C; ux = 0 on x = 0, uz = 0 on z = 0, uy = 0 at the origin.

Stages (each timed): read the Gmsh file (``skfem.Mesh.load``, through meshio), build the
vector P2 (or P1) basis with the same quadrature as pkgfem (4 points for tet10, 1 for tet4;
exact on straight-sided tets), assemble K (skfem's linear_elasticity, one basis per region) and
the thermal load, condense the Dirichlet dofs, solve, compute element stresses and write a VTU
(displacement at the nodes, element-mean stress) with meshio.

Solvers (--solver): ``pyamg`` (CG with pyamg smoothed aggregation, rigid-body modes as
near-null space, rtol 1e-8 like pkgfem), ``pyamg-default`` (the same without pkgfem's
strength/coarse options), ``superlu`` (scipy.sparse.linalg.spsolve), ``pypardiso`` (MKL
PARDISO through pypardiso, symmetric positive definite mode on the upper triangle), when
importable.

Prints one JSON line: timings, iterations, the displacement at the probe point and the maximum
displacement (largest |u_i|, as pkgfem's summary.json defines it, and largest |u|); ``--save`` writes nodal coordinates and displacements (.npz) for comparison.
"""

import argparse
import json
import sys
import time

t_start = time.perf_counter()

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

MATERIALS = {"die": (130000.0, 0.28, 2.6e-6), "board": (20000.0, 0.2, 17e-6)}
DT = 25.0 - 150.0


def lame(E, nu):
    return E * nu / ((1 + nu) * (1 - 2 * nu)), E / (2 * (1 + nu))


def rigid_body_modes(xyz, comp):
    """(n, 6) translations and rotations for dofs at points xyz (n, 3) with component comp."""
    n = len(comp)
    B = np.zeros((n, 6))
    x, y, z = xyz.T
    for i in range(3):
        B[comp == i, i] = 1.0
    # rotations about z, x, y: (-y, x, 0), (0, -z, y), (z, 0, -x)
    B[:, 3] = np.select([comp == 0, comp == 1], [-y, x], 0.0)
    B[:, 4] = np.select([comp == 1, comp == 2], [-z, y], 0.0)
    B[:, 5] = np.select([comp == 0, comp == 2], [z, -x], 0.0)
    return B


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mesh")
    ap.add_argument("--solver", default="pyamg",
                    choices=["pyamg", "pyamg-default", "superlu", "pypardiso"])
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--probe", default="10,1.5,10")
    ap.add_argument("--vtu", default=None)
    ap.add_argument("--save", default=None)
    a = ap.parse_args(argv)

    import skfem
    from skfem import Basis, ElementVector, LinearForm, asm, condense
    from skfem.helpers import div, sym_grad
    from skfem.models.elasticity import linear_elasticity

    T = {"import": time.perf_counter() - t_start}

    t = time.perf_counter()
    m = skfem.Mesh.load(a.mesh)
    T["read"] = time.perf_counter() - t
    quadratic = isinstance(m, skfem.MeshTet2)

    t = time.perf_counter()
    e = ElementVector(skfem.ElementTetP2() if quadratic else skfem.ElementTetP1())
    rule = 2 if quadratic else 1
    basis = Basis(m, e, intorder=rule)
    # one basis per region, so that each region is assembled with scalar constants (passing
    # per-element fields to a form instead is ~7x slower in scikit-fem)
    parts = {name: Basis(m, e, intorder=rule, elements=m.subdomains[name]) for name in MATERIALS}
    T["basis"] = time.perf_counter() - t

    @LinearForm
    def thermal(v, w):
        return w.th * div(v)      # (3 lam + 2 mu) alpha dT div v: the thermal strain's load

    t = time.perf_counter()
    K = None
    for name, (E, nu, alpha) in MATERIALS.items():
        Kr = asm(linear_elasticity(*lame(E, nu)), parts[name])
        K = Kr if K is None else K + Kr
        del Kr
    T["assemble_K"] = time.perf_counter() - t
    t = time.perf_counter()
    f = 0.0
    for name, (E, nu, alpha) in MATERIALS.items():
        lam, mu = lame(E, nu)
        f = f + asm(thermal, parts[name], th=(3 * lam + 2 * mu) * alpha * DT)
    T["assemble_f"] = time.perf_counter() - t

    t = time.perf_counter()
    comp = np.empty(basis.N, dtype=np.int64)
    for c in range(3):
        comp[basis.nodal_dofs[c]] = c
        if quadratic:
            comp[basis.edge_dofs[c]] = c
    tol = 1e-9
    D = np.concatenate([
        basis.get_dofs(lambda x: np.abs(x[0]) < tol).all("u^1"),
        basis.get_dofs(lambda x: np.abs(x[2]) < tol).all("u^3"),
        # the origin is a vertex: get_dofs(callable) selects facets, not points
        basis.nodal_dofs[1, [int(np.argmin(np.linalg.norm(m.p.T, axis=1)))]],
    ])
    A, b, x0, I = condense(K, f, D=D)
    T["condense"] = time.perf_counter() - t

    t = time.perf_counter()
    iterations = None
    if a.solver.startswith("pyamg"):
        import pyamg

        B = rigid_body_modes(basis.doflocs.T[I], comp[I])
        kw = {} if a.solver == "pyamg-default" else dict(
            strength=("symmetric", {"theta": 0.0}), max_coarse=500)
        ml = pyamg.smoothed_aggregation_solver(A, B=B, symmetry="hermitian", **kw)
        T["amg_setup"] = time.perf_counter() - t
        res = []
        xI = ml.solve(b, tol=a.rtol, accel="cg", maxiter=2000, residuals=res)
        iterations = len(res) - 1
    elif a.solver == "superlu":
        from scipy.sparse.linalg import spsolve

        xI = spsolve(A.tocsc(), b)
    else:
        import pypardiso

        ps = pypardiso.PyPardisoSolver(mtype=2)
        U = sp.triu(A, format="csr")
        U.sort_indices()
        ps.set_phase(12)
        ps._call_pardiso(U, np.zeros_like(b))           # analysis + factorization
        T["factorize"] = time.perf_counter() - t
        ps.set_phase(33)
        xI = ps._call_pardiso(U, b)
        ps.free_memory(everything=True)
    rel_res = float(np.linalg.norm(A @ xI - b) / np.linalg.norm(b))
    u = x0.copy()
    u[I] = xI
    T["solve"] = time.perf_counter() - t

    # element-mean stresses and the output file
    t = time.perf_counter()
    ug = basis.interpolate(u)
    eps = sym_grad(ug)                                   # (3, 3, nel, nqp)
    lam = np.zeros(m.nelements)
    mu = np.zeros(m.nelements)
    adt = np.zeros(m.nelements)
    for name, (E, nu, alpha) in MATERIALS.items():
        idx = m.subdomains[name]
        lam[idx], mu[idx] = lame(E, nu)
        adt[idx] = alpha * DT
    lamq, muq, thq = (np.repeat(v[:, None], eps.shape[-1], axis=1) for v in (lam, mu, adt))
    tr = eps[0, 0] + eps[1, 1] + eps[2, 2] - 3 * thq
    sig = 2 * muq * (eps - thq * np.eye(3)[:, :, None, None]) + (lamq * tr) * np.eye(3)[:, :, None, None]
    sig_el = sig.mean(axis=-1)                           # (3, 3, nel)
    nodes = m.doflocs.T                                  # vertices, then mid-edge nodes
    nv = m.t.max() + 1
    U = np.zeros((nodes.shape[0], 3))
    for c in range(3):
        U[:nv, c] = u[basis.nodal_dofs[c]]
        if quadratic:
            U[nv:, c] = u[basis.edge_dofs[c]]
    T["stress"] = time.perf_counter() - t
    t = time.perf_counter()
    if a.vtu:
        import meshio

        cells = _scalar_cells(m, quadratic)
        voigt = np.stack([sig_el[0, 0], sig_el[1, 1], sig_el[2, 2], sig_el[0, 1], sig_el[1, 2],
                          sig_el[0, 2]], axis=1)
        meshio.write(a.vtu, meshio.Mesh(nodes, [("tetra10" if quadratic else "tetra", cells)],
                                        point_data={"displacement": U},
                                        cell_data={"stress": [voigt]}))
    T["output"] = time.perf_counter() - t
    if a.save:
        np.savez(a.save, points=nodes, displacement=U)

    probe = np.array([float(v) for v in a.probe.split(",")])
    k = int(np.argmin(np.linalg.norm(nodes - probe, axis=1)))
    T["total_in_process"] = time.perf_counter() - t_start
    print(json.dumps({
        "solver": a.solver, "dofs": int(basis.N), "elements": int(m.nelements),
        "free_dofs": int(len(I)), "iterations": iterations, "relative_residual": rel_res,
        "timings": T, "probe_point": nodes[k].tolist(), "probe_displacement": U[k].tolist(),
        # pkgfem's summary.json definition: the largest displacement component magnitude
        "max_displacement": float(np.abs(U).max()),
        "max_displacement_magnitude": float(np.linalg.norm(U, axis=1).max()),
        "skfem": skfem.__version__ if hasattr(skfem, "__version__") else "?"}))
    return 0


def _scalar_cells(m, quadratic):
    """Node numbers of each element in VTK order (vertices, then edges 01 12 20 03 13 23)."""
    if not quadratic:
        return m.t.T
    nv = m.t.max() + 1
    # skfem's scalar P2 numbering: vertices, then nv + edge index; its element edges are
    # t2e in the reference order (01, 12, 02, 03, 13, 23), which is VTK's
    return np.vstack([m.t, nv + m.t2e]).T


if __name__ == "__main__":
    sys.exit(main())

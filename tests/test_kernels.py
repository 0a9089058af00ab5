"""numba kernels against naive NumPy twins on small real Gmsh meshes."""

import numpy as np
import pytest

from meshes import build_mesh
from solver import formulation as F
from solver.assembly import Assembler
from solver.io.gmsh import read_gmsh
from solver.kernels import graph
from solver.materials.voigt import isotropic_stiffness, plane_stress

CASES = [  # (dim, quads, order, formulation)
    (2, True, 1, F.PLANE_STRAIN), (2, True, 2, F.PLANE_STRESS), (2, False, 1, F.AXISYMMETRIC),
    (2, False, 2, F.AXISYMMETRIC), (3, True, 1, F.THREE_D), (3, False, 2, F.THREE_D),
    (3, True, 2, F.THREE_D), (3, False, 1, F.THREE_D)]


def small_mesh(dim, quads, order):
    params = {"length": 2.0, "thicknesses": [0.4, 0.6], "elements_along": 5,
              "divisions": [2, 2], "quads": quads, "width": 0.5, "elements_across": 2}
    mesh = read_gmsh(build_mesh("layered-strip", params, dim=dim, order=order))
    mesh.points[:, 0] += 0.5  # off the axis for axisymmetric cases
    rng = np.random.default_rng(3)
    mesh.points += rng.uniform(-0.02, 0.02, mesh.points.shape) * 0.2  # distort
    return mesh


def b_matrix(g, N, r, form):
    n, dim = g.shape
    B = np.zeros((6, n * dim))
    for a in range(n):
        c = a * dim
        B[0, c] = g[a, 0]
        B[1, c + 1] = g[a, 1]
        B[3, c], B[3, c + 1] = g[a, 1], g[a, 0]
        if dim == 3:
            B[2, c + 2] = g[a, 2]
            B[4, c + 1], B[4, c + 2] = g[a, 2], g[a, 1]
            B[5, c], B[5, c + 2] = g[a, 2], g[a, 0]
        elif form == F.AXISYMMETRIC:
            B[2, c] = N[a] / r
    return B


def naive_geometry(mesh, block, form, thickness=1.0):
    et = block.etype
    N, dN = et.tabulate(et.qp)
    X = mesh.points[block.conn]
    J = np.einsum("eai,qaj->eqij", X, dN)
    dNdX = np.einsum("qak,eqki->eqai", dN, np.linalg.inv(J))
    xq = np.einsum("qa,eai->eqi", N, X)
    dV = np.linalg.det(J) * et.qw
    if form == F.AXISYMMETRIC:
        dV = dV * 2 * np.pi * xq[..., 0]
    elif form in (F.PLANE_STRAIN, F.PLANE_STRESS):
        dV = dV * thickness
    return N, dNdX, dV, xq


@pytest.mark.parametrize("dim,quads,order,form", CASES)
def test_assembly_matches_naive_twin(dim, quads, order, form):
    mesh = small_mesh(dim, quads, order)
    A = Assembler(mesh, form, thickness=0.7)
    E = np.array([1000.0, 3000.0])
    nu = np.array([0.3, 0.2])
    n = A.n_dof
    K_naive = np.zeros((n, n))
    f_naive = np.zeros(n)
    data_iso = A.new_matrix_data()
    data_gen = A.new_matrix_data()
    f_int = np.zeros(n)
    rng = np.random.default_rng(5)
    u = rng.normal(size=n)
    for k, b in enumerate(mesh.blocks):
        N, dNdX, dV, xq = naive_geometry(mesh, b, form, 0.7)
        g = A.geometry[k]
        assert np.allclose(g.dNdX, dNdX) and np.allclose(g.dV, dV) and np.allclose(g.xq, xq)
        D = isotropic_stiffness(E[b.region], nu[b.region])
        lam = E[b.region] * nu[b.region] / ((1 + nu[b.region]) * (1 - 2 * nu[b.region]))
        mu = E[b.region] / (2 * (1 + nu[b.region]))
        if form == F.PLANE_STRESS:
            D = plane_stress(D)
            lam = 2 * lam * mu / (lam + 2 * mu)
        sig = rng.normal(size=(b.n_el, len(N), 6))
        if form != F.THREE_D:
            sig[..., 4:] = 0.0
        dofs = (A.layout.dof0[b.conn][:, :, None] + np.arange(dim)).reshape(b.n_el, -1)
        for e in range(b.n_el):
            Ke = np.zeros((dofs.shape[1],) * 2)
            fe = np.zeros(dofs.shape[1])
            for q in range(len(N)):
                B = b_matrix(dNdX[e, q], N[q], xq[e, q, 0], form)
                Ke += B.T @ D @ B * dV[e, q]
                fe += B.T @ sig[e, q] * dV[e, q]
            K_naive[np.ix_(dofs[e], dofs[e])] += Ke
            f_naive[dofs[e]] += fe
        A.add_stiffness(data_iso, k, ("isotropic", np.full((b.n_el, 1), lam), np.full((b.n_el, 1), mu)))
        A.add_stiffness(data_gen, k, ("general", np.broadcast_to(D, (b.n_el, 1, 6, 6)).copy()))
        A.add_internal_force(f_int, k, sig)
        eps = A.strain(k, u)
        eps_naive = np.stack([[b_matrix(dNdX[e, q], N[q], xq[e, q, 0], form) @ u[dofs[e]]
                               for q in range(len(N))] for e in range(b.n_el)])
        assert np.allclose(eps, eps_naive)
    scale = np.abs(K_naive).max()
    assert np.abs(A.matrix(data_iso).toarray() - K_naive).max() < 1e-11 * scale
    assert np.abs(A.matrix(data_gen).toarray() - K_naive).max() < 1e-11 * scale
    assert np.allclose(f_int, f_naive)


@pytest.mark.parametrize("dim,quads,order", [(2, False, 2), (3, True, 2)])
def test_pattern_and_colouring(dim, quads, order):
    mesh = small_mesh(dim, quads, order)
    A = Assembler(mesh, F.THREE_D if dim == 3 else F.PLANE_STRAIN)
    # the pattern holds exactly the pairs of dofs that share an element
    n = A.n_dof
    dense = np.zeros((n, n), dtype=bool)
    for b in mesh.blocks:
        dofs = (A.layout.dof0[b.conn][:, :, None] + np.arange(dim)).reshape(b.n_el, -1)
        for d in dofs:
            dense[np.ix_(d, d)] = True
    pattern = A.matrix(np.ones(A.nnz)).toarray() > 0
    assert np.array_equal(pattern, dense)
    # chunks of one colour share no node
    for b in mesh.blocks:
        order_, cptr = graph.colour_chunks(b.conn, mesh.n_nodes, 4)
        assert sorted(order_) == list(range(len(order_)))
        for c in range(len(cptr) - 1):
            seen = set()
            for chunk in order_[cptr[c]:cptr[c + 1]]:
                nodes = set(b.conn[chunk * 4:(chunk + 1) * 4].ravel().tolist())
                assert not (nodes & seen)
                seen |= nodes

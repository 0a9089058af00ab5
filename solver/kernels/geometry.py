"""Isoparametric geometry at quadrature points (numba).

Formulation codes (see solver.formulation): 0 three-dimensional, 1 plane strain, 2 plane
stress, 3 axisymmetric (x = r, y = z).
"""

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL


@njit(**JIT)
def _det_inv(J, dim, inv):
    if dim == 2:
        det = J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]
        if det != 0.0:
            inv[0, 0] = J[1, 1] / det
            inv[0, 1] = -J[0, 1] / det
            inv[1, 0] = -J[1, 0] / det
            inv[1, 1] = J[0, 0] / det
        return det
    det = (J[0, 0] * (J[1, 1] * J[2, 2] - J[1, 2] * J[2, 1])
           - J[0, 1] * (J[1, 0] * J[2, 2] - J[1, 2] * J[2, 0])
           + J[0, 2] * (J[1, 0] * J[2, 1] - J[1, 1] * J[2, 0]))
    if det != 0.0:
        inv[0, 0] = (J[1, 1] * J[2, 2] - J[1, 2] * J[2, 1]) / det
        inv[0, 1] = (J[0, 2] * J[2, 1] - J[0, 1] * J[2, 2]) / det
        inv[0, 2] = (J[0, 1] * J[1, 2] - J[0, 2] * J[1, 1]) / det
        inv[1, 0] = (J[1, 2] * J[2, 0] - J[1, 0] * J[2, 2]) / det
        inv[1, 1] = (J[0, 0] * J[2, 2] - J[0, 2] * J[2, 0]) / det
        inv[1, 2] = (J[0, 2] * J[1, 0] - J[0, 0] * J[1, 2]) / det
        inv[2, 0] = (J[1, 0] * J[2, 1] - J[1, 1] * J[2, 0]) / det
        inv[2, 1] = (J[0, 1] * J[2, 0] - J[0, 0] * J[2, 1]) / det
        inv[2, 2] = (J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]) / det
    return det


@njit(**JIT_PARALLEL)
def jacobian_determinants(X, conn, dN):
    """det J at the points where ``dN`` was tabulated.

    X : (n_nodes, dim) float64, conn : (n_el, n_en) int64, dN : (n_pts, n_en, dim)
    returns (n_el, n_pts) float64
    """
    n_el, n_en = conn.shape
    n_pts, _, dim = dN.shape
    out = np.empty((n_el, n_pts))
    for e in prange(n_el):
        J = np.zeros((dim, dim))
        inv = np.zeros((dim, dim))
        for q in range(n_pts):
            J[:, :] = 0.0
            for a in range(n_en):
                node = conn[e, a]
                for i in range(dim):
                    for j in range(dim):
                        J[i, j] += X[node, i] * dN[q, a, j]
            out[e, q] = _det_inv(J, dim, inv)
    return out


@njit(**JIT_PARALLEL)
def quadrature_geometry(X, conn, N, dN, w, form, thickness):
    """Physical derivatives, volume weights and positions at quadrature points.

    X : (n_nodes, dim) mm; conn : (n_el, n_en); N : (n_qp, n_en); dN : (n_qp, n_en, dim)
    w : (n_qp,) reference weights; form : formulation code; thickness : mm (plane models)
    returns dNdX : (n_el, n_qp, n_en, dim) 1/mm, dV : (n_el, n_qp) mm^3 (2 pi r for
    axisymmetric, thickness for plane models), xq : (n_el, n_qp, dim) mm
    """
    n_el, n_en = conn.shape
    n_qp, _, dim = dN.shape
    dNdX = np.empty((n_el, n_qp, n_en, dim))
    dV = np.empty((n_el, n_qp))
    xq = np.zeros((n_el, n_qp, dim))
    for e in prange(n_el):
        J = np.zeros((dim, dim))
        inv = np.zeros((dim, dim))
        for q in range(n_qp):
            J[:, :] = 0.0
            for a in range(n_en):
                node = conn[e, a]
                for i in range(dim):
                    xq[e, q, i] += N[q, a] * X[node, i]
                    for j in range(dim):
                        J[i, j] += X[node, i] * dN[q, a, j]
            det = _det_inv(J, dim, inv)
            for a in range(n_en):
                for i in range(dim):
                    s = 0.0
                    for k in range(dim):
                        s += dN[q, a, k] * inv[k, i]
                    dNdX[e, q, a, i] = s
            scale = 1.0
            if form == 3:
                scale = 2.0 * np.pi * xq[e, q, 0]
            elif form == 1 or form == 2:
                scale = thickness
            dV[e, q] = det * w[q] * scale
    return dNdX, dV, xq

"""Total-Lagrangian finite-strain element kernels (numba).

Kinematics: F = I + grad_X u (3 x 3; plane strain F33 = 1, axisymmetric F33 = r / R).
Internal virtual work in the spatial form with reference volumes:
    f_ai = sum_q dV0 (tau_ij g_aj + [axisymmetric, i = r] tau_33 h_a)
    K_ai,bk = sum_q dV0 G_ai : a : G_bk
where g_a = F^-T grad_X N_a, h_a = N_a / r (current radius), tau is the Kirchhoff stress and
a_ijkl = c_ijkl + delta_ik tau_jl the total spatial tangent (9 x 9, row 3 i + j). G_ai is the
virtual displacement gradient of dof (a, i): e_i (x) g_a, plus h_a at (3, 3) for u_r.

Mean dilatation (Simo, Taylor and Pister 1985) adds per element the pressure pbar (tau +=
pbar J 1, a += pbar J (d_ij d_kl - d_il d_jk)) and the rank-one term kbar b b^T with
b_ai = sum_q J dV0 (g_ai + h_a d_i0).
"""

import numpy as np
from numba import njit, prange

from ..config import JIT_PARALLEL


@njit(**JIT_PARALLEL)
def deformation_gradient(dNdX, N, xq, u, form, conn, dof0):
    """F (n_el, n_qp, 3, 3) from nodal displacements u (n_dof,) mm."""
    n_el, n_qp, n_en, dim = dNdX.shape
    F = np.zeros((n_el, n_qp, 3, 3))
    for e in prange(n_el):
        for q in range(n_qp):
            for i in range(3):
                F[e, q, i, i] = 1.0
            ur = 0.0
            for a in range(n_en):
                d = dof0[conn[e, a]]
                for i in range(dim):
                    ui = u[d + i]
                    for J in range(dim):
                        F[e, q, i, J] += ui * dNdX[e, q, a, J]
                if form == 3:
                    ur += N[q, a] * u[d]
            if form == 3:
                F[e, q, 2, 2] = 1.0 + ur / xq[e, q, 0]
    return F


@njit(**JIT_PARALLEL)
def spatial_gradients(dNdX, N, xq, F, form):
    """g (n_el, n_qp, n_en, 3), hoop h (n_el, n_qp, n_en) and J (n_el, n_qp).

    Returns also ``ok`` (bool): False when some J <= 0 (an element turned inside out).
    """
    n_el, n_qp, n_en, dim = dNdX.shape
    g = np.zeros((n_el, n_qp, n_en, 3))
    h = np.zeros((n_el, n_qp, n_en))
    Jout = np.empty((n_el, n_qp))
    bad = 0
    for e in prange(n_el):
        Finv = np.empty((dim, dim))
        for q in range(n_qp):
            Fq = F[e, q]
            if dim == 2:
                det2 = Fq[0, 0] * Fq[1, 1] - Fq[0, 1] * Fq[1, 0]
                Finv[0, 0] = Fq[1, 1] / det2
                Finv[0, 1] = -Fq[0, 1] / det2
                Finv[1, 0] = -Fq[1, 0] / det2
                Finv[1, 1] = Fq[0, 0] / det2
                J = det2 * Fq[2, 2]
            else:
                J = (Fq[0, 0] * (Fq[1, 1] * Fq[2, 2] - Fq[1, 2] * Fq[2, 1])
                     - Fq[0, 1] * (Fq[1, 0] * Fq[2, 2] - Fq[1, 2] * Fq[2, 0])
                     + Fq[0, 2] * (Fq[1, 0] * Fq[2, 1] - Fq[1, 1] * Fq[2, 0]))
                Finv[0, 0] = (Fq[1, 1] * Fq[2, 2] - Fq[1, 2] * Fq[2, 1]) / J
                Finv[0, 1] = (Fq[0, 2] * Fq[2, 1] - Fq[0, 1] * Fq[2, 2]) / J
                Finv[0, 2] = (Fq[0, 1] * Fq[1, 2] - Fq[0, 2] * Fq[1, 1]) / J
                Finv[1, 0] = (Fq[1, 2] * Fq[2, 0] - Fq[1, 0] * Fq[2, 2]) / J
                Finv[1, 1] = (Fq[0, 0] * Fq[2, 2] - Fq[0, 2] * Fq[2, 0]) / J
                Finv[1, 2] = (Fq[0, 2] * Fq[1, 0] - Fq[0, 0] * Fq[1, 2]) / J
                Finv[2, 0] = (Fq[1, 0] * Fq[2, 1] - Fq[1, 1] * Fq[2, 0]) / J
                Finv[2, 1] = (Fq[0, 1] * Fq[2, 0] - Fq[0, 0] * Fq[2, 1]) / J
                Finv[2, 2] = (Fq[0, 0] * Fq[1, 1] - Fq[0, 1] * Fq[1, 0]) / J
            Jout[e, q] = J
            if J <= 0.0:
                bad += 1
            for a in range(n_en):
                for i in range(dim):
                    s = 0.0
                    for K in range(dim):
                        s += Finv[K, i] * dNdX[e, q, a, K]
                    g[e, q, a, i] = s
                if form == 3:
                    h[e, q, a] = N[q, a] / (xq[e, q, 0] * Fq[2, 2])
    return g, h, Jout, bad == 0


@njit(**JIT_PARALLEL)
def force_tangent(g, h, dV, J, tau, a, pbar, kbar, form, want_tangent, conn, emap, indptr,
                  goff, dof0, order, cptr, chunk, data, f, fabs):
    """Add internal forces (N) into f, their magnitudes into fabs and, if asked, the tangent.

    g, h, J : from spatial_gradients; dV : (n_el, n_qp) reference volumes (mm^3)
    tau : (n_el, n_qp, 3, 3) Kirchhoff stress, MPa; a : (n_el, n_qp, 9, 9) total tangent
    pbar, kbar : (n_el,) mean-dilatation pressure (MPa) and bulk term (MPa / mm^3), zero for
    standard elements. conn ... cptr, chunk : as in small_strain (colour-ordered chunks).
    """
    n_el, n_qp, n_en, _ = g.shape
    dim = 3 if form == 0 else 2
    nd = n_en * dim
    axi = form == 3
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            Ke = np.empty((nd, nd))
            fe = np.empty(nd)
            fa = np.empty(nd)
            w = np.empty((nd, 9))
            bvec = np.empty(nd)
            tq = np.empty((3, 3))
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                Ke[:, :] = 0.0
                fe[:] = 0.0
                fa[:] = 0.0
                bvec[:] = 0.0
                pe = pbar[e]
                for q in range(n_qp):
                    dv = dV[e, q]
                    Jq = J[e, q]
                    pj = pe * Jq
                    for i in range(3):
                        for j in range(3):
                            tq[i, j] = tau[e, q, i, j]
                        tq[i, i] += pj
                    # internal force
                    for b in range(n_en):
                        for i in range(dim):
                            s = 0.0
                            for j in range(dim):
                                s += tq[i, j] * g[e, q, b, j]
                            if axi and i == 0:
                                s += tq[2, 2] * h[e, q, b]
                            fe[b * dim + i] += s * dv
                            fa[b * dim + i] += abs(s * dv)
                            bvec[b * dim + i] += Jq * dv * (g[e, q, b, i] + (h[e, q, b] if (axi and i == 0) else 0.0))
                    if not want_tangent:
                        continue
                    aq = a[e, q]
                    # w[(b,k), :] = a . G_bk  (9 entries), pressure part added analytically
                    for b in range(n_en):
                        for k in range(dim):
                            col = b * dim + k
                            for r in range(9):
                                s = 0.0
                                for l in range(dim):
                                    s += aq[r, 3 * k + l] * g[e, q, b, l]
                                if axi and k == 0:
                                    s += aq[r, 8] * h[e, q, b]
                                w[col, r] = s
                            if pj != 0.0:
                                # a_vol = pj (d_ij d_kl - d_il d_jk): G_bk -> pj (div 1 - G^T)
                                div = g[e, q, b, k] + (h[e, q, b] if (axi and k == 0) else 0.0)
                                for i in range(3):
                                    w[col, 4 * i] += pj * div
                                for l in range(dim):
                                    w[col, 3 * l + k] -= pj * g[e, q, b, l]
                                if axi and k == 0:
                                    w[col, 8] -= pj * h[e, q, b]
                    for a_ in range(n_en):
                        for i in range(dim):
                            row = a_ * dim + i
                            ha = h[e, q, a_] if (axi and i == 0) else 0.0
                            for col in range(row, nd):
                                s = 0.0
                                for j in range(dim):
                                    s += g[e, q, a_, j] * w[col, 3 * i + j]
                                s += ha * w[col, 8]
                                Ke[row, col] += s * dv
                if want_tangent:
                    kb = kbar[e]
                    for row in range(nd):
                        for col in range(row, nd):
                            Ke[row, col] += kb * bvec[row] * bvec[col]
                        for col in range(row):
                            Ke[row, col] = Ke[col, row]
                for b in range(n_en):
                    d = dof0[conn[e, b]]
                    for i in range(dim):
                        f[d + i] += fe[b * dim + i]
                        fabs[d + i] += fa[b * dim + i]
                if want_tangent:
                    for a_ in range(n_en):
                        na = conn[e, a_]
                        for i in range(dim):
                            r0 = indptr[dof0[na] + i]
                            for b in range(n_en):
                                base = r0 + goff[emap[e, a_ * n_en + b]]
                                for k in range(dim):
                                    data[base + k] += Ke[a_ * dim + i, b * dim + k]


@njit(**JIT_PARALLEL)
def element_dilatation(J, dV):
    """Volume ratio theta = v / V (n_el,) and reference volume V (n_el,) per element."""
    n_el, n_qp = J.shape
    theta = np.empty(n_el)
    V = np.empty(n_el)
    for e in prange(n_el):
        v = 0.0
        v0 = 0.0
        for q in range(n_qp):
            v += J[e, q] * dV[e, q]
            v0 += dV[e, q]
        theta[e] = v / v0
        V[e] = v0
    return theta, V

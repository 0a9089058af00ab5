"""Small-strain element kernels: stiffness, internal force, strain (numba).

Strains and stresses are 6-vectors in VTK order XX, YY, ZZ, XY, YZ, XZ with engineering
shear strains. Plane models carry ZZ (zero strain in plane strain, hoop strain u_r / r when
axisymmetric); plane stress enters through a condensed material matrix.

Parallel loops run over element chunks of one colour at a time (see graph.colour_chunks),
so no two threads add into the same matrix entry.
"""

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL


@njit(**JIT)
def _b_matrix(g, Nq, r, form, B):
    """Fill B (6, n_en * dim) from physical derivatives g (n_en, dim) at one point."""
    n_en, dim = g.shape
    B[:, :] = 0.0
    for a in range(n_en):
        c = a * dim
        if dim == 3:
            B[0, c] = g[a, 0]
            B[1, c + 1] = g[a, 1]
            B[2, c + 2] = g[a, 2]
            B[3, c] = g[a, 1]
            B[3, c + 1] = g[a, 0]
            B[4, c + 1] = g[a, 2]
            B[4, c + 2] = g[a, 1]
            B[5, c] = g[a, 2]
            B[5, c + 2] = g[a, 0]
        else:
            B[0, c] = g[a, 0]
            B[1, c + 1] = g[a, 1]
            B[3, c] = g[a, 1]
            B[3, c + 1] = g[a, 0]
            if form == 3:
                B[2, c] = Nq[a] / r
    return B


@njit(**JIT)
def _scatter(Ke, conn_e, emap_e, indptr, goff, dof0, dim, data):
    n_en = len(conn_e)
    for a in range(n_en):
        na = conn_e[a]
        for i in range(dim):
            row = indptr[dof0[na] + i]
            for b in range(n_en):
                base = row + goff[emap_e[a * n_en + b]]
                for j in range(dim):
                    data[base + j] += Ke[a * dim + i, b * dim + j]


@njit(**JIT_PARALLEL)
def stiffness_general(dNdX, N, dV, xq, D, form, conn, emap, indptr, goff, dof0,
                      order, cptr, chunk, data):
    """Add the element stiffness ``int B^T D B dV`` of one block into CSR ``data``.

    dNdX : (n_el, n_qp, n_en, dim) 1/mm; N : (n_qp, n_en); dV : (n_el, n_qp) mm^3
    xq : (n_el, n_qp, dim) mm; D : (n_el, n_qp or 1, 6, 6) MPa
    conn, emap, order, cptr : from solver.assembly; data : CSR values, updated in place
    """
    n_el, n_qp, n_en, dim = dNdX.shape
    nd = n_en * dim
    per_point = D.shape[1] > 1
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            B = np.empty((6, nd))
            DB = np.empty((6, nd))
            Ke = np.empty((nd, nd))
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                Ke[:, :] = 0.0
                for q in range(n_qp):
                    _b_matrix(dNdX[e, q], N[q], xq[e, q, 0], form, B)
                    Dq = D[e, q if per_point else 0]
                    w = dV[e, q]
                    for i in range(6):
                        for k in range(nd):
                            s = 0.0
                            for m in range(6):
                                s += Dq[i, m] * B[m, k]
                            DB[i, k] = s * w
                    for k in range(nd):
                        for l in range(k, nd):
                            s = 0.0
                            for m in range(6):
                                s += B[m, k] * DB[m, l]
                            Ke[k, l] += s
                for k in range(nd):
                    for l in range(k):
                        Ke[k, l] = Ke[l, k]
                _scatter(Ke, conn[e], emap[e], indptr, goff, dof0, dim, data)


@njit(**JIT_PARALLEL)
def stiffness_isotropic(dNdX, N, dV, xq, lam, mu, form, conn, emap, indptr, goff, dof0,
                        order, cptr, chunk, data):
    """Element stiffness of an isotropic material, without forming B or D.

    lam, mu : (n_el, n_qp or 1) MPa, Lame constants (plane stress: pass the condensed
    lambda* = 2 lam mu / (lam + 2 mu)); other arguments as in stiffness_general.
    K_ab,ij = lam (g_ai + h_a d_i0)(g_bj + h_b d_j0) + mu (d_ij g_a.g_b + g_aj g_bi)
              + 2 mu h_a h_b d_i0 d_j0, with h = N / r when axisymmetric, else 0.
    """
    n_el, n_qp, n_en, dim = dNdX.shape
    nd = n_en * dim
    per_point = lam.shape[1] > 1
    axi = form == 3
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            Ke = np.empty((nd, nd))
            h = np.zeros(n_en)
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                Ke[:, :] = 0.0
                for q in range(n_qp):
                    qq = q if per_point else 0
                    L = lam[e, qq] * dV[e, q]
                    M = mu[e, qq] * dV[e, q]
                    g = dNdX[e, q]
                    if axi:
                        for a in range(n_en):
                            h[a] = N[q, a] / xq[e, q, 0]
                    for a in range(n_en):
                        for b in range(a, n_en):
                            gg = 0.0
                            for k in range(dim):
                                gg += g[a, k] * g[b, k]
                            for i in range(dim):
                                for j in range(dim):
                                    v = L * g[a, i] * g[b, j] + M * g[a, j] * g[b, i]
                                    if i == j:
                                        v += M * gg
                                    Ke[a * dim + i, b * dim + j] += v
                            if axi:
                                Ke[a * dim, b * dim] += (L * (g[a, 0] * h[b] + h[a] * g[b, 0]
                                                              + h[a] * h[b]) + 2.0 * M * h[a] * h[b])
                                Ke[a * dim, b * dim + 1] += L * h[a] * g[b, 1]
                                Ke[a * dim + 1, b * dim] += L * g[a, 1] * h[b]
                for a in range(n_en):
                    for b in range(a):
                        for i in range(dim):
                            for j in range(dim):
                                Ke[a * dim + i, b * dim + j] = Ke[b * dim + j, a * dim + i]
                _scatter(Ke, conn[e], emap[e], indptr, goff, dof0, dim, data)


@njit(**JIT_PARALLEL)
def stiffness_isotropic_3d(dNdX, dV, lam, mu, conn, emap, indptr, goff, dof0,
                           order, cptr, chunk, data):
    """3D isotropic stiffness, pair block by pair block (the hot path of large 3D models).

    For nodes a, b: S = sum_q lam g_a g_b^T dV, T = sum_q mu g_a g_b^T dV and
    K_ab = S + T^T + tr(T) I. Each 3x3 block (and its transpose) is scattered at once.
    Arguments as in stiffness_isotropic.
    """
    n_el, n_qp, n_en, _ = dNdX.shape
    per_point = lam.shape[1] > 1
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            wl = np.empty(n_qp)
            wm = np.empty(n_qp)
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                for q in range(n_qp):
                    qq = q if per_point else 0
                    wl[q] = lam[e, qq] * dV[e, q]
                    wm[q] = mu[e, qq] * dV[e, q]
                g = dNdX[e]
                for a in range(n_en):
                    na = conn[e, a]
                    for b in range(a, n_en):
                        s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = 0.0
                        t00 = t01 = t02 = t10 = t11 = t12 = t20 = t21 = t22 = 0.0
                        for q in range(n_qp):
                            a0 = g[q, a, 0]
                            a1 = g[q, a, 1]
                            a2 = g[q, a, 2]
                            b0 = g[q, b, 0]
                            b1 = g[q, b, 1]
                            b2 = g[q, b, 2]
                            L = wl[q]
                            M = wm[q]
                            p = a0 * b0
                            s00 += L * p
                            t00 += M * p
                            p = a0 * b1
                            s01 += L * p
                            t01 += M * p
                            p = a0 * b2
                            s02 += L * p
                            t02 += M * p
                            p = a1 * b0
                            s10 += L * p
                            t10 += M * p
                            p = a1 * b1
                            s11 += L * p
                            t11 += M * p
                            p = a1 * b2
                            s12 += L * p
                            t12 += M * p
                            p = a2 * b0
                            s20 += L * p
                            t20 += M * p
                            p = a2 * b1
                            s21 += L * p
                            t21 += M * p
                            p = a2 * b2
                            s22 += L * p
                            t22 += M * p
                        tr = t00 + t11 + t22
                        k00 = s00 + t00 + tr
                        k01 = s01 + t10
                        k02 = s02 + t20
                        k10 = s10 + t01
                        k11 = s11 + t11 + tr
                        k12 = s12 + t21
                        k20 = s20 + t02
                        k21 = s21 + t12
                        k22 = s22 + t22 + tr
                        nb = conn[e, b]
                        base = goff[emap[e, a * n_en + b]]
                        r = indptr[dof0[na]] + base
                        data[r] += k00
                        data[r + 1] += k01
                        data[r + 2] += k02
                        r = indptr[dof0[na] + 1] + base
                        data[r] += k10
                        data[r + 1] += k11
                        data[r + 2] += k12
                        r = indptr[dof0[na] + 2] + base
                        data[r] += k20
                        data[r + 1] += k21
                        data[r + 2] += k22
                        if b != a:  # the transposed block K_ba = K_ab^T
                            base = goff[emap[e, b * n_en + a]]
                            r = indptr[dof0[nb]] + base
                            data[r] += k00
                            data[r + 1] += k10
                            data[r + 2] += k20
                            r = indptr[dof0[nb] + 1] + base
                            data[r] += k01
                            data[r + 1] += k11
                            data[r + 2] += k21
                            r = indptr[dof0[nb] + 2] + base
                            data[r] += k02
                            data[r + 1] += k12
                            data[r + 2] += k22


@njit(**JIT_PARALLEL)
def internal_force(dNdX, N, dV, xq, sig, form, conn, dof0, order, cptr, chunk, f):
    """Add ``int B^T sig dV`` of one block into the global vector ``f`` (N).

    sig : (n_el, n_qp, 6) MPa; f : (n_dof,) updated in place
    """
    n_el, n_qp, n_en, dim = dNdX.shape
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                for q in range(n_qp):
                    s = sig[e, q]
                    w = dV[e, q]
                    for a in range(n_en):
                        g = dNdX[e, q, a]
                        d = dof0[conn[e, a]]
                        if dim == 3:
                            f[d] += w * (g[0] * s[0] + g[1] * s[3] + g[2] * s[5])
                            f[d + 1] += w * (g[1] * s[1] + g[0] * s[3] + g[2] * s[4])
                            f[d + 2] += w * (g[2] * s[2] + g[1] * s[4] + g[0] * s[5])
                        else:
                            fx = g[0] * s[0] + g[1] * s[3]
                            if form == 3:
                                fx += N[q, a] / xq[e, q, 0] * s[2]
                            f[d] += w * fx
                            f[d + 1] += w * (g[1] * s[1] + g[0] * s[3])


@njit(**JIT_PARALLEL)
def strain(dNdX, N, xq, u, form, conn, dof0):
    """Small strain (n_el, n_qp, 6) from nodal displacements ``u`` (n_dof,) mm."""
    n_el, n_qp, n_en, dim = dNdX.shape
    eps = np.zeros((n_el, n_qp, 6))
    for e in prange(n_el):
        for q in range(n_qp):
            for a in range(n_en):
                g = dNdX[e, q, a]
                d = dof0[conn[e, a]]
                ux = u[d]
                uy = u[d + 1]
                if dim == 3:
                    uz = u[d + 2]
                    eps[e, q, 0] += g[0] * ux
                    eps[e, q, 1] += g[1] * uy
                    eps[e, q, 2] += g[2] * uz
                    eps[e, q, 3] += g[1] * ux + g[0] * uy
                    eps[e, q, 4] += g[2] * uy + g[1] * uz
                    eps[e, q, 5] += g[2] * ux + g[0] * uz
                else:
                    eps[e, q, 0] += g[0] * ux
                    eps[e, q, 1] += g[1] * uy
                    eps[e, q, 3] += g[1] * ux + g[0] * uy
                    if form == 3:
                        eps[e, q, 2] += N[q, a] / xq[e, q, 0] * ux
    return eps

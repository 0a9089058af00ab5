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

deformation_gradient, spatial_gradients and force_tangent are plain Python dispatchers to
kernels compiled for fixed component counts (3D solids; 2D plane and axisymmetric), so that
the loops over components unroll and those over nodes vectorize.
"""

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from ..config import JIT_PARALLEL


def deformation_gradient(dNdX, N, xq, u, form, conn, dof0):
    """F (n_el, n_qp, 3, 3) from nodal displacements u (n_dof,) mm."""
    if form == 0:
        return _deformation_gradient_3d(dNdX, u, conn, dof0)
    return _deformation_gradient(dNdX, N, xq, u, form, conn, dof0)


@njit(**JIT_PARALLEL)
def _deformation_gradient_3d(dNdX, u, conn, dof0):
    """deformation_gradient of 3D solids: the element's displacements gathered once."""
    n_el, n_qp, n, _ = dNdX.shape
    F = np.empty((n_el, n_qp, 3, 3))
    for e in prange(n_el):
        ue = np.empty((n, 3))
        for a in range(n):
            d = dof0[conn[e, a]]
            ue[a, 0] = u[d]
            ue[a, 1] = u[d + 1]
            ue[a, 2] = u[d + 2]
        for q in range(n_qp):
            for i in range(3):
                s0 = 1.0 if i == 0 else 0.0
                s1 = 1.0 if i == 1 else 0.0
                s2 = 1.0 if i == 2 else 0.0
                for a in range(n):
                    s0 += ue[a, i] * dNdX[e, q, a, 0]
                    s1 += ue[a, i] * dNdX[e, q, a, 1]
                    s2 += ue[a, i] * dNdX[e, q, a, 2]
                F[e, q, i, 0] = s0
                F[e, q, i, 1] = s1
                F[e, q, i, 2] = s2
    return F


@njit(**JIT_PARALLEL)
def _deformation_gradient(dNdX, N, xq, u, form, conn, dof0):
    """deformation_gradient, any dimension (2D: plane and axisymmetric)."""
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


def spatial_gradients(dNdX, N, xq, F, form, out=None):
    """g (n_el, n_qp, n_en, 3), hoop h (n_el, n_qp, n_en) and J (n_el, n_qp).

    Returns also ``ok`` (bool): False when some J <= 0 (an element turned inside out).
    3D: h is an empty (n_el, n_qp, 0) array (3D solids have no hoop term) and g is written
    into ``out`` when it is a float64 array of g's shape (a buffer the caller keeps between
    Newton iterations: first-touching a fresh 100 MB array costs ~10 ms).
    """
    if form == 0:
        n_el, n_qp, n, _ = dNdX.shape
        if out is None or out.shape != dNdX.shape:
            out = np.empty(dNdX.shape)
        J, ok = _spatial_gradients_3d(dNdX, F, out)
        return out, np.empty((n_el, n_qp, 0)), J, ok
    return _spatial_gradients(dNdX, N, xq, F, form)


@njit(**JIT_PARALLEL)
def _spatial_gradients_3d(dNdX, F, g):
    """spatial_gradients of 3D solids into g: F^-1 from cofactors, unrolled."""
    n_el, n_qp, n, _ = dNdX.shape
    Jout = np.empty((n_el, n_qp))
    bad = 0
    for e in prange(n_el):
        for q in range(n_qp):
            f00 = F[e, q, 0, 0]
            f01 = F[e, q, 0, 1]
            f02 = F[e, q, 0, 2]
            f10 = F[e, q, 1, 0]
            f11 = F[e, q, 1, 1]
            f12 = F[e, q, 1, 2]
            f20 = F[e, q, 2, 0]
            f21 = F[e, q, 2, 1]
            f22 = F[e, q, 2, 2]
            J = (f00 * (f11 * f22 - f12 * f21) - f01 * (f10 * f22 - f12 * f20)
                 + f02 * (f10 * f21 - f11 * f20))
            Jout[e, q] = J
            if J <= 0.0:
                bad += 1
            i00 = (f11 * f22 - f12 * f21) / J
            i01 = (f02 * f21 - f01 * f22) / J
            i02 = (f01 * f12 - f02 * f11) / J
            i10 = (f12 * f20 - f10 * f22) / J
            i11 = (f00 * f22 - f02 * f20) / J
            i12 = (f02 * f10 - f00 * f12) / J
            i20 = (f10 * f21 - f11 * f20) / J
            i21 = (f01 * f20 - f00 * f21) / J
            i22 = (f00 * f11 - f01 * f10) / J
            for a in range(n):
                d0 = dNdX[e, q, a, 0]
                d1 = dNdX[e, q, a, 1]
                d2 = dNdX[e, q, a, 2]
                g[e, q, a, 0] = i00 * d0 + i10 * d1 + i20 * d2
                g[e, q, a, 1] = i01 * d0 + i11 * d1 + i21 * d2
                g[e, q, a, 2] = i02 * d0 + i12 * d1 + i22 * d2
    return Jout, bad == 0


@njit(**JIT_PARALLEL)
def _spatial_gradients(dNdX, N, xq, F, form):
    """spatial_gradients, any dimension (2D: plane and axisymmetric)."""
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


def force_tangent(g, h, dV, J, tau, a, pbar, kbar, form, want_tangent, conn, emap, indptr,
                  goff, dof0, order, cptr, chunk, data, f, fabs):
    """Add internal forces (N) into f, their magnitudes into fabs and, if asked, the tangent.

    g, h, J : from spatial_gradients; dV : (n_el, n_qp) reference volumes (mm^3)
    tau : (n_el, n_qp, 3, 3) Kirchhoff stress, MPa; a : (n_el, n_qp, 9, 9) total tangent
    pbar, kbar : (n_el,) mean-dilatation pressure (MPa) and bulk term (MPa / mm^3), zero for
    standard elements. conn ... cptr, chunk : as in small_strain (colour-ordered chunks).

    a must be symmetric (a_ij,kl = a_kl,ij), as it is for every material here (hyperelastic
    and the J2 exponential-map return alike): only the blocks K_ai,bk with k >= i (and b >= a
    where k = i) are integrated, the rest are their transposes, so K is exactly symmetric.

    A dispatcher (not compiled itself) to kernels with fixed component counts, 3D or 2D
    (plane, axisymmetric), whose innermost loops run over nodes with unit stride.
    """
    if form == 0:
        _force_tangent_3d(g, dV, J, tau, a, pbar, kbar, want_tangent, conn, emap, indptr, goff,
                          dof0, order, cptr, chunk, data, f, fabs)
    else:
        _force_tangent_2d(g, h, dV, J, tau, a, pbar, kbar, form == 3, want_tangent, conn, emap,
                          indptr, goff, dof0, order, cptr, chunk, data, f, fabs)


@intrinsic
def _prefetch(typingctx, arr, idx):
    """Ask the CPU to bring arr[idx] into cache for writing (llvm.prefetch); no other effect.

    The tangent's scatter into the CSR values is a few hundred cache misses per element:
    prefetched before the element's integration, they arrive while it computes.
    """
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]],
                                       wraparound=False)
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [ptr.type, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # write, high temporal locality, data cache
        builder.call(fn, [ptr, ir.Constant(i32, 1), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()
    return sig, codegen


# Pieces shared by the 3D and 2D force_tangent kernels, inlined into them (``dim`` a literal
# there, so the loops keep their fixed trip counts).
@njit(inline="always")
def _csr_positions(e, dim, conn, emap, indptr, goff, dof0, data, pos):
    """pos[i, a, b] = CSR position of K_ai,b0 of element e; prefetches those data entries."""
    n = pos.shape[1]
    for a_ in range(n):
        d = dof0[conn[e, a_]]
        for i in range(dim):
            r0 = indptr[d + i]
            for b in range(n):
                p = r0 + goff[emap[e, a_ * n + b]]
                pos[i, a_, b] = p
                _prefetch(data, p)
                _prefetch(data, p + dim - 1)


@njit(inline="always")
def _tangent_with_pressure(a, e, q, pj, A):
    """A = a[e, q] + pj (d_ij d_kl - d_il d_jk): the mean-dilatation pressure's part."""
    for r in range(9):
        for s_ in range(9):
            A[r, s_] = a[e, q, r, s_]
    if pj != 0.0:
        for i in range(3):
            for k in range(3):
                A[4 * i, 4 * k] += pj
                A[3 * i + k, 3 * k + i] -= pj


@njit(inline="always")
def _scatter_element(e, dim, fe, fa, bv, kb, Ke, pos, want_tangent, conn, dof0, data, f, fabs):
    """Add element e's forces to f and fabs and, with the bulk term kb bv bv^T, its tangent
    (blocks k >= i integrated, the others their transposes) to the CSR data."""
    n = fe.shape[1]
    for b in range(n):
        d = dof0[conn[e, b]]
        for i in range(dim):
            f[d + i] += fe[i, b]
            fabs[d + i] += fa[i, b]
    if not want_tangent:
        return
    if kb != 0.0:
        for i in range(dim):
            for k in range(i, dim):
                for a_ in range(n):
                    ba = kb * bv[i, a_]
                    for b in range(n):
                        Ke[i, k, a_, b] += ba * bv[k, b]
    for a_ in range(n):
        for i in range(dim):
            for b in range(n):
                p = pos[i, a_, b]
                for k in range(dim):
                    if k > i or (k == i and b >= a_):
                        data[p + k] += Ke[i, k, a_, b]
                    else:
                        data[p + k] += Ke[k, i, b, a_]


@njit(**JIT_PARALLEL)
def _force_tangent_3d(g, dV, J, tau, a, pbar, kbar, want_tangent, conn, emap, indptr, goff,
                      dof0, order, cptr, chunk, data, f, fabs):
    """force_tangent for 3D solids.

    Per point, W[3 i + j, k, b] = dv (a . G_bk)_ij for the blocks k >= i, then
    Ke[i, k, a, b] += g_aj W[3 i + j, k, b]: node-contiguous rows the compiler vectorizes.
    The pressure part pj (d_ij d_kl - d_il d_jk) is added to a copy of a.
    """
    n_el, n_qp, n, _ = g.shape
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            Ke = np.empty((3, 3, n, n))    # Ke[i, k, a, b] = K_ai,bk (blocks k >= i)
            W = np.empty((9, 3, n))
            gt = np.empty((3, n))          # gt[j, b] = g_bj
            A = np.empty((9, 9))
            fe = np.empty((3, n))
            fa = np.empty((3, n))
            bv = np.empty((3, n))
            pos = np.empty((3, n, n), dtype=np.int64)   # CSR position of K_ai,b0
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                if want_tangent:
                    _csr_positions(e, 3, conn, emap, indptr, goff, dof0, data, pos)
                    Ke[:, :, :, :] = 0.0
                fe[:, :] = 0.0
                fa[:, :] = 0.0
                bv[:, :] = 0.0
                pe = pbar[e]
                for q in range(n_qp):
                    dv = dV[e, q]
                    Jq = J[e, q]
                    pj = pe * Jq
                    jdv = Jq * dv
                    for b in range(n):
                        for j in range(3):
                            gt[j, b] = g[e, q, b, j]
                    # internal force: f_bi = dv (tau + pj 1)_ij g_bj
                    for i in range(3):
                        t0 = tau[e, q, i, 0]
                        t1 = tau[e, q, i, 1]
                        t2 = tau[e, q, i, 2]
                        if i == 0:
                            t0 += pj
                        elif i == 1:
                            t1 += pj
                        else:
                            t2 += pj
                        for b in range(n):
                            s = (t0 * gt[0, b] + t1 * gt[1, b] + t2 * gt[2, b]) * dv
                            fe[i, b] += s
                            fa[i, b] += abs(s)
                            bv[i, b] += jdv * gt[i, b]
                    if not want_tangent:
                        continue
                    _tangent_with_pressure(a, e, q, pj, A)
                    for r in range(9):
                        for k in range(r // 3, 3):
                            a0 = A[r, 3 * k] * dv
                            a1 = A[r, 3 * k + 1] * dv
                            a2 = A[r, 3 * k + 2] * dv
                            for b in range(n):
                                W[r, k, b] = a0 * gt[0, b] + a1 * gt[1, b] + a2 * gt[2, b]
                    for i in range(3):
                        for k in range(i, 3):
                            for a_ in range(n):
                                g0 = gt[0, a_]
                                g1 = gt[1, a_]
                                g2 = gt[2, a_]
                                for b in range(n):
                                    Ke[i, k, a_, b] += (g0 * W[3 * i, k, b]
                                                        + g1 * W[3 * i + 1, k, b]
                                                        + g2 * W[3 * i + 2, k, b])
                _scatter_element(e, 3, fe, fa, bv, kbar[e], Ke, pos, want_tangent, conn, dof0,
                                 data, f, fabs)


@njit(**JIT_PARALLEL)
def _force_tangent_2d(g, h, dV, J, tau, a, pbar, kbar, axi, want_tangent, conn, emap, indptr,
                      goff, dof0, order, cptr, chunk, data, f, fabs):
    """force_tangent for 2D elements: plane, or axisymmetric (axi) where the virtual gradient
    of u_r has the hoop component h_a at (3, 3) (index 8 of a). Laid out as the 3D kernel, the
    hoop term as a third row of gt (zero when not axi) so that no loop branches on it."""
    n_el, n_qp, n, _ = g.shape
    for colour in range(len(cptr) - 1):
        for ci in prange(cptr[colour], cptr[colour + 1]):
            c = order[ci]
            Ke = np.empty((2, 2, n, n))
            W = np.empty((9, 2, n))
            gt = np.empty((3, n))          # g_b0, g_b1, h_b
            A = np.empty((9, 9))
            fe = np.empty((2, n))
            fa = np.empty((2, n))
            bv = np.empty((2, n))
            pos = np.empty((2, n, n), dtype=np.int64)
            for e in range(c * chunk, min((c + 1) * chunk, n_el)):
                if want_tangent:
                    _csr_positions(e, 2, conn, emap, indptr, goff, dof0, data, pos)
                    Ke[:, :, :, :] = 0.0
                fe[:, :] = 0.0
                fa[:, :] = 0.0
                bv[:, :] = 0.0
                pe = pbar[e]
                for q in range(n_qp):
                    dv = dV[e, q]
                    Jq = J[e, q]
                    pj = pe * Jq
                    jdv = Jq * dv
                    for b in range(n):
                        gt[0, b] = g[e, q, b, 0]
                        gt[1, b] = g[e, q, b, 1]
                        gt[2, b] = h[e, q, b] if axi else 0.0
                    t00 = tau[e, q, 0, 0] + pj
                    t01 = tau[e, q, 0, 1]
                    t10 = tau[e, q, 1, 0]
                    t11 = tau[e, q, 1, 1] + pj
                    t22 = tau[e, q, 2, 2] + pj
                    for b in range(n):
                        s0 = (t00 * gt[0, b] + t01 * gt[1, b] + t22 * gt[2, b]) * dv
                        s1 = (t10 * gt[0, b] + t11 * gt[1, b]) * dv
                        fe[0, b] += s0
                        fa[0, b] += abs(s0)
                        fe[1, b] += s1
                        fa[1, b] += abs(s1)
                        bv[0, b] += jdv * (gt[0, b] + gt[2, b])
                        bv[1, b] += jdv * gt[1, b]
                    if not want_tangent:
                        continue
                    _tangent_with_pressure(a, e, q, pj, A)
                    # rows r = 3 i + j of blocks (0, 0), (0, 1): r = 0, 1, 8; of (1, 1): 3, 4.
                    # G_b0 = e_0 (x) g_b + h_b e_2 (x) e_2, G_b1 = e_1 (x) g_b
                    for r in (0, 1, 8):
                        a0 = A[r, 0] * dv
                        a1 = A[r, 1] * dv
                        a8 = A[r, 8] * dv
                        for b in range(n):
                            W[r, 0, b] = a0 * gt[0, b] + a1 * gt[1, b] + a8 * gt[2, b]
                    for r in (0, 1, 8, 3, 4):
                        a0 = A[r, 3] * dv
                        a1 = A[r, 4] * dv
                        for b in range(n):
                            W[r, 1, b] = a0 * gt[0, b] + a1 * gt[1, b]
                    for k in range(2):
                        for a_ in range(n):
                            g0 = gt[0, a_]
                            g1 = gt[1, a_]
                            ha = gt[2, a_]
                            for b in range(n):
                                Ke[0, k, a_, b] += (g0 * W[0, k, b] + g1 * W[1, k, b]
                                                    + ha * W[8, k, b])
                    for a_ in range(n):
                        g0 = gt[0, a_]
                        g1 = gt[1, a_]
                        for b in range(n):
                            Ke[1, 1, a_, b] += g0 * W[3, 1, b] + g1 * W[4, 1, b]
                _scatter_element(e, 2, fe, fa, bv, kbar[e], Ke, pos, want_tangent, conn, dof0,
                                 data, f, fabs)


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

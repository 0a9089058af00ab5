"""3D corotational beam element (Battini & Pacoste 2002; Crisfield 1990).

Two nodes with dofs (ux, uy, uz, rx, ry, rz). Every beam node carries a rotation matrix U
(global, identity initially) that the group updates multiplicatively from the rotation
increments (left spins). The element's initial frame R0 = [e1 e2 e3] has e1 along the axis,
e2 through the section's thickness and e3 along its width (the case file's orientation).

Corotated frame (Battini & Pacoste 2002, section 3): r1 along the current chord,
q = (U1 R0 e2 + U2 R0 e2) / 2, r3 = r1 x q / |r1 x q|, r2 = r3 x r1, R_r = [r1 r2 r3].
Local rotations theta_bar_i = log(R_r^T U_i R0), local elongation u_bar = l_n - L0. The local
element is a linear Euler-Bernoulli beam (Hermite bending about both axes, uniform axial
strain, elastic Saint-Venant torsion) integrated with the fibre section at Gauss points.

Forces and tangent (spin variables): f_g = B_g^T B_a^T f_l, with B_a = diag(1, T_s^-1(theta_1),
T_s^-1(theta_2)) and B_g = [r^T; P E^T] (the G matrix of Battini & Pacoste, eq. 41-48), and

    K_g = B_g^T (B_a^T K_l B_a + K_h) B_g + K_m,

K_h the change of T_s^-T with theta (rotation.kh), K_m = d(B_g^T f_a)/dp at fixed f_a: the
axial term N D, the frame-spin term -E Q G^T E^T, and the variation of G itself (through
l_n and through eta = q1/q2 and the eta_ij, all differentiated exactly here rather than
neglected). The exact spin tangent is not symmetric; its skew part at a node sums, over the
elements there, to a term in the external moment, so ``symmetric=True`` returns (K + K^T)/2,
the tangent used by the solver (symmetric linear solvers; quadratic convergence kept where no
external moment acts).
"""

import math

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL
from .linalg import btdb, mm, mmt, mtm, mtv, mv
from .rotation import cross, kh, logm, skew, tinv
from .section import section_response


@njit(**JIT)
def frame(x1, x2, U1, U2, R0):
    """Corotated frame R_r (3, 3), chord length l_n and the nodal q vectors (global)."""
    d = x2 - x1
    ln = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    r1 = d / ln
    e2 = R0[:, 1].copy()
    q1 = mv(U1, e2)
    q2 = mv(U2, e2)
    q = 0.5 * (q1 + q2)
    r3 = cross(r1, q)
    r3 = r3 / math.sqrt(r3[0] * r3[0] + r3[1] * r3[1] + r3[2] * r3[2])
    r2 = cross(r3, r1)
    Rr = np.empty((3, 3))
    Rr[:, 0] = r1
    Rr[:, 1] = r2
    Rr[:, 2] = r3
    return Rr, ln, q1, q2


@njit(**JIT)
def _grad_ratio(a, b, ca, cb, qm2, f):
    """Gradients w.r.t. the local spins of nodes 1, 2 of f = (ca . a + cb . b) / qm2 with
    qm2 = (a_2 + b_2)/2 (a, b: nodal q vectors in the corotated frame)."""
    e2 = np.array([0.0, 1.0, 0.0])
    g1 = (cross(a, ca) - 0.5 * f * cross(a, e2)) / qm2
    g2 = (cross(b, cb) - 0.5 * f * cross(b, e2)) / qm2
    return g1, g2


@njit(**JIT)
def element(x1, x2, U1, U2, R0, L0, xi, wg, fy, fz, fA, GJ, E, eth, curve_e, curve_s, plastic,
            ep0, a0, want_K, symmetric, fe, Ke, ep1, a1, sig, sec, scale):
    """Force fe (12,) and tangent Ke (12, 12) of one element in spin variables.

    x1, x2 : current node positions; U1, U2 : nodal rotation matrices; R0 : initial element
    frame; L0 : initial length; E, eth : (n_gp,) modulus and thermal strain; GJ : torsional
    stiffness N mm^2. Fills ep1, a1, sig (n_gp, n_f), sec (n_gp, 4) = (N, M_z, M_y, T) and
    the force scale (2,) of translations and rotations (see beam2d.element).
    Returns a status (1: fibre update failed, 2: degenerate geometry).
    """
    Rr, ln, q1, q2 = frame(x1, x2, U1, U2, R0)
    if not (ln > 0.0):
        return 2
    t1 = logm(mm(mtm(Rr, U1), R0))
    t2 = logm(mm(mtm(Rr, U2), R0))
    ubar = (ln * ln - L0 * L0) / (ln + L0)
    eps0 = ubar / L0
    # ---------------------------------------------------------------- local element
    fl = np.zeros(7)
    Kl = np.zeros((7, 7))
    S3 = np.empty(3)
    D3 = np.empty((3, 3))
    Bl = np.zeros((3, 7))
    sabs = np.empty(2)
    big_n = 0.0
    big_m = 0.0
    status = 0
    tors = GJ * (t2[0] - t1[0]) / L0
    for g in range(len(xi)):
        b1 = (6.0 * xi[g] - 4.0) / L0
        b2 = (6.0 * xi[g] - 2.0) / L0
        kz = b1 * t1[2] + b2 * t2[2]
        ky = b1 * t1[1] + b2 * t2[1]
        st = section_response(eps0, kz, ky, E[g], eth[g], fy, fz, fA, ep0[g], a0[g], curve_e,
                              curve_s, plastic, S3, D3, ep1[g], a1[g], sig[g], sabs)
        status = max(status, st)
        big_n = max(big_n, sabs[0])
        big_m = max(big_m, sabs[1])
        sec[g, 0] = S3[0]
        sec[g, 1] = S3[1]
        sec[g, 2] = S3[2]
        sec[g, 3] = tors
        Bl[0, 0] = 1.0 / L0
        Bl[1, 3] = b1
        Bl[1, 6] = b2
        Bl[2, 2] = b1
        Bl[2, 5] = b2
        w = wg[g] * L0
        fl += w * mtv(Bl, S3)
        if want_K:
            Kl += w * btdb(Bl, D3)
    fl[1] -= tors
    fl[4] += tors
    kt = GJ / L0
    Kl[1, 1] += kt
    Kl[4, 4] += kt
    Kl[1, 4] -= kt
    Kl[4, 1] -= kt
    # ---------------------------------------------------------------- rotation vectors -> spins
    Ti1 = tinv(t1)
    Ti2 = tinv(t2)
    Ba = np.zeros((7, 7))
    Ba[0, 0] = 1.0
    Ba[1:4, 1:4] = Ti1
    Ba[4:7, 4:7] = Ti2
    fa = mtv(Ba, fl)
    # ---------------------------------------------------------------- B_g
    r1 = Rr[:, 0].copy()
    qm = mtv(Rr, 0.5 * (q1 + q2))
    a = mtv(Rr, q1)
    b = mtv(Rr, q2)
    qm2 = qm[1]
    eta = qm[0] / qm2
    e11 = a[0] / qm2
    e12 = a[1] / qm2
    e21 = b[0] / qm2
    e22 = b[1] / qm2
    GT = np.zeros((3, 12))
    GT[0, 2] = eta / ln
    GT[0, 3] = e12 / 2
    GT[0, 4] = -e11 / 2
    GT[0, 8] = -eta / ln
    GT[0, 9] = e22 / 2
    GT[0, 10] = -e21 / 2
    GT[1, 2] = 1.0 / ln
    GT[1, 8] = -1.0 / ln
    GT[2, 1] = -1.0 / ln
    GT[2, 7] = 1.0 / ln
    P = np.zeros((6, 12))
    for i in range(3):
        P[i, 3 + i] = 1.0
        P[3 + i, 9 + i] = 1.0
    for i in range(3):
        for j in range(12):
            P[i, j] -= GT[i, j]
            P[3 + i, j] -= GT[i, j]
    Bg = np.zeros((7, 12))
    for i in range(3):
        Bg[0, i] = -r1[i]
        Bg[0, 6 + i] = r1[i]
    for k in range(4):   # P E^T: local 3-blocks times R_r^T
        Bg[1:7, 3 * k:3 * k + 3] = mmt(P[:, 3 * k:3 * k + 3], Rr)
    fe[:] = mtv(Bg, fa)
    msum = fa[1:4] + fa[4:7]
    scale[0] = abs(fa[0]) + math.sqrt(msum[0] ** 2 + msum[1] ** 2 + msum[2] ** 2) / ln + big_n
    scale[1] = math.sqrt(fa[1] ** 2 + fa[2] ** 2 + fa[3] ** 2) \
        + math.sqrt(fa[4] ** 2 + fa[5] ** 2 + fa[6] ** 2) + big_m + abs(tors)
    if not want_K:
        return status
    # ---------------------------------------------------------------- tangent
    Ka = btdb(Ba, Kl)
    Ka[1:4, 1:4] += kh(t1, fl[1:4].copy())
    Ka[4:7, 4:7] += kh(t2, fl[4:7].copy())
    K = btdb(Bg, Ka)
    N = fa[0]
    m = fa[1:7].copy()
    # axial: N dr/dp
    D = (np.eye(3) - np.outer(r1, r1)) / ln
    for i in range(3):
        for j in range(3):
            K[i, j] += N * D[i, j]
            K[i, 6 + j] -= N * D[i, j]
            K[6 + i, j] -= N * D[i, j]
            K[6 + i, 6 + j] += N * D[i, j]
    # local-local part X (wrapped as E X E^T) and the local-global part Y (wrapped E Y)
    v = mtv(P, m)
    X = np.zeros((12, 12))
    Q = np.zeros((12, 3))
    for k in range(4):
        Q[3 * k:3 * k + 3, :] = skew(v[3 * k:3 * k + 3].copy())
    X -= mm(Q, GT)                                    # frame spin: -E Q G^T E^T
    M = m[0:3] + m[3:6]
    # variation of G through l_n: + E (M1 eta g2 + M2 g2 + M3 g3) r^T / l_n
    yv = (M[0] * eta + M[1]) * GT[1, :] + M[2] * GT[2, :]
    # variation of G through eta and eta_ij: - E M1 [...] E^T
    e1v = np.array([1.0, 0.0, 0.0])
    e2v = np.array([0.0, 1.0, 0.0])
    zero = np.zeros(3)
    h = np.zeros((5, 12))   # eta, eta11, eta12, eta21, eta22
    for kk in range(5):
        if kk == 0:
            ga, gb = _grad_ratio(a, b, 0.5 * e1v, 0.5 * e1v, qm2, eta)
        elif kk == 1:
            ga, gb = _grad_ratio(a, b, e1v, zero, qm2, e11)
        elif kk == 2:
            ga, gb = _grad_ratio(a, b, e2v, zero, qm2, e12)
        elif kk == 3:
            ga, gb = _grad_ratio(a, b, zero, e1v, qm2, e21)
        else:
            ga, gb = _grad_ratio(a, b, zero, e2v, qm2, e22)
        gr = -(ga + gb)
        hv = mtv(GT, gr)
        for i in range(3):
            hv[3 + i] += ga[i]
            hv[9 + i] += gb[i]
        h[kk] = hv
    c1 = M[0]
    for j in range(12):
        X[2, j] -= c1 * h[0, j] / ln
        X[8, j] += c1 * h[0, j] / ln
        X[3, j] -= c1 * 0.5 * h[2, j]      # eta12 at position 3
        X[4, j] += c1 * 0.5 * h[1, j]      # -eta11 at position 4
        X[9, j] -= c1 * 0.5 * h[4, j]      # eta22 at position 9
        X[10, j] += c1 * 0.5 * h[3, j]     # -eta21 at position 10
    # wrap: E X E^T (block-wise) and E yv r^T
    for I in range(4):
        for J in range(4):
            blk = mmt(mm(Rr, X[3 * I:3 * I + 3, 3 * J:3 * J + 3]), Rr)
            K[3 * I:3 * I + 3, 3 * J:3 * J + 3] += blk
    Ey = np.empty(12)
    for I in range(4):
        Ey[3 * I:3 * I + 3] = mv(Rr, yv[3 * I:3 * I + 3])
    for i in range(12):
        for j in range(3):
            K[i, j] -= Ey[i] * r1[j] / ln
            K[i, 6 + j] += Ey[i] * r1[j] / ln
    if symmetric:
        Ke[:, :] = 0.5 * (K + K.T)
    else:
        Ke[:, :] = K
    return status


@njit(**JIT_PARALLEL)
def elements(x, U, conn_local, R0, L0, xi, wg, fy, fz, fA, GJ, E, eth, curve_e, curve_s, plastic,
             ep0, a0, want_K, symmetric, fe, Ke, ep1, a1, sig, sec, scale, status):
    """All elements. x (n_nodes, 3) current positions and U (n_nodes, 3, 3) rotations of the
    group's nodes; conn_local (n_el, 2) into them; R0 (n_el, 3, 3); L0, GJ (n_el,); E, eth
    (n_el, n_gp); state (n_el, n_gp, n_f). Outputs fe (n_el, 12), Ke (n_el, 12, 12), ep1,
    a1, sig, sec (n_el, n_gp, 4), scale (n_el, 2), status (n_el,)."""
    for e in prange(conn_local.shape[0]):
        i = conn_local[e, 0]
        j = conn_local[e, 1]
        status[e] = element(x[i], x[j], U[i], U[j], R0[e], L0[e], xi, wg, fy, fz, fA, GJ[e],
                            E[e], eth[e], curve_e, curve_s, plastic, ep0[e], a0[e], want_K,
                            symmetric, fe[e], Ke[e], ep1[e], a1[e], sig[e], sec[e], scale[e])

"""2D corotational beam element (Crisfield 1991, ch. 7; Battini 2002, paper I).

Two nodes with dofs (ux, uy, rz). The element's rigid motion is taken out exactly: with the
current chord x21 = x2 - x1 of length l_n and angle beta, and the initial angle beta0,

    u_bar = l_n - L0,   theta_bar_i = theta_i - (beta - beta0)   (wrapped to (-pi, pi])

are the local (deformational) displacements. The local element is a linear Euler-Bernoulli
beam: eps0 = u_bar / L0 (constant), curvature kappa(xi) = [(6 xi - 4) theta_bar_1 +
(6 xi - 2) theta_bar_2] / L0 (Hermite), integrated at Gauss points along the element with the
fibre section at each (solver.structural.section). Local forces f_l = (N, M1, M2) and tangent
K_l follow from the section forces and the consistent section tangent; the global ones from

    f = B^T f_l,   K = B^T K_l B + z z^T N / l_n + (r z^T + z r^T) (M1 + M2) / l_n^2

with r = (-c, -s, 0, c, s, 0), z = (s, -c, 0, -s, c, 0), c = cos beta, s = sin beta
(Battini 2002, eq. 17-20). Rotations in 2D add, so the tangent is exact and symmetric.
"""

import math

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL
from .linalg import btdb
from .section import section_response


@njit(**JIT)
def local_state(X, ue, L0, beta0):
    """(c, s, l_n, u_bar, theta_bar_1, theta_bar_2) of one element.

    X : (2, 2) initial node coordinates; ue : (6,) element dofs
    """
    dx = X[1, 0] + ue[3] - X[0, 0] - ue[0]
    dy = X[1, 1] + ue[4] - X[0, 1] - ue[1]
    ln = math.sqrt(dx * dx + dy * dy)
    c = dx / ln
    s = dy / ln
    a1 = beta0 + ue[2]
    a2 = beta0 + ue[5]
    tb1 = math.atan2(c * math.sin(a1) - s * math.cos(a1), c * math.cos(a1) + s * math.sin(a1))
    tb2 = math.atan2(c * math.sin(a2) - s * math.cos(a2), c * math.cos(a2) + s * math.sin(a2))
    ubar = (ln * ln - L0 * L0) / (ln + L0)
    return c, s, ln, ubar, tb1, tb2


@njit(**JIT)
def element(X, ue, L0, beta0, xi, wg, fy, fz, fA, E, eth, curve_e, curve_s, plastic, ep0, a0,
            want_K, fe, Ke, ep1, a1, sig, sec, scale):
    """Force fe (6,) and tangent Ke (6, 6) of one element; fills the trial fibre state ep1, a1,
    the fibre stresses sig (n_gp, n_f), the section forces sec (n_gp, 2) = (N, M) and the
    force scale (2,) = (|N| + |M1 + M2| / l_n + sum A |sigma|, |M1| + |M2| + sum A |sigma y|)
    of its translations and rotations (for the convergence measure: the forces the element
    carries, not only its resultant).

    E, eth : (n_gp,) modulus (MPa) and free thermal strain at the Gauss points xi (on [0, 1],
    weights wg). Returns a status (1: a fibre update failed).
    """
    c, s, ln, ubar, tb1, tb2 = local_state(X, ue, L0, beta0)
    eps0 = ubar / L0
    fl = np.zeros(3)
    Kl = np.zeros((3, 3))
    S3 = np.empty(3)
    D3 = np.empty((3, 3))
    sabs = np.empty(2)
    big_n = 0.0
    big_m = 0.0
    status = 0
    for g in range(len(xi)):
        b1 = (6.0 * xi[g] - 4.0) / L0
        b2 = (6.0 * xi[g] - 2.0) / L0
        kz = b1 * tb1 + b2 * tb2
        st = section_response(eps0, kz, 0.0, E[g], eth[g], fy, fz, fA, ep0[g], a0[g], curve_e,
                              curve_s, plastic, S3, D3, ep1[g], a1[g], sig[g], sabs)
        status = max(status, st)
        big_n = max(big_n, sabs[0])
        big_m = max(big_m, sabs[1])
        sec[g, 0] = S3[0]
        sec[g, 1] = S3[1]
        w = wg[g] * L0
        # local strain rows: eps0 = u_bar / L0; kappa = b1 tb1 + b2 tb2
        bl0 = 1.0 / L0
        fl[0] += w * bl0 * S3[0]
        fl[1] += w * b1 * S3[1]
        fl[2] += w * b2 * S3[1]
        if want_K:
            Kl[0, 0] += w * bl0 * bl0 * D3[0, 0]
            Kl[0, 1] += w * bl0 * b1 * D3[0, 1]
            Kl[0, 2] += w * bl0 * b2 * D3[0, 1]
            Kl[1, 1] += w * b1 * b1 * D3[1, 1]
            Kl[1, 2] += w * b1 * b2 * D3[1, 1]
            Kl[2, 2] += w * b2 * b2 * D3[1, 1]
    Kl[1, 0] = Kl[0, 1]
    Kl[2, 0] = Kl[0, 2]
    Kl[2, 1] = Kl[1, 2]
    B = np.zeros((3, 6))
    B[0, 0] = -c
    B[0, 1] = -s
    B[0, 3] = c
    B[0, 4] = s
    for row in range(1, 3):
        col = 2 if row == 1 else 5
        B[row, 0] = -s / ln
        B[row, 1] = c / ln
        B[row, 3] = s / ln
        B[row, 4] = -c / ln
        B[row, col] = 1.0
    for i in range(6):
        fe[i] = B[0, i] * fl[0] + B[1, i] * fl[1] + B[2, i] * fl[2]
    scale[0] = abs(fl[0]) + abs(fl[1] + fl[2]) / ln + big_n
    scale[1] = abs(fl[1]) + abs(fl[2]) + big_m
    if want_K:
        r = np.array([-c, -s, 0.0, c, s, 0.0])
        z = np.array([s, -c, 0.0, -s, c, 0.0])
        K = btdb(B, Kl)
        msum = (fl[1] + fl[2]) / (ln * ln)
        for i in range(6):
            for j in range(6):
                K[i, j] += z[i] * z[j] * fl[0] / ln + (r[i] * z[j] + z[i] * r[j]) * msum
        Ke[:, :] = K
    return status


@njit(**JIT_PARALLEL)
def elements(X, ue, L0, beta0, xi, wg, fy, fz, fA, E, eth, curve_e, curve_s, plastic, ep0, a0,
             want_K, fe, Ke, ep1, a1, sig, sec, scale, status):
    """All elements: X (n_el, 2, 2), ue (n_el, 6), L0, beta0 (n_el,), E, eth (n_el, n_gp),
    state ep0, a0 (n_el, n_gp, n_f); outputs fe (n_el, 6), Ke (n_el, 6, 6), ep1, a1, sig
    (n_el, n_gp, n_f), sec (n_el, n_gp, 2), scale (n_el, 2), status (n_el,)."""
    for e in prange(X.shape[0]):
        status[e] = element(X[e], ue[e], L0[e], beta0[e], xi, wg, fy, fz, fA, E[e], eth[e],
                            curve_e, curve_s, plastic, ep0[e], a0[e], want_K, fe[e], Ke[e],
                            ep1[e], a1[e], sig[e], sec[e], scale[e])

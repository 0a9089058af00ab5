"""Rotation tie between a beam node and the continuum elements around it (penalty).

The beam node's rotation U (2D: the angle theta) is tied to the polar rotation R of the
continuum's deformation gradient F at that node through the skew part of U^T F, the drilling
constraint of Hughes & Brezzi (1989): with F = R V (V symmetric), U^T F is symmetric exactly
when U = R, so

    psi = axial(skew(U^T F)) = 0    <=>    U = polar rotation of F

(for U within 90 degrees of R), for any stretch V: the tie stiffens no stretching or thermal
expansion of the continuum, and a rigid rotation of the body turns the tied beam end with it
without stress. Energy per (tied node, adjacent continuum element) pair:
Pi = k/2 |psi|^2, F evaluated at the node with the element's own shape functions,
F = I + sum_a u_a (x) dN_a/dX. In 2D psi = (cos th (F21 - F12) - sin th (F11 + F22)) / 2
= |F|* sin(phi - th) / 2-ish, with phi the continuum's rotation angle.

Forces are exact derivatives of Pi. The tangent is exact (2D) or the exact spin tangent
symmetrised (3D; its skew part is the Lie-bracket term of the spin variables, see beam3d.py).
Element dof order: rotations of the beam node first (1 or 3), then ux, uy(, uz) of every
node of the continuum element.
"""

import math

import numpy as np
from numba import njit

from ..config import JIT
from .linalg import mm, mtm
from .rotation import skew


@njit(**JIT)
def tie2d(theta, G, ue, k, f, K):
    """One 2D tie: theta (beam node angle), G (n_en, 2) dN/dX at the node, ue (n_en, 2)
    element displacements, k (N mm) penalty. Fills f (1 + 2 n_en,), K (square); returns psi."""
    n = G.shape[0]
    F11 = 1.0
    F12 = 0.0
    F21 = 0.0
    F22 = 1.0
    for a in range(n):
        F11 += ue[a, 0] * G[a, 0]
        F12 += ue[a, 0] * G[a, 1]
        F21 += ue[a, 1] * G[a, 0]
        F22 += ue[a, 1] * G[a, 1]
    c = math.cos(theta)
    s = math.sin(theta)
    sa = F11 + F22
    sb = F21 - F12
    psi = 0.5 * (c * sb - s * sa)
    nd = 1 + 2 * n
    J = np.zeros(nd)
    H = np.zeros((nd, nd))
    J[0] = 0.5 * (-s * sb - c * sa)
    H[0, 0] = -psi
    for a in range(n):
        J[1 + 2 * a] = 0.5 * (-c * G[a, 1] - s * G[a, 0])
        J[2 + 2 * a] = 0.5 * (c * G[a, 0] - s * G[a, 1])
        H[0, 1 + 2 * a] = 0.5 * (s * G[a, 1] - c * G[a, 0])
        H[0, 2 + 2 * a] = 0.5 * (-s * G[a, 0] - c * G[a, 1])
        H[1 + 2 * a, 0] = H[0, 1 + 2 * a]
        H[2 + 2 * a, 0] = H[0, 2 + 2 * a]
    for i in range(nd):
        f[i] = k * psi * J[i]
        for j in range(nd):
            K[i, j] = k * (J[i] * J[j] + psi * H[i, j])
    return psi


@njit(**JIT)
def _axial_skew(A):
    out = np.empty(3)
    out[0] = 0.5 * (A[2, 1] - A[1, 2])
    out[1] = 0.5 * (A[0, 2] - A[2, 0])
    out[2] = 0.5 * (A[1, 0] - A[0, 1])
    return out


@njit(**JIT)
def tie3d(U, G, ue, k, symmetric, f, K):
    """One 3D tie: U (3, 3) beam node rotation, G (n_en, 3), ue (n_en, 3), k (N mm).
    Fills f (3 + 3 n_en,) (rotation part conjugate to spins) and K; returns |psi|."""
    n = G.shape[0]
    F = np.eye(3)
    for a in range(n):
        for i in range(3):
            for j in range(3):
                F[i, j] += ue[a, i] * G[a, j]
    psi = _axial_skew(mtm(U, F))
    nd = 3 + 3 * n
    J = np.zeros((3, nd))
    Sm = np.zeros((3, 3, 3))
    for m in range(3):
        e = np.zeros(3)
        e[m] = 1.0
        Sm[m] = skew(e)
        J[:, m] = _axial_skew(-mm(mtm(U, Sm[m]), F))
    for a in range(n):
        for kk in range(3):
            Ek = np.zeros((3, 3))
            for j in range(3):
                Ek[kk, j] = G[a, j]
            J[:, 3 + 3 * a + kk] = _axial_skew(mtm(U, Ek))
    for i in range(nd):
        f[i] = k * (psi[0] * J[0, i] + psi[1] * J[1, i] + psi[2] * J[2, i])
        for j in range(nd):
            K[i, j] = k * (J[0, i] * J[0, j] + J[1, i] * J[1, j] + J[2, i] * J[2, j])
    # second-derivative terms, contracted with psi
    for m in range(3):
        for nn in range(3):
            hv = _axial_skew(mm(mtm(U, Sm[nn]), mm(Sm[m], F)))   # d/dw_n of J[:, m]
            K[m, nn] += k * (psi[0] * hv[0] + psi[1] * hv[1] + psi[2] * hv[2])
        for a in range(n):
            for kk in range(3):
                Ek = np.zeros((3, 3))
                for j in range(3):
                    Ek[kk, j] = G[a, j]
                hv = _axial_skew(-mm(mtm(U, Sm[m]), Ek))
                v = k * (psi[0] * hv[0] + psi[1] * hv[1] + psi[2] * hv[2])
                K[m, 3 + 3 * a + kk] += v
                K[3 + 3 * a + kk, m] += v
    if symmetric:
        for i in range(3):
            for j in range(i + 1, 3):
                s = 0.5 * (K[i, j] + K[j, i])
                K[i, j] = s
                K[j, i] = s
    return math.sqrt(psi[0] ** 2 + psi[1] ** 2 + psi[2] ** 2)

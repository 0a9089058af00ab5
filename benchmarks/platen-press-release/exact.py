"""Exact homogeneous uniaxial-stress states of a block between frictionless platens,
independent of solver/.

The strain energies (per reference volume) of the two models used by the cases:

    neo-Hookean:               W = mu/2 (J^(-2/3) tr C - 3) + K/2 (J - 1)^2
    St. Venant-Kirchhoff:      W = 1/2 E : D : E,  E = (C - 1)/2   (pkgfem's finite-strain
                               form of "linear-elastic")

Cauchy stress sigma = (dW/dF) F^T / J with dW/dF by complex-step differentiation (exact to
round-off). Uniaxial stress along y (axis 1): F = diag(l, lam, l) in 3D and axisymmetry
(r, z, hoop), diag(l, lam, 1) in plane strain, with l from sigma_xx(l) = 0 (Brent).
"""

import numpy as np
from scipy.optimize import brentq

H = 1e-30


def neo_hookean(mu, K):
    def W(F):
        J = _det(F)
        return 0.5 * mu * (J ** (-2.0 / 3.0) * np.trace(F.T @ F) - 3.0) + 0.5 * K * (J - 1.0) ** 2
    return W


def svk(E, nu):
    lam = E * nu / ((1 + nu) * (1 - 2 * nu))
    mu = E / (2 * (1 + nu))

    def W(F):
        Eg = 0.5 * (F.T @ F - np.eye(3))
        return 0.5 * lam * np.trace(Eg) ** 2 + mu * np.trace(Eg @ Eg)
    return W


def _det(F):
    return (F[0, 0] * (F[1, 1] * F[2, 2] - F[1, 2] * F[2, 1])
            - F[0, 1] * (F[1, 0] * F[2, 2] - F[1, 2] * F[2, 0])
            + F[0, 2] * (F[1, 0] * F[2, 1] - F[1, 1] * F[2, 0]))


def cauchy(W, F):
    P = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            Fc = np.array(F, dtype=complex)
            Fc[i, j] += 1j * H
            P[i, j] = W(Fc).imag / H
    return P @ F.T / np.linalg.det(F)


def uniaxial(W, stretch, plane_strain):
    """(lateral stretch l, sigma_yy MPa) of uniaxial stress with stretch ``stretch`` along y."""
    def F_of(l):
        return np.diag([l, stretch, 1.0 if plane_strain else l])

    l = brentq(lambda l: cauchy(W, F_of(l))[0, 0], 0.5, 2.0, xtol=1e-15, rtol=1e-15)
    return l, cauchy(W, F_of(l))[1, 1]


def platen_force(W, stretch, formulation, size):
    """Compressive platen force (N) of a block whose reference cross-section is ``size``:
    plane strain (length, thickness), 3d (length, width), axisymmetric (radius,).
    Returns (force, lateral stretch)."""
    l, syy = uniaxial(W, stretch, formulation == "plane-strain")
    if formulation == "plane-strain":
        area = l * size[0] * size[1]
    elif formulation == "3d":
        area = l * size[0] * l * size[1]
    else:
        area = np.pi * (l * size[0]) ** 2
    return -syy * area, l

"""Exact homogeneous finite-strain states of the hyperelastic models, independent of solver/.

Only the strain energy is written down; stresses come from it by complex-step
differentiation (P_iJ = Im W(F + i h e_i (x) E_J) / h, h = 1e-30: exact to round-off, no
truncation error), and the unknown stretches of partly free states from a bracketed scalar
root (Brent) or a Newton solve of the same stress to |residual| < 1e-13 mu.

Strain energies (per reference volume; the models' documented forms, Abaqus conventions):

    Mooney-Rivlin / neo-Hookean:  W = C10 (I1b - 3) + C01 (I2b - 3) + K/2 (J/Jth - 1)^2
    two-network (q, G given):     W = (1 - q) C10 (I1b - 3) + C10 tr(Fb G Fb^T) + K/2 (J/Jth - 1)^2
    St. Venant-Kirchhoff:         W = 1/2 (E - eth) : C : (E - eth),  E = (F^T F - 1)/2

with I1b = J^(-2/3) tr C, I2b = J^(-4/3) (tr(C)^2 - tr(C^2))/2, Fb = J^(-1/3) F, neo-Hookean
C10 = mu/2, C01 = 0, and Jth = (1 + eth)^3 the free thermal volume ratio.

Cauchy stress sigma = P F^T / J. Axes: x = 0, y = 1, z = 2 (axisymmetric: r, z, hoop).
"""

import numpy as np
from scipy.optimize import brentq

H = 1e-30


def det3(F):
    return (F[0, 0] * (F[1, 1] * F[2, 2] - F[1, 2] * F[2, 1])
            - F[0, 1] * (F[1, 0] * F[2, 2] - F[1, 2] * F[2, 0])
            + F[0, 2] * (F[1, 0] * F[2, 1] - F[1, 1] * F[2, 0]))


def energy_mooney_rivlin(C10, C01, K, Jth=1.0):
    """W(F) of Mooney-Rivlin (neo-Hookean: C01 = 0); complex-safe."""
    def W(F):
        J = det3(F)
        C = F.T @ F
        I1 = C[0, 0] + C[1, 1] + C[2, 2]
        I2 = 0.5 * (I1 * I1 - np.trace(C @ C))
        return (C10 * (J ** (-2.0 / 3.0) * I1 - 3.0) + C01 * (J ** (-4.0 / 3.0) * I2 - 3.0)
                + 0.5 * K * (J / Jth - 1.0) ** 2)
    return W


def energy_neo_hookean(mu, K, Jth=1.0):
    return energy_mooney_rivlin(0.5 * mu, 0.0, K, Jth)


def energy_two_network(mu, K, q, G, Jth=1.0, volumetric=True):
    """W(F) of the two-network model with re-formed fraction q and formation metric G."""
    C10 = 0.5 * mu

    def W(F):
        J = det3(F)
        Fb = J ** (-1.0 / 3.0) * F
        I1b = np.trace(Fb.T @ Fb)
        w = (1.0 - q) * C10 * (I1b - 3.0) + C10 * np.trace(Fb @ G @ Fb.T)
        if volumetric:
            w = w + 0.5 * K * (J / Jth - 1.0) ** 2
        return w
    return W


def energy_svk(D, eth):
    """W(F) = 1/2 (E - eth) : C : (E - eth) with D (6, 6) in engineering Voigt (xx yy zz xy
    yz xz) and eth (6,) the free thermal strain."""
    pairs = ((0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2))

    def W(F):
        E = 0.5 * (F.T @ F - np.eye(3))
        e = np.array([E[i, j] * (1.0 if k < 3 else 2.0) for k, (i, j) in enumerate(pairs)])
        e = e - eth
        return 0.5 * e @ D @ e
    return W


def first_piola(W, F):
    """P = dW/dF (3, 3) by complex step."""
    P = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            Fc = np.array(F, dtype=complex)
            Fc[i, j] += 1j * H
            P[i, j] = W(Fc).imag / H
    return P


def cauchy(W, F):
    """Cauchy stress (3, 3) at deformation gradient F."""
    F = np.asarray(F, dtype=float)
    return first_piola(W, F) @ F.T / np.linalg.det(F)


def voigt(s):
    """(3, 3) -> [xx, yy, zz, xy, yz, xz] (tensor components, the solver's output order)."""
    return np.array([s[0, 0], s[1, 1], s[2, 2], s[0, 1], s[1, 2], s[0, 2]])


# ---------------------------------------------------------------------------- states
def uniaxial(W, stretch, axis=1, plane_strain=False, bracket=(0.2, 5.0)):
    """Unconfined (uniaxial-stress) state: stretch along ``axis``, the lateral stretch l from
    sigma_lateral = 0 (Brent). 3D and axisymmetric: both lateral stretches l (the hoop
    stretch equals the radial one in a homogeneous cylinder); plane strain: F33 = 1.
    Returns (F, sigma)."""
    others = [a for a in range(3) if a != axis]
    free = others[:1] if plane_strain else others
    lat = others[0]

    def F_of(l):
        F = np.eye(3)
        F[axis, axis] = stretch
        for a in free:
            F[a, a] = l
        return F

    l = brentq(lambda l: cauchy(W, F_of(l))[lat, lat], *bracket, xtol=1e-15, rtol=1e-15,
               maxiter=200)
    F = F_of(l)
    return F, cauchy(W, F)


def confined(W, stretch, axis=1):
    """Confined (uniaxial-strain) state: F = 1 + (stretch - 1) e_axis (x) e_axis."""
    F = np.eye(3)
    F[axis, axis] = stretch
    return F, cauchy(W, F)


def simple_shear(W, gamma):
    """Simple shear with every displacement prescribed: F = 1 + gamma e_x (x) e_y (J = 1)."""
    F = np.eye(3)
    F[0, 1] = gamma
    return F, cauchy(W, F)


def simple_shear_free_normal(W, gamma, bracket=(0.5, 2.0)):
    """Plane-strain simple shear with the normal (y) stretch l free: F = [[1, gamma, 0],
    [0, l, 0], [0, 0, 1]], l from sigma_yy = 0 (Brent). Returns (F, sigma, P)."""
    def F_of(l):
        return np.array([[1.0, gamma, 0.0], [0.0, l, 0.0], [0.0, 0.0, 1.0]])

    l = brentq(lambda l: cauchy(W, F_of(l))[1, 1], *bracket, xtol=1e-15, rtol=1e-15,
               maxiter=200)
    F = F_of(l)
    return F, cauchy(W, F), first_piola(W, F)


# ---------------------------------------------------------------------------- two-network
def _diag_state(axis, axial, lateral):
    F = np.eye(3)
    F[axis, axis] = axial
    for a in range(3):
        if a != axis:
            F[a, a] = lateral
    return F


def _lateral_free(W, axis, axial, bracket=(0.3, 3.0)):
    """Lateral stretch of a homogeneous unconfined state with the axial stretch given."""
    lat = [a for a in range(3) if a != axis][0]
    return brentq(lambda l: cauchy(W, _diag_state(axis, axial, l))[lat, lat], *bracket,
                  xtol=1e-15, rtol=1e-15, maxiter=200)


def two_network_hold(mu, K, held_stretch, q_end, axis=1, steps=200):
    """Formation metric G after holding a homogeneous unconfined specimen at the axial stretch
    ``held_stretch`` while the re-formed fraction grows from 0 to ``q_end``.

    The lateral stretch l follows from sigma_lateral = 0 at every instant (it drifts by
    O(q mu/K) as the original network's share falls); dG/dq = C_b^-1(F(q)) is integrated
    with the classical Runge-Kutta scheme in q (``steps`` steps; error O(steps^-4)).
    Returns (G (3, 3), lateral stretch at the end)."""
    def rate(q, G):
        W = energy_two_network(mu, K, q, G)
        F = _diag_state(axis, held_stretch, _lateral_free(W, axis, held_stretch))
        Fb = np.linalg.det(F) ** (-1.0 / 3.0) * F
        return np.linalg.inv(Fb.T @ Fb)

    G = np.zeros((3, 3))
    h = q_end / steps
    q = 0.0
    for _ in range(steps):
        k1 = rate(q, G)
        k2 = rate(q + h / 2, G + h / 2 * k1)
        k3 = rate(q + h / 2, G + h / 2 * k2)
        k4 = rate(q + h, G + h * k3)
        G = G + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        q += h
    W = energy_two_network(mu, K, q_end, G)
    return G, _lateral_free(W, axis, held_stretch)


def two_network_release(mu, K, q, G, axis=1, bracket=(0.3, 1.2)):
    """Traction-free homogeneous state of a two-network specimen with fraction q and
    formation metric G (diagonal, axisymmetric about ``axis``): sigma = 0, solved by nested
    Brent (the lateral stretch for a given axial one, then the axial one).
    Returns (axial stretch, lateral stretch)."""
    W = energy_two_network(mu, K, q, G)
    lam = brentq(lambda lam: cauchy(W, _diag_state(axis, lam, _lateral_free(W, axis, lam)))
                 [axis, axis], *bracket, xtol=1e-15, rtol=1e-15, maxiter=200)
    return lam, _lateral_free(W, axis, lam)


def two_network_recovery(mu, K, held_stretch, q, axis=1, steps=200):
    """Recovered (axial, lateral) stretch of the compressible two-network model after a hold
    at ``held_stretch`` that re-formed the fraction q, released at once (homogeneous)."""
    G, _ = two_network_hold(mu, K, held_stretch, q, axis, steps)
    return two_network_release(mu, K, q, G, axis)


def recovered_stretch_incompressible(held_stretch, q):
    """Closed form of the two-network theory with incompressible neo-Hookean networks:
    the recovered stretch lam solves

        (1 - q) (lam - lam^-2) + q (lam/lh - (lam/lh)^-2) / lh = 0,   lh = held stretch,

    i.e. zero axial force of the original network (fraction 1 - q, stress free at lam = 1)
    plus the re-formed one (fraction q, stress free at lam = lh). lam lies in (lh, 1)."""
    lh = held_stretch

    def f(lam):
        return (1 - q) * (lam - lam ** -2) + q * (lam / lh - (lam / lh) ** -2) / lh
    if q <= 0.0:
        return 1.0
    if q >= 1.0:
        return lh
    return brentq(f, lh, 1.0, xtol=1e-15, rtol=1e-15, maxiter=200)


def fraction_from_recovery(held_stretch, lam):
    """Inverse of recovered_stretch_incompressible: the re-formed fraction q that leaves the
    specimen at stretch lam after release (linear in q):

        q = a / (a - b),  a = lam - lam^-2,  b = (lam/lh - (lam/lh)^-2) / lh."""
    lh = held_stretch
    a = lam - lam ** -2
    b = (lam / lh - (lam / lh) ** -2) / lh
    return a / (a - b)

"""Bilinear mixed-mode traction-separation law with irreversible damage.

The law of Camanho and Davila [1] (NASA/TM-2002-211737; J. Compos. Mater. 37 (2003) 1415):
one penalty stiffness K for every mode, a scalar damage d, a quadratic onset criterion and the
Benzeggagh-Kenane (BK) propagation criterion [2]. With the opening vector Delta (mm; side minus
opposite) split at the interface normal n into the normal opening dn = Delta . n and the sliding
vector s_v = Delta - dn n (s = |s_v|):

    effective opening   lam = sqrt(<dn>^2 + s^2)                 (<x> = max(x, 0))
    mixity              B = s^2 / lam^2                           (0 mode I, 1 mode II)
    onset opening       d0 = dn0 ds0 lam / sqrt(<dn>^2 ds0^2 + s^2 dn0^2)
                        (quadratic criterion (tn/N)^2 + (ts/S)^2 = 1, dn0 = N/K, ds0 = S/K)
    toughness (BK)      Gc = GI + (GII - GI) B^eta
    final opening       df = 2 Gc / (K d0)
    damage              d = df (lam - d0) / (lam (df - d0)),  clipped to [0, 1] and never
                        smaller than the committed value (irreversible)
    traction            tau = (1 - d) K Delta + d K min(dn, 0) n

so a closed interface (dn < 0) always resists interpenetration with the undamaged penalty K,
whatever its damage. In pure mode I or II the law is the classical bilinear triangle with peak
traction N (or S) and area GI (or GII).

Viscous regularization (Gao and Bower [3]): the traction uses dv with
dv' = (d - dv) / viscosity, integrated implicitly over an increment of length dt:
dv = (dt d + viscosity dv_old) / (viscosity + dt) = phi d + (1 - phi) dv_old. It bounds the
rate of softening so that an increment that snaps back can still converge; the extra
dissipation vanishes as viscosity / (time to peel) -> 0.

The consistent tangent is returned as two matrices, A = d tau / d Delta (n held) and
B = d tau / d n (Delta held), so that element kernels can add the rotation of a corotational
normal. Both are exact (tests/test_interfaces.py checks them against finite differences).

[1] P.P. Camanho, C.G. Davila, Mixed-mode decohesion finite elements for the simulation of
    delamination in composite materials, NASA/TM-2002-211737 (2002).
[2] M.L. Benzeggagh, M. Kenane, Compos. Sci. Technol. 56 (1996) 439-449.
[3] Y.F. Gao, A.F. Bower, Modelling Simul. Mater. Sci. Eng. 12 (2004) 453-463.
"""

import math

import numpy as np
from numba import njit

from ..config import JIT

#: indices into the parameter array p
K, DN0, DS0, GI, GII, ETA = range(6)

#: damage at or above which a point counts as fully separated (peeled)
PEELED = 0.999


def parameters(strength, shear_strength, fracture_energy, shear_fracture_energy,
               bk_exponent, stiffness):
    """The law's parameter array p (6,): K (MPa/mm), dn0, ds0 (mm), GI, GII (N/mm), eta."""
    return np.array([stiffness, strength / stiffness, shear_strength / stiffness,
                     fracture_energy, shear_fracture_energy, bk_exponent], dtype=np.float64)


def default_stiffness(strength, shear_strength, fracture_energy, shear_fracture_energy):
    """Penalty stiffness (MPa/mm) whose onset opening is 1 % of the final opening in the
    stiffer-to-open mode: K = 50 max(N^2 / GI, S^2 / GII)."""
    return 50.0 * max(strength ** 2 / fracture_energy,
                      shear_strength ** 2 / shear_fracture_energy)


@njit(**JIT)
def damage_trial(a, s, p):
    """Damage implied by the opening (a = <dn>, s = |sliding|) and its partials d/da, d/ds."""
    lam2 = a * a + s * s
    if lam2 <= 0.0:
        return 0.0, 0.0, 0.0
    lam = math.sqrt(lam2)
    dn0 = p[DN0]
    ds0 = p[DS0]
    k = p[K]
    w2 = a * a * ds0 * ds0 + s * s * dn0 * dn0
    w = math.sqrt(w2)
    d0 = dn0 * ds0 * lam / w
    if lam <= d0:
        return 0.0, 0.0, 0.0
    B = s * s / lam2
    eta = p[ETA]
    Bp = B ** eta if B > 0.0 else 0.0
    gc = p[GI] + (p[GII] - p[GI]) * Bp
    df = 2.0 * gc / (k * d0)
    if lam >= df:
        return 1.0, 0.0, 0.0
    P = df * (lam - d0)
    Q = lam * (df - d0)
    d = P / Q
    # partial derivatives through lam, d0 (via w) and Gc (via B)
    dBp = eta * B ** (eta - 1.0) if B > 0.0 else 0.0
    out_a = 0.0
    out_s = 0.0
    for which in range(2):
        if which == 0:
            lam_x = a / lam
            w_x = a * ds0 * ds0 / w
            B_x = -2.0 * s * s * a / (lam2 * lam2)
        else:
            lam_x = s / lam
            w_x = s * dn0 * dn0 / w
            B_x = 2.0 * s * a * a / (lam2 * lam2)
        d0_x = dn0 * ds0 * (lam_x * w - lam * w_x) / w2
        gc_x = (p[GII] - p[GI]) * dBp * B_x
        df_x = 2.0 / k * (gc_x / d0 - gc * d0_x / (d0 * d0))
        P_x = df_x * (lam - d0) + df * (lam_x - d0_x)
        Q_x = lam_x * (df - d0) + lam * (df_x - d0_x)
        v = (P_x * Q - P * Q_x) / (Q * Q)
        if which == 0:
            out_a = v
        else:
            out_s = v
    return d, out_a, out_s


@njit(**JIT)
def traction(D, n, dim, p, d_old, dv_old, phi, tau, A, Bm, want_tangent):
    """Traction tau (dim,) MPa at opening D (dim,) mm across unit normal n (dim,).

    d_old, dv_old : committed damage (rate-independent) and regularized damage;
    phi = dt / (viscosity + dt) (1 without viscosity). Fills tau, and A = d tau/d D,
    Bm = d tau/d n (dim, dim) when want_tangent. Returns (d, dv) of this trial state.
    """
    dn = 0.0
    for i in range(dim):
        dn += D[i] * n[i]
    s2 = 0.0
    for i in range(dim):
        v = D[i] - dn * n[i]
        s2 += v * v
    s = math.sqrt(s2)
    a = dn if dn > 0.0 else 0.0
    dt_, dd_a, dd_s = damage_trial(a, s, p)
    loading = dt_ > d_old
    d = dt_ if loading else d_old
    dv = phi * d + (1.0 - phi) * dv_old
    k = p[K]
    H = 1.0 if dn < 0.0 else 0.0
    c = dn if dn < 0.0 else 0.0
    for i in range(dim):
        tau[i] = (1.0 - dv) * k * D[i] + dv * k * c * n[i]
    if not want_tangent:
        return d, dv
    # derivatives of the damage with respect to D (n held) and n (D held)
    gD = np.zeros(3)
    gn = np.zeros(3)
    if loading and phi > 0.0:
        for i in range(dim):
            es = (D[i] - dn * n[i]) / s if s > 0.0 else 0.0
            gD[i] = phi * (dd_a * (1.0 - H) * n[i] + dd_s * es)
            gn[i] = phi * (dd_a * (1.0 - H) * D[i] - dd_s * dn * es)
    for i in range(dim):
        r = D[i] - c * n[i]
        for j in range(dim):
            eye = 1.0 if i == j else 0.0
            A[i, j] = (1.0 - dv) * k * eye + dv * k * H * n[i] * n[j] - k * r * gD[j]
            Bm[i, j] = dv * k * (H * n[i] * D[j] + c * eye) - k * r * gn[j]
    return d, dv


def evaluate_point(D, n, p, d_old=0.0, dv_old=0.0, phi=1.0):
    """NumPy-facing wrapper: (tau, A, B, d, dv) at one point (for tests and plots)."""
    D = np.asarray(D, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    dim = len(D)
    tau = np.zeros(dim)
    A = np.zeros((dim, dim))
    B = np.zeros((dim, dim))
    d, dv = traction(D, n, dim, np.asarray(p, dtype=np.float64), float(d_old), float(dv_old),
                     float(phi), tau, A, B, True)
    return tau, A, B, d, dv

"""J2 elastoplasticity at finite strain with isotropic hardening (metals: leads, wires).

Multiplicative split F = F_e F_p (F_theta for thermal expansion), Hencky elasticity on the
logarithmic elastic strain, von Mises yield with isotropic hardening sigma_y(alpha_bar), the
return map in principal space (Simo 1992; de Souza Neto, Peric and Owen 2008, ch. 14). At small
strain it is the classical radial return. The state per point is C_p^-1 (3 x 3) and the
equivalent plastic strain alpha_bar.

Hardening: ``sigma_y`` (MPa) with ``hardening`` H (MPa, sigma_y + H alpha_bar) or
``tangent_modulus`` E_t (uniaxial slope after yield, H = E E_t / (E - E_t)), or a table
``yield_curve = { plastic_strain = [...], stress = [...] }`` (true stress vs equivalent plastic
strain, linear between points, the last slope continued).

The consistent spatial tangent follows from the principal algorithmic moduli a_AB through the
formula for isotropic functions of b_e^trial (Simo 1992, eq. 4.17), with the limit for equal
principal stretches.
"""

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL
from ..errors import InputError
from .elastic import ThermalExpansion, _check_keys, _require
from .properties import Property
from .tensor import add_geometric, inv3, matmul3, matmul3_t


@njit(**JIT)
def _yield(curve_e, curve_s, alpha):
    """sigma_y(alpha) and its slope from a piecewise-linear curve (last slope continued)."""
    n = len(curve_e)
    if n == 1:
        return curve_s[0], 0.0
    k = n - 2
    for i in range(n - 1):
        if alpha < curve_e[i + 1]:
            k = i
            break
    slope = (curve_s[k + 1] - curve_s[k]) / (curve_e[k + 1] - curve_e[k])
    return curve_s[k] + slope * (alpha - curve_e[k]), slope


@njit(**JIT)
def _j2_point(F, Cpi, alpha0, K, G, lntheta, curve_e, curve_s, with_volumetric, tau, a, Cpi1):
    """One point: Kirchhoff stress tau, total tangent a (9 x 9), updated C_p^-1; returns
    (alpha_bar, status); status 1 when the return map fails."""
    # 3 x 3 products written out: numba's BLAS-backed @ costs seconds of compile
    tmp = np.empty((3, 3))
    be = np.empty((3, 3))
    matmul3(F, Cpi, tmp)
    matmul3_t(tmp, F, be)
    x, v = np.linalg.eigh(be)
    for A in range(3):
        if x[A] <= 0.0:
            return alpha0, 1
    eps = 0.5 * np.log(x) - lntheta           # elastic log strain (thermal part removed)
    tr = eps[0] + eps[1] + eps[2]
    dev = eps - tr / 3.0
    s = 2.0 * G * dev                          # deviatoric principal Kirchhoff stress
    q = np.sqrt(1.5 * (s[0] ** 2 + s[1] ** 2 + s[2] ** 2))
    sy, H = _yield(curve_e, curve_s, alpha0)
    dgamma = 0.0
    alpha = alpha0
    if q - sy > 1e-12 * max(sy, 1.0):
        # radial return: q - 3 G dgamma - sigma_y(alpha0 + dgamma) = 0 (Newton)
        for _ in range(50):
            sy, H = _yield(curve_e, curve_s, alpha0 + dgamma)
            r = q - 3.0 * G * dgamma - sy
            dgamma += r / (3.0 * G + H)
            if abs(r) <= 1e-12 * max(sy, 1.0):
                break
        else:
            return alpha0, 1
        sy, H = _yield(curve_e, curve_s, alpha0 + dgamma)
        alpha = alpha0 + dgamma
    factor = 1.0 - 3.0 * G * dgamma / q if dgamma > 0.0 else 1.0
    s_new = factor * s
    eps_new = eps - dev * (1.0 - factor)       # plastic flow along dev (radial return)
    # principal Kirchhoff stress and algorithmic moduli d tau_A / d eps_B (trial log strain)
    vol = K * tr if with_volumetric else 0.0
    taup = s_new + vol
    D = np.empty((3, 3))
    for A in range(3):
        for B in range(3):
            D[A, B] = (K if with_volumetric else 0.0) + 2.0 * G * factor * ((A == B) - 1.0 / 3.0)
    if dgamma > 0.0:
        nhat = s / np.sqrt(s[0] ** 2 + s[1] ** 2 + s[2] ** 2)
        c = 6.0 * G * G * (dgamma / q - 1.0 / (3.0 * G + H))
        for A in range(3):
            for B in range(3):
                D[A, B] += c * nhat[A] * nhat[B]
    # spatial stress
    tau[:, :] = 0.0
    for A in range(3):
        for i in range(3):
            for j in range(3):
                tau[i, j] += taup[A] * v[i, A] * v[j, A]
    # spatial tangent (Lie derivative) from principal quantities
    a[:, :] = 0.0
    for A in range(3):
        for B in range(3):
            coef = D[A, B] - (2.0 * taup[A] if A == B else 0.0)
            for i in range(3):
                for j in range(3):
                    mA = v[i, A] * v[j, A]
                    if mA == 0.0:
                        continue
                    for k in range(3):
                        for l in range(3):
                            a[3 * i + j, 3 * k + l] += coef * mA * v[k, B] * v[l, B]
    for A in range(3):
        for B in range(3):
            if A == B:
                continue
            if abs(x[A] - x[B]) > 1e-10 * max(x[A], x[B]):
                cAB = (taup[B] * x[A] - taup[A] * x[B]) / (x[B] - x[A])
            else:
                cAB = 0.5 * (D[A, A] - D[A, B]) - taup[A]
            for i in range(3):
                for j in range(3):
                    mAB_ij = v[i, A] * v[j, B]
                    for k in range(3):
                        for l in range(3):
                            a[3 * i + j, 3 * k + l] += cAB * mAB_ij * (v[k, A] * v[l, B]
                                                                       + v[k, B] * v[l, A])
    add_geometric(tau, a)
    # updated plastic metric: b_e,n+1 = exp(2 (eps_e + ln theta)) in the trial eigenbasis
    be_new = np.zeros((3, 3))
    for A in range(3):
        lam2 = np.exp(2.0 * (eps_new[A] + lntheta))
        for i in range(3):
            for j in range(3):
                be_new[i, j] += lam2 * v[i, A] * v[j, A]
    Fi = np.empty((3, 3))
    inv3(F, Fi)
    matmul3(Fi, be_new, tmp)
    matmul3_t(tmp, Fi, Cpi1)
    return alpha, 0


@njit(**JIT_PARALLEL)
def j2_plastic(F, Cpi0, alpha0, K, G, lntheta, curve_e, curve_s, with_volumetric, tau, a,
               Cpi1, alpha1, status):
    """Batch of points: F (n, 3, 3), state Cpi0 (n, 3, 3), alpha0 (n,); outputs filled."""
    for p in prange(F.shape[0]):
        alpha1[p], status[p] = _j2_point(F[p], Cpi0[p], alpha0[p], K[p], G[p], lntheta[p],
                                         curve_e, curve_s, with_volumetric, tau[p], a[p],
                                         Cpi1[p])


class J2Plastic:
    """Finite-strain J2 plasticity (registry key ``j2-plastic``); see the module docstring.

    E : MPa, nu, alpha : 1/K, sigma_y : MPa with hardening H or tangent_modulus E_t (MPa), or
    yield_curve. State per point: C_p^-1 (9 values), equivalent plastic strain.
    """

    key = "j2-plastic"
    isotropic = True
    nonlinear = True
    split = True
    state_size = 10
    KEYS = {"E", "nu", "alpha", "alpha_tangent", "alpha_reference", "sigma_y", "hardening",
            "tangent_modulus", "yield_curve"}

    def __init__(self, name, E, nu, expansion, curve_e, curve_s, table):
        self.name, self.E, self.nu, self.expansion = name, E, nu, expansion
        self.curve_e, self.curve_s = curve_e, curve_s
        self._table = table

    @classmethod
    def from_table(cls, name, table, where):
        _check_keys(table, cls.KEYS, where)
        E = _require(table, "E", where, "Young's modulus, MPa")
        nu = _require(table, "nu", where, "Poisson's ratio")
        if E.min() <= 0 or nu.min() <= -1 or nu.max() >= 0.5:
            raise InputError(f"{where}: need E > 0 and -1 < nu < 0.5")
        given = [k for k in ("sigma_y", "yield_curve") if k in table]
        if len(given) != 1:
            raise InputError(f"{where}: give sigma_y (with hardening or tangent_modulus) or a "
                             "yield_curve table")
        if "yield_curve" in table:
            yc = table["yield_curve"]
            if not isinstance(yc, dict) or set(yc) != {"plastic_strain", "stress"}:
                raise InputError(f"{where}.yield_curve: a table {{ plastic_strain = [...], "
                                 "stress = [...] }}")
            ce = np.asarray(yc["plastic_strain"], dtype=float)
            cs = np.asarray(yc["stress"], dtype=float)
            if ce.shape != cs.shape or len(ce) < 1 or ce[0] != 0 or np.any(np.diff(ce) <= 0):
                raise InputError(f"{where}.yield_curve: plastic_strain must start at 0 and "
                                 "increase, one stress per strain")
        else:
            sy = table["sigma_y"]
            if isinstance(sy, bool) or not isinstance(sy, (int, float)) or sy <= 0:
                raise InputError(f"{where}.sigma_y: a positive yield stress, MPa")
            if "hardening" in table and "tangent_modulus" in table:
                raise InputError(f"{where}: give hardening or tangent_modulus, not both")
            H = float(table.get("hardening", 0.0))
            if "tangent_modulus" in table:
                Et = float(table["tangent_modulus"])
                E0 = E.max()
                if not 0 <= Et < E0:
                    raise InputError(f"{where}.tangent_modulus: must lie in [0, E)")
                H = E0 * Et / (E0 - Et)
            if H < 0:
                raise InputError(f"{where}.hardening: must not be negative")
            ce = np.array([0.0, 1.0])
            cs = np.array([float(sy), float(sy) + H])
        return cls(name, E, nu, ThermalExpansion.parse(table, where, 1), ce, cs, dict(table))

    def moduli(self, T):
        E = self.E(T)
        nu = self.nu(T)
        return E / (3 * (1 - 2 * nu)), E / (2 * (1 + nu))

    def shear_modulus(self, T):
        return self.moduli(T)[1]

    def nearly_incompressible(self, T):
        return False

    def initial_state(self, n):
        s = np.zeros((n, self.state_size))
        s[:, :9] = np.eye(3).ravel()
        return s

    def _lntheta(self, T, Tref):
        return np.log1p(self.expansion.strain(T, Tref)[..., 0])

    def update(self, F, T, Tref, dt, state, volumetric=True):
        n = len(F)
        K, G = self.moduli(T)
        tau = np.empty((n, 3, 3))
        a = np.empty((n, 9, 9))
        Cpi1 = np.empty((n, 3, 3))
        alpha1 = np.empty(n)
        status = np.zeros(n, dtype=np.int8)
        j2_plastic(F, state[:, :9].reshape(n, 3, 3).copy(), state[:, 9].copy(),
                   np.broadcast_to(K, (n,)).copy(), np.broadcast_to(G, (n,)).copy(),
                   np.broadcast_to(self._lntheta(T, Tref), (n,)).copy(), self.curve_e,
                   self.curve_s, volumetric, tau, a, Cpi1, alpha1, status)
        new = np.empty_like(state)
        new[:, :9] = Cpi1.reshape(n, 9)
        new[:, 9] = alpha1
        return tau, a, new, status

    def volumetric(self, J, T, Tref):
        """U = K/2 (ln J_m)^2: dU/dJ, d2U/dJ2 (MPa) with J_m = J / theta^3."""
        K, _ = self.moduli(T)
        lnJm = np.log(J) - 3.0 * self._lntheta(T, Tref)
        return K * lnJm / J, K * (1.0 - lnJm) / J ** 2

    # linear-analysis interface: the elastic part
    def lame(self, T, form):
        from ..formulation import PLANE_STRESS

        K, G = self.moduli(T)
        lam = K - 2 * G / 3
        if form == PLANE_STRESS:
            lam = 2 * lam * G / (lam + 2 * G)
        return lam, G

    def stiffness(self, T, form, R=None):
        from ..formulation import PLANE_STRESS
        from .voigt import isotropic_stiffness, plane_stress

        D = isotropic_stiffness(self.E(T), self.nu(T))
        return plane_stress(D) if form == PLANE_STRESS else D

    def thermal_strain(self, T, Tref, R=None):
        e = self.expansion.strain(T, Tref)[..., 0]
        out = np.zeros(np.shape(e) + (6,))
        out[..., :3] = e[..., None]
        return out

    def stress(self, eps, T, Tref, form, R=None):
        D = self.stiffness(T, form)
        return np.einsum("...ij,...j->...i", D, eps - self.thermal_strain(T, Tref))

    def to_json(self):
        return {"model": self.key, "E": self.E.to_json(), "nu": self.nu.to_json(),
                "yield_curve": {"plastic_strain": self.curve_e.tolist(),
                                "stress": self.curve_s.tolist()},
                **self.expansion.to_json()}


__all__ = ["J2Plastic", "Property"]

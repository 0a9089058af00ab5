"""Hyperelastic elastomers: Mooney-Rivlin (neo-Hookean when C01 = 0) and the two-network
compression-set model, with thermal expansion.

Strain energy per reference volume (Abaqus' forms):
    W = C10 (I1b - 3) + C01 (I2b - 3) + K/2 (J_m - 1)^2,   J_m = J / J_th
with I1b, I2b the invariants of the isochoric b_bar = J^-2/3 F F^T and J_th = (1 + eps_th)^3
the free thermal volume change (eps_th follows the material's CTE convention). The initial
shear modulus is mu = 2 (C10 + C01) and the bulk modulus K (Abaqus D1 = 2 / K).

Two-network model (compression set; Tobolsky's theory of networks re-formed in a deformed
state): while the elastomer is held at temperature, a fraction q of the original network
breaks and re-forms stress-free in the current configuration. With first-order kinetics
    dq/dt = k(T) (q_max - q),   k(T) = k_ref exp(-Q (1/T - 1/T_ref))   (T in K, Q = Ea / R)
and neo-Hookean networks, the energy is
    W = (1 - q) C10 (I1b - 3) + C10 (tr(F_b G F_b^T) - 3 q) + U(J_m),
    G = sum over formation increments of dq C_b^-1 (at formation),
so the state is (q, G): exact for any deformation history because the neo-Hookean energy is
linear in the formation metric.
"""

import numpy as np
from numba import njit, prange

from ..config import JIT, JIT_PARALLEL
from ..errors import InputError
from .elastic import METADATA, ThermalExpansion, _check_keys, _require
from .tensor import (CHUNK, add_geometric, add_isochoric_projection_terms, add_volumetric,
                     det3, inv3, matmul3, matmul3_t)

ZERO_CELSIUS = 273.15


@njit(**JIT)
def _isochoric_b(F, bbar):
    J = det3(F)
    matmul3_t(F, F, bbar)
    s = J ** (-2.0 / 3.0)
    for i in range(3):
        for j in range(3):
            bbar[i, j] *= s
    return J


@njit(**JIT)
def _mooney_rivlin_iso(bbar, C10, C01, tau, a, scale, b2, tiso):
    """Add scale * (isochoric Kirchhoff stress, its Lie-derivative tangent) to tau, a.

    b2, tiso : 3 x 3 scratch arrays.
    """
    I1 = bbar[0, 0] + bbar[1, 1] + bbar[2, 2]
    matmul3(bbar, bbar, b2)
    w1 = 2.0 * (C10 + I1 * C01)
    tr = 0.0
    for i in range(3):
        for j in range(3):
            tiso[i, j] = w1 * bbar[i, j] - 2.0 * C01 * b2[i, j]
        tr += tiso[i, i]
    for i in range(3):
        tiso[i, i] -= tr / 3.0
    for i in range(3):
        for j in range(3):
            tau[i, j] += scale * tiso[i, j]
    add_isochoric_projection_terms(tr, tiso, a, scale)
    if C01 != 0.0:
        # P : cbar : P with cbar = 4 C01 (b x b - I_b), written out with the projector:
        # cbar - (1 x X + X x 1)/3 + s/9 1 x 1, X = cbar : 1, s = 1 : cbar : 1
        c = 4.0 * C01 * scale
        trb2 = b2[0, 0] + b2[1, 1] + b2[2, 2]
        s9 = (I1 * I1 - trb2) / 9.0
        for i in range(3):
            for j in range(3):
                Xij = I1 * bbar[i, j] - b2[i, j]
                for k in range(3):
                    for l in range(3):
                        v = (bbar[i, j] * bbar[k, l]
                             - 0.5 * (bbar[i, k] * bbar[j, l] + bbar[i, l] * bbar[j, k]))
                        v -= ((i == j) * (I1 * bbar[k, l] - b2[k, l]) + Xij * (k == l)) / 3.0
                        v += s9 * (i == j) * (k == l)
                        a[3 * i + j, 3 * k + l] += c * v


@njit(**JIT)
def _volumetric(J, K, Jth):
    """dU/dJ and d2U/dJ2 (MPa) of U = K/2 (J / Jth - 1)^2."""
    return K * (J / Jth - 1.0) / Jth, K / (Jth * Jth)


@njit(**JIT_PARALLEL)
def mooney_rivlin(F, C10, C01, K, Jth, with_volumetric, tau, a):
    """Kirchhoff stress and total tangent at n points.

    F : (n, 3, 3); C10, C01, K, Jth : (n,); with_volumetric: False for mean-dilatation
    elements (they add the pressure per element); tau (n, 3, 3), a (n, 9, 9) are filled.
    """
    n = F.shape[0]
    for c in prange((n + CHUNK - 1) // CHUNK):
        bbar = np.empty((3, 3))
        b2 = np.empty((3, 3))
        tiso = np.empty((3, 3))
        for p in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            J = _isochoric_b(F[p], bbar)
            tp = tau[p]
            ap = a[p]
            tp[:, :] = 0.0
            ap[:, :] = 0.0
            _mooney_rivlin_iso(bbar, C10[p], C01[p], tp, ap, 1.0, b2, tiso)
            add_geometric(tp, ap)
            if with_volumetric:
                dU, d2U = _volumetric(J, K[p], Jth[p])
                add_volumetric(J, dU, d2U, tp, ap)


@njit(**JIT_PARALLEL)
def two_network(F, C10, K, Jth, q0, G0, q1, with_volumetric, tau, a, G1):
    """Two-network Kirchhoff stress, tangent and updated formation metric at n points.

    q0, q1 : (n,) network fraction re-formed at the start and end of the increment
    G0 : (n, 3, 3) formation metric at the start; G1 receives G0 + (q1 - q0) C_b^-1.
    The part formed during the increment is stress-free at its end, so stress and tangent use
    G0: the tangent is exact.
    """
    n = F.shape[0]
    for c in prange((n + CHUNK - 1) // CHUNK):
        bbar = np.empty((3, 3))
        b2 = np.empty((3, 3))
        tiso = np.empty((3, 3))
        Fb = np.empty((3, 3))
        tmp = np.empty((3, 3))
        bG = np.empty((3, 3))
        Fi = np.empty((3, 3))
        for p in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            Fp = F[p]
            J = _isochoric_b(Fp, bbar)
            s = J ** (-1.0 / 3.0)
            for i in range(3):
                for j in range(3):
                    Fb[i, j] = s * Fp[i, j]
            matmul3(Fb, G0[p], tmp)
            matmul3_t(tmp, Fb, bG)
            tp = tau[p]
            ap = a[p]
            tp[:, :] = 0.0
            ap[:, :] = 0.0
            _mooney_rivlin_iso(bbar, C10[p] * (1.0 - q1[p]), 0.0, tp, ap, 1.0, b2, tiso)
            _mooney_rivlin_iso(bG, C10[p], 0.0, tp, ap, 1.0, b2, tiso)
            add_geometric(tp, ap)
            if with_volumetric:
                dU, d2U = _volumetric(J, K[p], Jth[p])
                add_volumetric(J, dU, d2U, tp, ap)
            # G1 = G0 + dq C_b^-1 with C_b^-1 = F_b^-1 F_b^-T
            inv3(Fb, Fi)
            dq = q1[p] - q0[p]
            for i in range(3):
                for j in range(3):
                    G1[p, i, j] = G0[p, i, j] + dq * (Fi[i, 0] * Fi[j, 0] + Fi[i, 1] * Fi[j, 1]
                                                      + Fi[i, 2] * Fi[j, 2])


# ----------------------------------------------------------------------------- classes
class _Hyperelastic:
    """Shared parts: parameters as temperature tables, thermal expansion, volumetric terms."""

    isotropic = True
    nonlinear = True
    split = True          # isochoric / volumetric split: mean dilatation applies

    def _thermal(self, T, Tref):
        eth = self.expansion.strain(T, Tref)[..., 0]
        return (1.0 + eth) ** 3

    def volumetric(self, J, T, Tref):
        """dU/dJ, d2U/dJ2 (MPa) at volume ratio J (arrays)."""
        Jth = self._thermal(T, Tref)
        K = self.K(T)
        return K * (J / Jth - 1.0) / Jth, K / Jth ** 2

    def shear_modulus(self, T):
        raise NotImplementedError

    def nearly_incompressible(self, T):
        """True when K / mu > 100 (nu > 0.495): mean dilatation is needed."""
        return bool(np.any(self.K(T) > 100.0 * self.shear_modulus(T)))

    def small_strain_moduli(self, T):
        """(lam, mu) of the linearised material, for linear analyses and checks."""
        mu = self.shear_modulus(T)
        K = self.K(T)
        return K - 2.0 * mu / 3.0, mu

    # linear-analysis interface (small strain): the linearised isotropic material
    def lame(self, T, form):
        from ..formulation import PLANE_STRESS

        lam, mu = self.small_strain_moduli(T)
        if form == PLANE_STRESS:
            lam = 2 * lam * mu / (lam + 2 * mu)
        return lam, mu

    def stiffness(self, T, form, R=None):
        from ..formulation import PLANE_STRESS
        from .voigt import lame_stiffness, plane_stress

        D = lame_stiffness(*self.small_strain_moduli(T))
        return plane_stress(D) if form == PLANE_STRESS else D

    def stress(self, eps, T, Tref, form, R=None):
        """Small-strain stress of the linearised material (linear analyses)."""
        D = self.stiffness(T, form)
        return np.einsum("...ij,...j->...i", D, eps - self.thermal_strain(T, Tref))

    def thermal_strain(self, T, Tref, R=None):
        e = self.expansion.strain(T, Tref)[..., 0]
        out = np.zeros(np.shape(e) + (6,))
        out[..., :3] = e[..., None]
        return out


def _positive(table, key, where, unit):
    p = _require(table, key, where, unit)
    if p.min() <= 0:
        raise InputError(f"{where}.{key}: must be positive")
    return p


class MooneyRivlin(_Hyperelastic):
    """Mooney-Rivlin rubber (registry key ``mooney-rivlin``): C10, C01, K (MPa), alpha."""

    key = "mooney-rivlin"
    KEYS = {"C10", "C01", "K", "alpha", "alpha_tangent", "alpha_reference"}
    state_size = 0

    def __init__(self, name, C10, C01, K, expansion):
        self.name, self.C10, self.C01, self.K, self.expansion = name, C10, C01, K, expansion

    @classmethod
    def from_table(cls, name, table, where):
        _check_keys(table, cls.KEYS, where)
        C10 = _positive(table, "C10", where, "MPa")
        C01 = _require(table, "C01", where, "MPa")
        if C01.min() < 0:
            raise InputError(f"{where}.C01: must not be negative")
        K = _positive(table, "K", where, "bulk modulus, MPa")
        return cls(name, C10, C01, K, ThermalExpansion.parse(table, where, 1))

    def shear_modulus(self, T):
        return 2.0 * (self.C10(T) + self.C01(T))

    def initial_state(self, n):
        return np.zeros((n, 0))

    def update(self, F, T, Tref, dt, state, volumetric=True):
        """tau (n, 3, 3), a (n, 9, 9), new state, status (n,) at points with F (n, 3, 3)."""
        n = len(F)
        tau = np.empty((n, 3, 3))
        a = np.empty((n, 9, 9))
        mooney_rivlin(F, self.C10(T), self.C01(T), self.K(T), self._thermal(T, Tref), volumetric,
                      tau, a)
        return tau, a, state, np.zeros(n, dtype=np.int8)

    def to_json(self):
        return {"model": self.key, "C10": self.C10.to_json(), "C01": self.C01.to_json(),
                "K": self.K.to_json(), **self.expansion.to_json()}


class NeoHookean(MooneyRivlin):
    """Neo-Hookean rubber (registry key ``neo-hookean``): mu (initial shear modulus), K, alpha."""

    key = "neo-hookean"
    KEYS = {"mu", "K", "alpha", "alpha_tangent", "alpha_reference"}

    @classmethod
    def from_table(cls, name, table, where):
        from .properties import Property

        _check_keys(table, cls.KEYS, where)
        mu = _positive(table, "mu", where, "shear modulus, MPa")
        K = _positive(table, "K", where, "bulk modulus, MPa")
        C10 = Property(mu.T, mu.value / 2.0)
        return cls(name, C10, Property([0.0], [0.0]), K, ThermalExpansion.parse(table, where, 1))

    def to_json(self):
        return {"model": self.key, "mu": (2 * self.C10.value).tolist() if not self.C10.is_constant
                else 2 * float(self.C10.value[0]), "K": self.K.to_json(), **self.expansion.to_json()}


class TwoNetwork(_Hyperelastic):
    """Compression-set elastomer (registry key ``two-network``).

    mu, K : MPa (neo-Hookean networks); alpha : 1/K;
    k_ref : 1/s, network re-formation rate at T_ref (deg C);
    activation_temperature : Q = Ea / R in K (Arrhenius); q_max : limit fraction (default 1).
    State per point: q and the formation metric G (3 x 3).
    """

    key = "two-network"
    KEYS = {"mu", "K", "alpha", "alpha_tangent", "alpha_reference", "k_ref", "T_ref",
            "activation_temperature", "q_max"}
    state_size = 10

    def __init__(self, name, mu, K, expansion, k_ref, T_ref, Q, q_max):
        self.name, self.mu, self.K, self.expansion = name, mu, K, expansion
        self.k_ref, self.T_ref, self.Q, self.q_max = k_ref, T_ref, Q, q_max

    @classmethod
    def from_table(cls, name, table, where):
        _check_keys(table, cls.KEYS, where)
        mu = _positive(table, "mu", where, "shear modulus, MPa")
        K = _positive(table, "K", where, "bulk modulus, MPa")
        vals = {}
        for key, unit in (("k_ref", "1/s"), ("T_ref", "deg C"), ("activation_temperature", "K")):
            v = table.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise InputError(f"{where}.{key}: missing or not a number ({unit})")
            vals[key] = float(v)
        if vals["k_ref"] < 0 or vals["activation_temperature"] < 0:
            raise InputError(f"{where}: k_ref and activation_temperature must not be negative")
        q_max = table.get("q_max", 1.0)
        if isinstance(q_max, bool) or not isinstance(q_max, (int, float)) or not 0 <= q_max <= 1:
            raise InputError(f"{where}.q_max: a fraction between 0 and 1")
        return cls(name, mu, K, ThermalExpansion.parse(table, where, 1), vals["k_ref"],
                   vals["T_ref"], vals["activation_temperature"], float(q_max))

    def shear_modulus(self, T):
        return self.mu(T)

    def rate(self, T):
        """Re-formation rate k(T) (1/s)."""
        TK = np.asarray(T, dtype=float) + ZERO_CELSIUS
        return self.k_ref * np.exp(-self.Q * (1.0 / TK - 1.0 / (self.T_ref + ZERO_CELSIUS)))

    def fraction(self, q0, T, dt):
        """Re-formed fraction after dt at temperature T (exact for constant T)."""
        return self.q_max - (self.q_max - q0) * np.exp(-self.rate(T) * dt)

    def initial_state(self, n):
        s = np.zeros((n, self.state_size))
        return s

    def update(self, F, T, Tref, dt, state, volumetric=True):
        n = len(F)
        q0 = state[:, 0].copy()
        G0 = state[:, 1:].reshape(n, 3, 3).copy()
        q1 = self.fraction(q0, T, dt)
        tau = np.empty((n, 3, 3))
        a = np.empty((n, 9, 9))
        G1 = np.empty((n, 3, 3))
        two_network(F, self.mu(T) / 2.0, self.K(T), self._thermal(T, Tref), q0, G0, q1,
                    volumetric, tau, a, G1)
        new = np.empty_like(state)
        new[:, 0] = q1
        new[:, 1:] = G1.reshape(n, 9)
        return tau, a, new, np.zeros(n, dtype=np.int8)

    def to_json(self):
        return {"model": self.key, "mu": self.mu.to_json(), "K": self.K.to_json(),
                "k_ref": self.k_ref, "T_ref": self.T_ref,
                "activation_temperature": self.Q, "q_max": self.q_max,
                **self.expansion.to_json()}


__all__ = ["MooneyRivlin", "NeoHookean", "TwoNetwork", "METADATA"]

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


#: the deviatoric projector's entries P_iikk (i = k and i != k), rounded as the generic
#: add_isochoric_projection_terms rounds them
_P_DIAG = 1.0 - 1.0 / 3.0
_P_OFF = 0.0 - 1.0 / 3.0


@njit(inline="always", **JIT)
def _at(x, p):
    """x[p], or x[0] for a parameter given once for all points (length 1)."""
    return x[p] if x.shape[0] > 1 else x[0]


@njit(inline="always", **JIT)
def _row(a, p, r, v0, v1, v2, v3, v4, v5, v6, v7, v8):
    a[p, r, 0] = v0
    a[p, r, 1] = v1
    a[p, r, 2] = v2
    a[p, r, 3] = v3
    a[p, r, 4] = v4
    a[p, r, 5] = v5
    a[p, r, 6] = v6
    a[p, r, 7] = v7
    a[p, r, 8] = v8


@njit(inline="always", **JIT)
def _neo_hookean_point(F, C10, K, Jth, with_volumetric, p, tau, a):
    """tau[p], a[p] of the neo-Hookean material (Mooney-Rivlin with C01 = 0) at F[p].

    The generic path (_isochoric_b, _mooney_rivlin_iso, add_geometric, add_volumetric)
    written out with the zero entries dropped: every floating-point operation of a nonzero
    entry is the generic one in the same order, so the results are the same bits (up to the
    sign of zeros). The tangent's 9 x 9 pattern (rows and columns 3 i + j) with t the
    isochoric Kirchhoff stress, c1 = 2/3 tr(tau_bar), c2 = 2/3, pv = J dU/dJ,
    kv = J (dU/dJ + J d2U/dJ2):
        d_i   = c1 (1 - 1/3) - 2 c2 t_ii + t_ii + kv - pv     a[4i, 4i]
        o_ik  = -c1 / 3 - c2 (t_ii + t_kk) + kv               a[4i, 4k]
        g_ij  = t_ij - c2 t_ij                                a[4i, 3i + j], a[3i + j, 4i]
        m_kl  = -c2 t_kl                                      a[4i, 3k + l], a[3k + l, 4i]
        h_j   = c1 / 2 + t_jj                                 a[3i + j, 3i + j]
        q     = c1 / 2 - pv                                   a[3i + j, 3j + i]
        t_jl                                                  a[3i + j, 3i + l]
    with j != i, l != k and k != i wherever they appear (i, j, l distinct for t_jl); the
    other 18 entries are zero.
    """
    f00 = F[p, 0, 0]
    f01 = F[p, 0, 1]
    f02 = F[p, 0, 2]
    f10 = F[p, 1, 0]
    f11 = F[p, 1, 1]
    f12 = F[p, 1, 2]
    f20 = F[p, 2, 0]
    f21 = F[p, 2, 1]
    f22 = F[p, 2, 2]
    J = (f00 * (f11 * f22 - f12 * f21) - f01 * (f10 * f22 - f12 * f20)
         + f02 * (f10 * f21 - f11 * f20))
    s = J ** (-2.0 / 3.0)
    w1 = 2.0 * C10
    # isochoric Kirchhoff stress: w1 b_bar, then its deviator
    t00 = w1 * ((f00 * f00 + f01 * f01 + f02 * f02) * s)
    t11 = w1 * ((f10 * f10 + f11 * f11 + f12 * f12) * s)
    t22 = w1 * ((f20 * f20 + f21 * f21 + f22 * f22) * s)
    t01 = w1 * ((f00 * f10 + f01 * f11 + f02 * f12) * s)
    t02 = w1 * ((f00 * f20 + f01 * f21 + f02 * f22) * s)
    t12 = w1 * ((f10 * f20 + f11 * f21 + f12 * f22) * s)
    tr = t00 + t11 + t22
    t00 -= tr / 3.0
    t11 -= tr / 3.0
    t22 -= tr / 3.0
    c2 = 2.0 / 3.0
    c1 = c2 * tr
    pv = 0.0
    kv = 0.0
    if with_volumetric:
        dU, d2U = _volumetric(J, K, Jth)
        pv = J * dU
        kv = J * (dU + J * d2U)
    tau[p, 0, 0] = t00 + pv
    tau[p, 0, 1] = t01
    tau[p, 0, 2] = t02
    tau[p, 1, 0] = t01
    tau[p, 1, 1] = t11 + pv
    tau[p, 1, 2] = t12
    tau[p, 2, 0] = t02
    tau[p, 2, 1] = t12
    tau[p, 2, 2] = t22 + pv
    d0 = (c1 * _P_DIAG - c2 * (t00 + t00) + t00 + kv) - pv
    d1 = (c1 * _P_DIAG - c2 * (t11 + t11) + t11 + kv) - pv
    d2 = (c1 * _P_DIAG - c2 * (t22 + t22) + t22 + kv) - pv
    o01 = c1 * _P_OFF - c2 * (t00 + t11) + kv
    o02 = c1 * _P_OFF - c2 * (t00 + t22) + kv
    o12 = c1 * _P_OFF - c2 * (t11 + t22) + kv
    g01 = t01 - c2 * t01
    g02 = t02 - c2 * t02
    g12 = t12 - c2 * t12
    m01 = -(c2 * t01)
    m02 = -(c2 * t02)
    m12 = -(c2 * t12)
    h0 = c1 * 0.5 + t00
    h1 = c1 * 0.5 + t11
    h2 = c1 * 0.5 + t22
    q = c1 * 0.5 - pv
    z = 0.0
    _row(a, p, 0, d0, g01, g02, m01, o01, m12, m02, m12, o02)
    _row(a, p, 1, g01, h1, t12, q, m01, z, z, z, m01)
    _row(a, p, 2, g02, t12, h2, z, m02, z, q, z, m02)
    _row(a, p, 3, m01, q, z, h0, g01, t02, z, z, m01)
    _row(a, p, 4, o01, m01, m02, g01, d1, g12, m02, m12, o12)
    _row(a, p, 5, m12, z, z, t02, g12, h2, z, q, m12)
    _row(a, p, 6, m02, z, q, z, m02, z, h0, t01, g02)
    _row(a, p, 7, m12, z, z, z, m12, q, t01, h1, g12)
    _row(a, p, 8, o02, m01, m02, m01, o12, m12, g02, g12, d2)


@njit(**JIT_PARALLEL)
def mooney_rivlin(F, C10, C01, K, Jth, with_volumetric, tau, a):
    """Kirchhoff stress and total tangent at n points.

    F : (n, 3, 3); C10, C01, K, Jth : (n,), or (1,) for one value at every point;
    with_volumetric: False for mean-dilatation elements (they add the pressure per element);
    tau (n, 3, 3), a (n, 9, 9) are filled. Points with C01 = 0 (neo-Hookean) take the
    written-out _neo_hookean_point, the others the generic path.
    """
    n = F.shape[0]
    for c in prange((n + CHUNK - 1) // CHUNK):
        bbar = np.empty((3, 3))
        b2 = np.empty((3, 3))
        tiso = np.empty((3, 3))
        for p in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            C01p = _at(C01, p)
            if C01p == 0.0:
                _neo_hookean_point(F, _at(C10, p), _at(K, p), _at(Jth, p), with_volumetric, p,
                                   tau, a)
                continue
            J = _isochoric_b(F[p], bbar)
            tp = tau[p]
            ap = a[p]
            tp[:, :] = 0.0
            ap[:, :] = 0.0
            _mooney_rivlin_iso(bbar, _at(C10, p), C01p, tp, ap, 1.0, b2, tiso)
            add_geometric(tp, ap)
            if with_volumetric:
                dU, d2U = _volumetric(J, _at(K, p), _at(Jth, p))
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
    #: update(..., out=(tau, a)) fills the caller's arrays instead of allocating new ones
    fills_out = True

    def _thermal(self, T, Tref):
        eth = self.expansion.strain(T, Tref)[..., 0]
        return (1.0 + eth) ** 3

    def _thermal_at(self, T, Tref):
        """J_th at temperatures T (n,) for the kernels, or (1,) ones without expansion
        (J_th = (1 + 0)^3 = 1 exactly either way)."""
        if all(a.is_constant and a.value[0] == 0.0 for a in self.expansion.alphas):
            return _ONE
        return self._thermal(T, Tref)

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


def _at_points(prop, T):
    """A Property at temperatures T (n,) for the kernels, or (1,) when it is constant."""
    return prop.value[:1] if prop.is_constant else prop(T)


_ONE = np.ones(1)


def _out(n, out):
    """The (tau, a) arrays to fill: the caller's, or new ones."""
    if out is not None:
        return out
    return np.empty((n, 3, 3)), np.empty((n, 9, 9))


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

    def update(self, F, T, Tref, dt, state, volumetric=True, out=None):
        """tau (n, 3, 3), a (n, 9, 9), new state, status (n,) at points with F (n, 3, 3).

        out : (tau, a) arrays to fill, or None for new ones.
        """
        n = len(F)
        tau, a = _out(n, out)
        mooney_rivlin(F, _at_points(self.C10, T), _at_points(self.C01, T), _at_points(self.K, T),
                      self._thermal_at(T, Tref), volumetric, tau, a)
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

    def update(self, F, T, Tref, dt, state, volumetric=True, out=None):
        n = len(F)
        q0 = state[:, 0].copy()
        G0 = state[:, 1:].reshape(n, 3, 3).copy()
        q1 = self.fraction(q0, T, dt)
        tau, a = _out(n, out)
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

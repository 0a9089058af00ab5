"""Linear thermoelastic materials: isotropic and orthotropic, temperature dependent.

Thermal strain convention (stated once, used everywhere):

* ``alpha`` is the *secant* CTE measured from ``alpha_reference`` (T0): the free thermal
  strain at T relative to T0 is alpha(T) (T - T0). A body stress-free at Tref therefore has
  eps_th(T) = alpha(T) (T - T0) - alpha(Tref) (Tref - T0). Without ``alpha_reference``,
  T0 = Tref and eps_th = alpha(T) (T - Tref). This is Abaqus' convention (*EXPANSION, ZERO).
* ``alpha_tangent`` is the *instantaneous* CTE (as epoxy data sheets give it, below and above
  Tg): eps_th = integral from Tref to T of alpha_tangent.

E, nu and the CTEs are evaluated at the current temperature; linear elasticity stays path
independent.
"""

import numpy as np
from numba import njit, prange

from ..config import JIT_PARALLEL
from ..errors import InputError
from ..formulation import PLANE_STRESS
from . import voigt
from .properties import Property
from .tensor import CHUNK, VOIGT_OF, add_geometric, matmul3, matmul3_t, push_forward_voigt_tangent

# Finite strain: the linear materials become St. Venant-Kirchhoff, S = D (E - eps_th) with the
# Green-Lagrange strain E. Rotation invariant, and the linear material at small strain.


@njit(**JIT_PARALLEL)
def saint_venant_kirchhoff(F, D, eth, tau, a):
    """Kirchhoff stress tau (n, 3, 3) and total tangent a (n, 9, 9) of S = D (E - eth).

    F : (n, 3, 3); D : (n, 6, 6) MPa (engineering-strain Voigt); eth : (n, 6) thermal strain
    """
    n = F.shape[0]
    for c in prange((n + CHUNK - 1) // CHUNK):
        C = np.empty((3, 3))
        E = np.empty(6)
        S = np.empty((3, 3))
        FS = np.empty((3, 3))
        T1 = np.empty((3, 3, 3, 3))
        T2 = np.empty((3, 3, 3, 3))
        for p in range(c * CHUNK, min(n, (c + 1) * CHUNK)):
            Fp = F[p]
            for i in range(3):
                for j in range(3):
                    C[i, j] = Fp[0, i] * Fp[0, j] + Fp[1, i] * Fp[1, j] + Fp[2, i] * Fp[2, j]
            E[0] = 0.5 * (C[0, 0] - 1.0) - eth[p, 0]
            E[1] = 0.5 * (C[1, 1] - 1.0) - eth[p, 1]
            E[2] = 0.5 * (C[2, 2] - 1.0) - eth[p, 2]
            E[3] = C[0, 1] - eth[p, 3]
            E[4] = C[1, 2] - eth[p, 4]
            E[5] = C[0, 2] - eth[p, 5]
            Dp = D[p]
            for i in range(3):
                for j in range(3):
                    r = VOIGT_OF[i, j]
                    S[i, j] = (Dp[r, 0] * E[0] + Dp[r, 1] * E[1] + Dp[r, 2] * E[2]
                               + Dp[r, 3] * E[3] + Dp[r, 4] * E[4] + Dp[r, 5] * E[5])
            matmul3(Fp, S, FS)
            tp = tau[p]
            matmul3_t(FS, Fp, tp)
            ap = a[p]
            ap[:, :] = 0.0
            push_forward_voigt_tangent(Fp, Dp, ap, T1, T2)
            add_geometric(tp, ap)


class _FiniteStrainSVK:
    """The finite-strain interface shared by the linear materials."""

    nonlinear = False
    split = False
    state_size = 0

    def initial_state(self, n):
        return np.zeros((n, 0))

    def update(self, F, T, Tref, dt, state, volumetric=True, form=None, R=None):
        """Kirchhoff stress, total tangent, state, status at points F (n, 3, 3)."""
        n = len(F)
        D = np.ascontiguousarray(np.broadcast_to(self.stiffness(T, 0, R), (n, 6, 6)))
        eth = np.ascontiguousarray(np.broadcast_to(self.thermal_strain(T, Tref, R), (n, 6)))
        tau = np.empty((n, 3, 3))
        a = np.empty((n, 9, 9))
        saint_venant_kirchhoff(F, D, eth, tau, a)
        return tau, a, state, np.zeros(n, dtype=np.int8)

    def nearly_incompressible(self, T):
        return False

#: Keys every material file may carry besides its model parameters.
METADATA = {"name", "model", "description", "sources", "notes", "density", "conductivity",
            "specific_heat", "category"}


class ThermalExpansion:
    """Free thermal strain of secant or tangent CTE tables, per material axis."""

    def __init__(self, alphas, kind, reference):
        self.alphas = alphas          # list of Property, one per material axis (1 or 3)
        self.kind = kind              # "secant" | "tangent"
        self.reference = reference    # T0 of secant data, or None

    @classmethod
    def parse(cls, table, where, axes):
        """From keys alpha / alpha_tangent (or alpha1..3 / alpha1_tangent.. when axes == 3)."""
        names = ["alpha"] if axes == 1 else ["alpha1", "alpha2", "alpha3"]
        secant = [n for n in names if n in table]
        tangent = [n for n in names if f"{n}_tangent" in table]
        if secant and tangent:
            raise InputError(f"{where}: give either secant ({', '.join(names)}) or tangent "
                             f"({', '.join(n + '_tangent' for n in names)}) CTEs, not both")
        if axes == 3 and not secant and not tangent and "alpha" in table:
            names = ["alpha"] * 3          # one CTE for all axes of an orthotropic material
            secant = names
        kind = "tangent" if tangent else "secant"
        if kind == "secant" and len(set(secant)) != len(set(names)):
            missing = sorted(set(names) - set(secant))
            raise InputError(f"{where}: missing {', '.join(missing)} (thermal expansion, 1/K)")
        if kind == "tangent" and len(tangent) != len(names):
            missing = sorted(n + "_tangent" for n in set(names) - set(tangent))
            raise InputError(f"{where}: missing {', '.join(missing)}")
        suffix = "_tangent" if kind == "tangent" else ""
        alphas = [Property.parse(table[n + suffix], f"{where}.{n}{suffix}") for n in names]
        ref = table.get("alpha_reference")
        if ref is not None:
            if kind == "tangent":
                raise InputError(f"{where}.alpha_reference: only meaningful for secant CTEs")
            if not isinstance(ref, (int, float)) or isinstance(ref, bool):
                raise InputError(f"{where}.alpha_reference: expected a temperature in deg C")
            ref = float(ref)
        return cls(alphas, kind, ref)

    def strain(self, T, Tref):
        """Free thermal strain (..., n_axes) at T of a body stress-free at Tref."""
        out = []
        for a in self.alphas:
            if self.kind == "tangent":
                out.append(a.integral(Tref, T))
            elif self.reference is None:
                out.append(a(T) * (T - Tref))
            else:
                T0 = self.reference
                out.append(a(T) * (T - T0) - a(Tref) * (Tref - T0))
        return np.stack(out, axis=-1)

    def to_json(self):
        key = "alpha" if len(self.alphas) == 1 else None
        out = {}
        suffix = "_tangent" if self.kind == "tangent" else ""
        for i, a in enumerate(self.alphas):
            out[(key or f"alpha{i + 1}") + suffix] = a.to_json()
        if self.reference is not None:
            out["alpha_reference"] = self.reference
        return out


def _check_keys(table, allowed, where):
    unknown = sorted(set(table) - set(allowed) - METADATA)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                         f"this model takes {', '.join(sorted(allowed))}")


def _require(table, key, where, unit):
    if key not in table:
        raise InputError(f"{where}: missing {key} ({unit})")
    return Property.parse(table[key], f"{where}.{key}")


class LinearElastic(_FiniteStrainSVK):
    """Isotropic linear thermoelastic material (registry key ``linear-elastic``).

    E : MPa, nu : -, alpha : 1/K (see the module docstring for the CTE convention).
    """

    key = "linear-elastic"
    isotropic = True
    KEYS = {"E", "nu", "alpha", "alpha_tangent", "alpha_reference"}

    def __init__(self, name, E, nu, expansion):
        self.name = name
        self.E = E
        self.nu = nu
        self.expansion = expansion

    @classmethod
    def from_table(cls, name, table, where):
        _check_keys(table, cls.KEYS, where)
        E = _require(table, "E", where, "Young's modulus, MPa")
        nu = _require(table, "nu", where, "Poisson's ratio")
        if E.min() <= 0:
            raise InputError(f"{where}.E: Young's modulus must be positive")
        if nu.min() <= -1 or nu.max() >= 0.5:
            raise InputError(f"{where}.nu: Poisson's ratio must lie in (-1, 0.5)")
        return cls(name, E, nu, ThermalExpansion.parse(table, where, 1))

    def lame(self, T, form):
        """Lame constants (lam, mu) MPa at temperatures T; plane stress gives lam*."""
        E = self.E(T)
        nu = self.nu(T)
        mu = E / (2 * (1 + nu))
        lam = E * nu / ((1 + nu) * (1 - 2 * nu))
        if form == PLANE_STRESS:
            lam = 2 * lam * mu / (lam + 2 * mu)
        return lam, mu

    def thermal_strain(self, T, Tref, R=None):
        """Free thermal strain (..., 6) at T for a body stress-free at Tref."""
        e = self.expansion.strain(T, Tref)[..., 0]
        out = np.zeros(np.shape(e) + (6,))
        out[..., :3] = e[..., None]
        return out

    def stress(self, eps, T, Tref, form, R=None):
        """Stress (..., 6) MPa for total strain ``eps`` (..., 6) at T (plane stress: zz = 0)."""
        lam, mu = self.lame(T, form)
        e = eps - self.thermal_strain(T, Tref)
        if form == PLANE_STRESS:
            e[..., 2] = 0.0
        tr = e[..., 0] + e[..., 1] + e[..., 2]
        sig = 2 * mu[..., None] * e
        sig[..., 3:] *= 0.5  # engineering shear: sigma_ij = mu * gamma_ij
        sig[..., :3] += (lam * tr)[..., None]
        if form == PLANE_STRESS:
            sig[..., 2] = 0.0
        return sig

    def stiffness(self, T, form, R=None):
        """D (..., 6, 6) MPa at temperatures T (plane stress condensed)."""
        D = voigt.isotropic_stiffness(self.E(T), self.nu(T))
        return voigt.plane_stress(D) if form == PLANE_STRESS else D

    def to_json(self):
        return {"model": self.key, "E": self.E.to_json(), "nu": self.nu.to_json(),
                **self.expansion.to_json()}


class OrthotropicElastic(_FiniteStrainSVK):
    """Orthotropic linear thermoelastic material (registry key ``orthotropic-elastic``).

    E1, E2, E3, G12, G13, G23 : MPa; nu12, nu13, nu23 : -; alpha1..3 : 1/K, in material axes
    (laminates: 1, 2 in plane, 3 through the thickness). The region's orientation maps the
    material axes to the global axes.
    """

    key = "orthotropic-elastic"
    isotropic = False
    CONSTANTS = ("E1", "E2", "E3", "nu12", "nu13", "nu23", "G12", "G13", "G23")
    KEYS = set(CONSTANTS) | {"alpha", "alpha1", "alpha2", "alpha3", "alpha1_tangent",
                             "alpha2_tangent", "alpha3_tangent", "alpha_reference"}

    def __init__(self, name, constants, expansion):
        self.name = name
        self.constants = constants
        self.expansion = expansion

    @classmethod
    def from_table(cls, name, table, where):
        _check_keys(table, cls.KEYS, where)
        c = {k: _require(table, k, where, "MPa" if k[0] in "EG" else "-") for k in cls.CONSTANTS}
        for k in ("E1", "E2", "E3", "G12", "G13", "G23"):
            if c[k].min() <= 0:
                raise InputError(f"{where}.{k}: must be positive")
        mat = cls(name, c, ThermalExpansion.parse(table, where, 3))
        # positive definiteness over the tabulated temperatures
        Ts = np.unique(np.concatenate([p.T for p in c.values()]))
        w = np.linalg.eigvalsh(mat._material_stiffness(Ts))
        if np.any(w <= 0):
            raise InputError(f"{where}: the elastic constants do not give a positive definite "
                             "stiffness; check the Poisson's ratios (nu_ij / E_i = nu_ji / E_j)")
        return mat

    def _material_stiffness(self, T):
        c = self.constants
        return voigt.orthotropic_stiffness(*[c[k](T) for k in self.CONSTANTS])

    def stiffness(self, T, form, R=None):
        """Global D (..., 6, 6) MPa at temperatures T for material axes R (3, 3)."""
        D = self._material_stiffness(T)
        if R is not None:
            D = voigt.rotate_stiffness(D, R)
        if form == PLANE_STRESS:
            D = voigt.plane_stress(D)
        return D

    def thermal_strain(self, T, Tref, R=None):
        e = self.expansion.strain(T, Tref)
        out = np.zeros(np.shape(e)[:-1] + (6,))
        out[..., :3] = e
        if R is not None:
            out = voigt.rotate_strain(out, R)
        return out

    def stress(self, eps, T, Tref, form, R=None):
        D = self.stiffness(T, form, R)
        e = eps - self.thermal_strain(T, Tref, R)
        return np.einsum("...ij,...j->...i", D, e)

    def to_json(self):
        return {"model": self.key, **{k: v.to_json() for k, v in self.constants.items()},
                **self.expansion.to_json()}

"""Beam elements (solver/structural): kernels against closed forms and finite differences,
and the verification cases of benchmarks/beam-* end to end.

    .venv/bin/python -m pytest tests/test_beams.py -m "not slow"     # fast subset
    .venv/bin/python -m pytest tests/test_beams.py                   # everything

Each benchmarks/beam-*/reference.toml lists ``[[beam_case]]`` entries (a case file, the mesh
builder and its parameters) with ``[[beam_case.check]]`` values: ``value`` is a dotted path
into the summary's step record (``groups.<beam>.ends.<point>.displacement.1``,
``probes.tip.0``), multiplied by ``factor`` and compared with ``reference`` within
``abs_tol`` or ``rel_tol``. The checks are added to the verification records of
tests/test_verification.py (benchmarks/VERIFICATION.md).
"""

import importlib.util
import math
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

import solver
from solver.errors import InputError
from solver.structural import beam2d, beam3d, rotation, section, tie

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

try:  # share the verification records (benchmarks/VERIFICATION.md) when available
    from test_verification import RECORDS
except Exception:  # pragma: no cover
    RECORDS = []

RNG = np.random.default_rng(20261122)


def load_module(path):
    spec = importlib.util.spec_from_file_location(f"_geo_{abs(hash(str(path)))}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_toml(path):
    with open(path, "rb") as fh:
        return tomllib.load(fh)


# ============================================================================ closed forms
def elastica_tip(alpha):
    """Inextensible cantilever with a dead tip load normal to it, alpha = P L^2 / EI:
    (u/L shortening, v/L deflection, tip rotation) from the elliptic integrals of
    Bisshopp & Drucker (1945)."""
    from scipy.optimize import brentq
    from scipy.special import ellipeinc, ellipkinc

    def parts(th):
        k = math.sqrt((1 + math.sin(th)) / 2)
        return k * k, math.asin(1 / (k * math.sqrt(2)))

    def f(th):
        m, p1 = parts(th)
        return ellipkinc(math.pi / 2, m) - ellipkinc(p1, m) - math.sqrt(alpha)

    th = brentq(f, 1e-12, math.pi / 2 - 1e-12, xtol=1e-14)
    m, p1 = parts(th)
    v = 1 - 2 / math.sqrt(alpha) * (ellipeinc(math.pi / 2, m) - ellipeinc(p1, m))
    u = 1 - math.sqrt(2 * math.sin(th) / alpha)
    return u, v, th


def test_elastica_closed_form_reproduces_mattiasson_table():
    """The elliptic-integral solution matches Mattiasson (1981), Table I, to 5 digits."""
    table = {1: (0.05643, 0.30172, 0.46135), 2: (0.16064, 0.49346, 0.78175),
             5: (0.38763, 0.71379, 1.21537), 10: (0.55500, 0.81061, 1.43029)}
    for alpha, ref in table.items():
        np.testing.assert_allclose(elastica_tip(alpha), ref, atol=6e-6)


# ============================================================================ sections
@pytest.mark.parametrize("n", [3, 5, 9])
def test_rectangle_fibres_integrate_area_and_inertia_exactly(n):
    for dim in (2, 3):
        s = section.Section("rectangle", dim, n, width=0.05, thickness=0.018)
        assert np.isclose(s.area.sum(), 0.05 * 0.018, rtol=1e-13)
        assert np.isclose((s.area * s.y ** 2).sum(), 0.05 * 0.018 ** 3 / 12, rtol=1e-12)
        assert abs((s.area * s.y).sum()) < 1e-18
        if dim == 3:
            assert np.isclose((s.area * s.z ** 2).sum(), 0.018 * 0.05 ** 3 / 12, rtol=1e-12)


@pytest.mark.parametrize("n", [3, 4, 8])
def test_circle_fibres_integrate_area_and_inertia_exactly(n):
    d = 0.025
    for dim in (2, 3):
        s = section.Section("circle", dim, n, diameter=d)
        assert np.isclose(s.area.sum(), math.pi * d ** 2 / 4, rtol=1e-12)
        assert np.isclose((s.area * s.y ** 2).sum(), math.pi * d ** 4 / 64, rtol=1e-12)
        if dim == 3:
            assert np.isclose((s.area * s.z ** 2).sum(), math.pi * d ** 4 / 64, rtol=1e-12)


def test_torsion_constant_of_a_square_and_a_thin_strip():
    """Saint-Venant J: 0.1406 a^4 for a square (Timoshenko & Goodier table), b h^3 / 3 (1 -
    0.630 h/b) for a thin strip."""
    assert np.isclose(section.torsion_constant_rectangle(1.0, 1.0), 0.14058, rtol=2e-4)
    b, h = 1.0, 0.02
    assert np.isclose(section.torsion_constant_rectangle(b, h), b * h ** 3 / 3 * (1 - 0.6302 * h / b),
                      rtol=1e-4)


def test_lobatto_rule_is_exact_to_degree_2n_minus_3():
    for n in range(3, 10):
        x, w = section.lobatto(n)
        for p in range(2 * n - 2):
            exact = 2.0 / (p + 1) if p % 2 == 0 else 0.0
            assert np.isclose((w * x ** p).sum(), exact, atol=1e-13)


def _fibre(eps, E=1e5, ep=0.0, a=0.0, curve=((0.0, 1.0), (100.0, 100.0 + 500.0)), plastic=True):
    ce, cs = (np.array(c, dtype=float) for c in curve)
    return section.fibre_update(eps, E, ep, a, ce, cs, plastic)


def test_fibre_linear_hardening_closed_form_and_tangent():
    """Monotonic tension past yield with linear hardening H: sigma = sigma_y + E_t (eps -
    eps_y), E_t = E H / (E + H); the tangent is the finite difference of the stress."""
    E, sy, H = 1e5, 100.0, 500.0
    Et = E * H / (E + H)
    for eps in (0.002, 0.01, 0.05):
        sig, D, ep, a, st = _fibre(eps)
        assert st == 0
        assert np.isclose(sig, sy + Et * (eps - sy / E), rtol=1e-12)
        assert np.isclose(D, Et)
        assert np.isclose(a, eps - sig / E) and np.isclose(ep, a)
        h = 1e-7
        fd = (_fibre(eps + h)[0] - _fibre(eps - h)[0]) / (2 * h)
        assert np.isclose(fd, D, rtol=1e-6)


def test_fibre_unloads_elastically_and_reyields_on_the_hardened_surface():
    E, sy, H = 1e5, 100.0, 500.0
    sig1, _, ep1, a1, _ = _fibre(0.01)
    sig2, D2, ep2, a2, _ = _fibre(0.0095, ep=ep1, a=a1)      # unloading: elastic
    assert np.isclose(sig2, sig1 - E * 0.0005) and D2 == E and ep2 == ep1
    # reverse loading to compression: yields at -(sigma_y + H a1) (isotropic hardening)
    eps_rev = ep1 - (sy + H * a1) / E - 1e-9
    sig3, _, _, a3, _ = _fibre(eps_rev, ep=ep1, a=a1)
    assert np.isclose(sig3, -(sy + H * a1), rtol=1e-6) and a3 >= a1
    # at the committed state itself the fibre is elastic (unloading starts stiff)
    assert _fibre(0.01, ep=ep1, a=a1)[1] == E


def test_fibre_tabulated_curve_and_perfect_plasticity():
    """On a tabulated curve the stress is sigma_y(alpha) with alpha = eps - sigma / E (the
    last slope continued); perfect plasticity caps the stress with a zero tangent."""
    ce, cs = np.array([0.0, 0.01, 0.1]), np.array([50.0, 80.0, 100.0])
    for eps in (0.0003, 0.001, 0.008, 0.03, 0.2):
        sig, D, ep, a, st = _fibre(eps, curve=(ce, cs))
        assert st == 0
        if a == 0.0:
            assert sig == 1e5 * eps and 1e5 * eps < 50.0
            continue
        sy = np.interp(a, ce, cs) if a <= ce[-1] else cs[-1] + (a - ce[-1]) * 20.0 / 0.09
        assert np.isclose(sig, sy, rtol=1e-10)
        assert np.isclose(a, eps - sig / 1e5, rtol=1e-10)
    sig, D, *_ = _fibre(0.05, curve=((0.0,), (100.0,)))
    assert np.isclose(sig, 100.0) and D == 0.0
    sig, D, *_ = _fibre(0.05, plastic=False)
    assert sig == 1e5 * 0.05 and D == 1e5


def _section_moment(s, kappa, E=1e5, sy=100.0):
    S, D = np.zeros(3), np.zeros((3, 3))
    nf = s.n_fibres
    section.section_response(0.0, kappa, 0.0, E, 0.0, s.y, s.z, s.area, np.zeros(nf),
                             np.zeros(nf), np.array([0.0, 1.0]), np.array([sy, sy]), True, S, D,
                             np.zeros(nf), np.zeros(nf), np.zeros(nf), np.zeros(2))
    return S, D


def test_section_elastic_perfectly_plastic_moment_curvature():
    """M/M_y = 1.5 (1 - (kappa_y/kappa)^2 / 3) for a rectangle, 21 Lobatto fibres: 0.2 %."""
    E, sy, h, b = 1e5, 100.0, 1.0, 1.0
    s = section.Section("rectangle", 2, 21, width=b, thickness=h)
    ky, My = 2 * sy / (E * h), sy * b * h * h / 6
    for r in (0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0):
        S, _ = _section_moment(s, r * ky)
        exact = r if r <= 1 else 1.5 * (1 - 1 / (3 * r * r))
        assert abs(S[1] / My - exact) < 2e-3 * exact
        assert abs(S[0]) < 1e-9 * My    # symmetric: no axial force


def test_section_tangent_is_the_derivative_of_the_section_forces():
    s = section.Section("rectangle", 3, 5, width=0.3, thickness=0.2)
    x = np.array([1.1e-3, 7.3e-3, -5.1e-3])   # no fibre at the kink of its yield point

    def resp(x):
        S, D = np.zeros(3), np.zeros((3, 3))
        nf = s.n_fibres
        section.section_response(x[0], x[1], x[2], 1e5, 2e-4, s.y, s.z, s.area, np.zeros(nf),
                                 np.zeros(nf), np.array([0.0, 1.0]), np.array([100.0, 600.0]),
                                 True, S, D, np.zeros(nf), np.zeros(nf), np.zeros(nf),
                                 np.zeros(2))
        return S, D

    S, D = resp(x)
    fd = np.column_stack([(resp(x + h)[0] - resp(x - h)[0]) / (2e-8)
                          for h in np.eye(3) * 1e-8])
    np.testing.assert_allclose(fd, D, rtol=1e-5, atol=1e-6 * np.abs(D).max())


# ============================================================================ rotations
def test_expm_logm_round_trip_including_small_and_near_pi_angles():
    for th in (0.0, 1e-10, 1e-5, 0.3, 2.0, math.pi - 1e-7):
        axis = RNG.normal(size=3)
        t = th * axis / np.linalg.norm(axis)
        R = rotation.expm(t)
        assert np.allclose(R @ R.T, np.eye(3), atol=1e-14)
        np.testing.assert_allclose(rotation.logm(R), t, atol=1e-9)


def test_tinv_inverts_the_spin_of_the_rotation_vector():
    """dR R^T = S(T_s dt): the columns of T_s by finite differences of expm; T_s^-1 T_s = I."""
    for th in (1e-3, 0.7, 2.5):
        t = th * np.array([0.3, -0.5, 0.81]) / np.linalg.norm([0.3, -0.5, 0.81])
        R = rotation.expm(t)
        Ts = np.zeros((3, 3))
        for k in range(3):
            e = np.zeros(3)
            e[k] = 1e-6
            W = (rotation.expm(t + e) - rotation.expm(t - e)) / 2e-6 @ R.T
            Ts[:, k] = [W[2, 1], W[0, 2], W[1, 0]]
        np.testing.assert_allclose(rotation.tinv(t) @ Ts, np.eye(3), atol=1e-8)


def test_kh_is_the_derivative_of_the_moment_transformation():
    m = np.array([0.4, -1.2, 0.7])
    for th in (1e-3, 0.02, 0.9, 2.2):
        t = th * np.array([-0.2, 0.6, 0.4]) / np.linalg.norm([-0.2, 0.6, 0.4])
        fd = np.column_stack([(rotation.tinv(t + e).T @ m - rotation.tinv(t - e).T @ m) / 2e-7
                              for e in np.eye(3) * 1e-7])
        np.testing.assert_allclose(rotation.kh(t, m), fd @ rotation.tinv(t), atol=1e-7)


# ============================================================================ 2D element
XI2, WG2 = (np.polynomial.legendre.leggauss(2)[0] + 1) / 2, np.polynomial.legendre.leggauss(2)[1] / 2
CURVE = (np.array([0.0, 1.0]), np.array([100.0, 600.0]))


def _beam2d(X, ue, sec, plastic=True, eth=(1e-4, -2e-4)):
    d = X[1] - X[0]
    L0, b0 = np.linalg.norm(d), math.atan2(d[1], d[0])
    ng, nf = 2, sec.n_fibres
    out = dict(fe=np.zeros(6), Ke=np.zeros((6, 6)), ep1=np.zeros((ng, nf)), a1=np.zeros((ng, nf)),
               sig=np.zeros((ng, nf)), sec=np.zeros((ng, 2)), scale=np.zeros(2))
    st = beam2d.element(X, ue, L0, b0, XI2, WG2, sec.y, sec.z, sec.area, np.full(2, 1e5),
                        np.asarray(eth, dtype=float), *CURVE, plastic, np.zeros((ng, nf)),
                        np.zeros((ng, nf)), True, out["fe"], out["Ke"], out["ep1"], out["a1"],
                        out["sig"], out["sec"], out["scale"])
    out["status"] = st
    return out


@pytest.mark.parametrize("plastic", [False, True])
def test_beam2d_tangent_matches_finite_differences(plastic):
    sec = section.Section("rectangle", 2, 7, width=1.0, thickness=0.2)
    X = np.array([[0.3, 0.1], [1.3, 0.6]])
    ue = np.array([0.01, -0.02, 0.3, 0.05, 0.2, -0.4]) * (1.0 if plastic else 0.05)
    r = _beam2d(X, ue, sec, plastic)
    assert r["status"] == 0
    if plastic:
        assert r["a1"].max() > 0.01          # well into the plastic range
    h = 1e-7
    fd = np.column_stack([(_beam2d(X, ue + e, sec, plastic)["fe"]
                           - _beam2d(X, ue - e, sec, plastic)["fe"]) / (2 * h)
                          for e in np.eye(6) * h])
    np.testing.assert_allclose(r["Ke"], fd, atol=1e-6 * np.abs(r["Ke"]).max())
    np.testing.assert_allclose(r["Ke"], r["Ke"].T, atol=1e-9 * np.abs(r["Ke"]).max())


def test_beam2d_rigid_motion_is_stress_free_and_forces_rotate_with_the_element():
    sec = section.Section("rectangle", 2, 5, width=1.0, thickness=0.1)
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    for th in (0.4, 2.0, -3.0):
        c, s = math.cos(th), math.sin(th)
        Q = np.array([[c, -s], [s, c]])
        x = (Q @ X.T).T + [0.3, -0.2]
        ue = np.concatenate([x[0] - X[0], [th], x[1] - X[1], [th]])
        r = _beam2d(X, ue, sec, eth=(0.0, 0.0))
        assert np.abs(r["fe"]).max() < 1e-9
    # a deformed state turned rigidly: same local forces, forces rotated
    ue = np.array([0.0, 0.0, 0.05, 0.01, 0.02, -0.03])
    f0 = _beam2d(X, ue, sec, eth=(0.0, 0.0))["fe"]
    th = 1.1
    c, s = math.cos(th), math.sin(th)
    Q = np.array([[c, -s], [s, c]])
    x = X + ue.reshape(2, 3)[:, :2]
    xr = (Q @ x.T).T
    ue_r = np.concatenate([xr[0] - X[0], [ue[2] + th], xr[1] - X[1], [ue[5] + th]])
    f1 = _beam2d(X, ue_r, sec, eth=(0.0, 0.0))["fe"]
    for a in (0, 3):
        np.testing.assert_allclose(f1[a:a + 2], Q @ f0[a:a + 2], atol=1e-9)
        assert np.isclose(f1[a + 2], f0[a + 2])


def test_beam2d_small_deformation_stiffness_is_the_euler_bernoulli_matrix():
    E, b, h, L = 1e5, 1.0, 0.1, 2.0
    sec = section.Section("rectangle", 2, 5, width=b, thickness=h)
    X = np.array([[0.0, 0.0], [L, 0.0]])
    K = _beam2d(X, np.zeros(6), sec, plastic=False, eth=(0.0, 0.0))["Ke"]
    EA, EI = E * b * h, E * b * h ** 3 / 12
    k = np.array([[EA / L, 0, 0, -EA / L, 0, 0],
                  [0, 12 * EI / L ** 3, 6 * EI / L ** 2, 0, -12 * EI / L ** 3, 6 * EI / L ** 2],
                  [0, 6 * EI / L ** 2, 4 * EI / L, 0, -6 * EI / L ** 2, 2 * EI / L],
                  [-EA / L, 0, 0, EA / L, 0, 0],
                  [0, -12 * EI / L ** 3, -6 * EI / L ** 2, 0, 12 * EI / L ** 3, -6 * EI / L ** 2],
                  [0, 6 * EI / L ** 2, 2 * EI / L, 0, -6 * EI / L ** 2, 4 * EI / L]])
    np.testing.assert_allclose(K, k, atol=1e-9 * EA)


# ============================================================================ 3D element
def _frame(X1, X2, o):
    e1 = (X2 - X1) / np.linalg.norm(X2 - X1)
    e3 = o - e1 * (e1 @ o)
    e3 /= np.linalg.norm(e3)
    return np.column_stack([e1, np.cross(e3, e1), e3])


def _beam3d(X1, X2, x1, x2, U1, U2, sec, plastic=True, symmetric=False, eth=(1e-4, -2e-4),
            o=np.array([0.0, 0.0, 1.0])):
    R0 = _frame(X1, X2, o)
    L0 = np.linalg.norm(X2 - X1)
    ng, nf = 2, sec.n_fibres
    out = dict(fe=np.zeros(12), Ke=np.zeros((12, 12)), ep1=np.zeros((ng, nf)), a1=np.zeros((ng, nf)),
               sig=np.zeros((ng, nf)), sec=np.zeros((ng, 4)), scale=np.zeros(2))
    st = beam3d.element(x1, x2, U1, U2, R0, L0, XI2, WG2, sec.y, sec.z, sec.area, 3e4,
                        np.full(2, 1e5), np.asarray(eth, dtype=float), *CURVE, plastic,
                        np.zeros((ng, nf)), np.zeros((ng, nf)), True, symmetric, out["fe"],
                        out["Ke"], out["ep1"], out["a1"], out["sig"], out["sec"], out["scale"])
    out["status"] = st
    return out


@pytest.mark.parametrize("scale", [1.0, 0.02])
def test_beam3d_spin_tangent_matches_finite_differences(scale):
    """The exact (unsymmetric) spin tangent against central differences of the force under
    x -> x + h e_k and U -> exp(h S(e_k)) U, elastoplastic, large rotations (scale 1)."""
    sec = section.Section("rectangle", 3, 5, width=0.3, thickness=0.2)
    X1, X2 = np.array([0.1, 0.2, 0.3]), np.array([1.2, 0.5, 0.1])
    x1 = X1 + scale * np.array([0.01, 0.02, -0.03])
    x2 = X2 + scale * np.array([0.2, -0.1, 0.3])
    U1 = rotation.expm(scale * np.array([0.1, 0.2, -0.3]))
    U2 = rotation.expm(scale * np.array([-0.4, 0.25, 0.5]))
    r = _beam3d(X1, X2, x1, x2, U1, U2, sec)
    assert r["status"] == 0
    h = 1e-6

    def f(j, hh):
        xa, xb, Ua, Ub = x1.copy(), x2.copy(), U1.copy(), U2.copy()
        e = np.zeros(3)
        e[j % 3] = hh
        if j < 3:
            xa += e
        elif j < 6:
            Ua = rotation.expm(e) @ Ua
        elif j < 9:
            xb += e
        else:
            Ub = rotation.expm(e) @ Ub
        return _beam3d(X1, X2, xa, xb, Ua, Ub, sec)["fe"]

    fd = np.column_stack([(f(j, h) - f(j, -h)) / (2 * h) for j in range(12)])
    np.testing.assert_allclose(r["Ke"], fd, atol=2e-7 * np.abs(r["Ke"]).max())
    Ks = _beam3d(X1, X2, x1, x2, U1, U2, sec, symmetric=True)["Ke"]
    np.testing.assert_allclose(Ks, 0.5 * (r["Ke"] + r["Ke"].T), atol=1e-9 * np.abs(Ks).max())


def test_beam3d_rigid_motion_is_stress_free_and_forces_rotate_with_the_element():
    sec = section.Section("circle", 3, 4, diameter=0.2)
    X1, X2 = np.array([0.0, 0.0, 0.0]), np.array([1.0, 0.5, -0.2])
    Q = rotation.expm(np.array([0.7, -1.9, 1.1]))
    c = np.array([0.3, 0.1, -0.5])
    r = _beam3d(X1, X2, Q @ X1 + c, Q @ X2 + c, Q, Q, sec, eth=(0.0, 0.0))
    assert np.abs(r["fe"]).max() < 1e-8
    x1, x2 = X1 + [0.01, 0.0, 0.02], X2 + [0.02, -0.03, 0.01]
    U1, U2 = rotation.expm(np.array([0.05, 0.1, -0.02])), rotation.expm(np.array([-0.1, 0.03, 0.2]))
    f0 = _beam3d(X1, X2, x1, x2, U1, U2, sec, eth=(0.0, 0.0))["fe"]
    f1 = _beam3d(X1, X2, Q @ x1, Q @ x2, Q @ U1, Q @ U2, sec, eth=(0.0, 0.0))["fe"]
    np.testing.assert_allclose(f1, (np.kron(np.eye(4), Q) @ f0), atol=1e-9 * np.abs(f0).max())


def test_beam3d_planar_motion_reproduces_the_2d_element():
    """A motion in the x-y plane gives the 2D element's forces (in-plane bending about z)."""
    s2 = section.Section("rectangle", 2, 5, width=0.3, thickness=0.1)
    s3 = section.Section("rectangle", 3, 5, width=0.3, thickness=0.1)
    X = np.array([[0.3, 0.1], [1.3, 0.6]])
    ue = np.array([0.01, -0.02, 0.3, 0.05, 0.2, -0.4])
    f2 = _beam2d(X, ue, s2, plastic=True)["fe"]
    X1, X2 = np.append(X[0], 0.0), np.append(X[1], 0.0)
    x1, x2 = X1 + np.append(ue[:2], 0.0), X2 + np.append(ue[3:5], 0.0)
    U1, U2 = rotation.expm(np.array([0, 0, ue[2]])), rotation.expm(np.array([0, 0, ue[5]]))
    f3 = _beam3d(X1, X2, x1, x2, U1, U2, s3, plastic=True)["fe"]
    idx = [0, 1, 5, 6, 7, 11]
    np.testing.assert_allclose(f3[idx], f2, atol=1e-9 * np.abs(f2).max())
    assert np.abs(np.delete(f3, idx)).max() < 1e-9 * np.abs(f2).max()


# ============================================================================ ties
def test_tie2d_tangent_and_rigid_rotation():
    n = 8
    G, ue = RNG.normal(size=(n, 2)), RNG.normal(size=(n, 2)) * 0.1
    k, th = 7.0, 0.3

    def run(th, ue):
        f, K = np.zeros(1 + 2 * n), np.zeros((1 + 2 * n, 1 + 2 * n))
        psi = tie.tie2d(th, G, ue, k, f, K)
        return f, K, psi

    f, K, _ = run(th, ue)
    h = 1e-6
    cols = []
    for j in range(1 + 2 * n):
        d = np.zeros(1 + 2 * n)
        d[j] = h
        cols.append((run(th + d[0], ue + d[1:].reshape(n, 2))[0]
                     - run(th - d[0], ue - d[1:].reshape(n, 2))[0]) / (2 * h))
    np.testing.assert_allclose(K, np.column_stack(cols), atol=1e-7 * np.abs(K).max())
    # a rigid rotation of the continuum (F = Q) with the beam end turned by the same angle
    X = RNG.normal(size=(n, 2))
    G = np.linalg.lstsq(X.T, np.eye(2), rcond=None)[0]      # sum_a X_a G_a^T = I
    for phi in (0.5, 2.5):
        Q = np.array([[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]])
        u = ((Q - np.eye(2)) @ X.T).T
        assert abs(run(phi, u)[2]) < 1e-12
        # and a pure stretch of the continuum does not strain the tie either
        V = np.array([[1.1, 0.03], [0.03, 0.95]])
        assert abs(run(phi, ((Q @ V - np.eye(2)) @ X.T).T)[2]) < 1e-12


def test_tie3d_spin_tangent_and_rigid_rotation():
    n = 6
    G, ue = RNG.normal(size=(n, 3)), RNG.normal(size=(n, 3)) * 0.1
    U = rotation.expm(np.array([0.2, -0.3, 0.4]))
    k = 3.0

    def run(U, ue, sym=False):
        f, K = np.zeros(3 + 3 * n), np.zeros((3 + 3 * n, 3 + 3 * n))
        psi = tie.tie3d(U, G, ue, k, sym, f, K)
        return f, K, psi

    f, K, _ = run(U, ue)
    h = 1e-6
    cols = []
    for j in range(3 + 3 * n):
        def pert(hh):
            if j < 3:
                e = np.zeros(3)
                e[j] = hh
                return run(rotation.expm(e) @ U, ue)[0]
            d = np.zeros(3 * n)
            d[j - 3] = hh
            return run(U, ue + d.reshape(n, 3))[0]
        cols.append((pert(h) - pert(-h)) / (2 * h))
    np.testing.assert_allclose(K, np.column_stack(cols), atol=1e-7 * np.abs(K).max())
    X = RNG.normal(size=(n, 3))
    G = np.linalg.lstsq(X.T, np.eye(3), rcond=None)[0]
    Q = rotation.expm(np.array([0.5, 1.0, -0.7]))
    V = np.array([[1.1, 0.02, 0.0], [0.02, 0.9, 0.01], [0.0, 0.01, 1.05]])
    for F in (Q, Q @ V):
        G_ = G
        psi = tie.tie3d(Q, G_, ((F - np.eye(3)) @ X.T).T, k, True, np.zeros(3 + 3 * n),
                        np.zeros((3 + 3 * n, 3 + 3 * n)))
        assert psi < 1e-12


# ============================================================================ benchmarks
def _collect():
    params = []
    for ref in sorted(BENCH.glob("beam-*/reference.toml")):
        for i, spec in enumerate(load_toml(ref).get("beam_case", [])):
            marks = [pytest.mark.slow] if spec.get("slow") else []
            params.append(pytest.param(ref.parent.name, i, marks=marks,
                                       id=f"{ref.parent.name}/{Path(spec['file']).stem}-{i}"))
    return params


def _dig(record, path):
    v = record
    for part in path.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    return float(v)


def run_beam_case(name, spec, workdir):
    """Build the mesh, copy the case, run it; returns the summary."""
    folder = BENCH / name
    mesh = dict(spec["mesh"])
    geo = load_module((folder / mesh.pop("geometry", "geometry.py")).resolve())
    builder = mesh.pop("builder")
    geo.build(workdir / mesh.pop("file"), builder, **mesh)
    shutil.copy(folder / spec["file"], workdir / spec["file"])
    return solver.run_case(workdir / spec["file"], workdir / "out")


@pytest.mark.parametrize("name, index", _collect())
def test_beam_benchmark(name, index, tmp_path):
    """A benchmarks/beam-* case against its reference values."""
    spec = load_toml(BENCH / name / "reference.toml")["beam_case"][index]
    summary = run_beam_case(name, spec, tmp_path)
    steps = {s["name"]: s for s in summary["steps"]}
    failures = []
    for check in spec["check"]:
        value = _dig(steps[check["step"]], check["value"]) * check.get("factor", 1.0)
        ref = check["reference"]
        err = abs(value - ref)
        allowed = max(check.get("rel_tol", 0.0) * abs(ref), check.get("abs_tol", 0.0))
        tol = check.get("rel_tol", check.get("abs_tol"))
        ok = err <= allowed
        RECORDS.append({"benchmark": name, "case": spec["file"], "mesh": spec["mesh"].get("builder"),
                        "quantity": check["quantity"], "computed": value, "reference": ref,
                        "error": err / abs(ref) if "rel_tol" in check and ref else err,
                        "tolerance": tol, "passed": bool(ok),
                        "dofs": summary["mesh"]["dofs"], "elements": summary["mesh"]["elements"],
                        "seconds": summary["timings"]["total"]})
        if not ok:
            failures.append(f"{check['quantity']}: computed {value:.8g}, reference {ref:.8g}, "
                            f"error {err:.3g} > {allowed:.3g}")
    assert not failures, f"{name}/{spec['file']}:\n  " + "\n  ".join(failures)


# ============================================================================ connection, heat
def _geometry(name):
    return load_module(BENCH / name / "geometry.py")


def _case_text(mesh_file, beams, steps, formulation="plane-strain", materials=None, extra=""):
    mats = materials or {"clamp": '{ model = "linear-elastic", E = 1e5, nu = 0.3, alpha = 0.0 }'}
    lines = [f'[mesh]\nfile = "{mesh_file}"\nformulation = "{formulation}"\n', "[materials]"]
    lines += [f"{k} = {v}" for k, v in mats.items()]
    lines += ["", "[[beams]]", beams, "", steps, "", "[output]\nplots = false", extra]
    return "\n".join(lines)


def _fix_table(fixes):
    return "[ " + ", ".join(
        "{ point = [" + ", ".join(f"{c!r}" for c in p) + "], " +
        ", ".join(f"{k} = {v!r}" for k, v in comps.items()) + " }" for p, comps in fixes) + " ]"


@pytest.mark.parametrize("dim", [2, 3])
def test_tied_beam_turns_with_a_rigidly_rotating_block_without_stress(dim, tmp_path):
    """Every node of the block follows a rigid rotation (prescribed, in steps up to 120
    degrees); the beam tied to it at its root must turn with it, stress-free, its free tip at
    the rotated position with the block's rotation."""
    from solver.io.gmsh import read_gmsh

    L = 10.0
    if dim == 2:
        _geometry("beam-elastica").beam(tmp_path / "m.msh", length=L, elements=8)
        axis = np.array([0.0, 0.0, 1.0])
        beam = ('curve = "beam"\nname = "lead"\nsection = { shape = "rectangle", width = 1.0, '
                'thickness = 0.1 }\nends = { root = "tied" }\n')
    else:
        _geometry("beam-3d").straight(tmp_path / "m.msh", length=L, elements=8)
        axis = np.array([1.0, 2.0, 2.0]) / 3.0
        beam = ('curve = "beam"\nname = "lead"\nsection = { shape = "rectangle", width = 0.3, '
                'thickness = 0.1 }\norientation = [0, 1, 0]\nends = { root = "tied" }\n')
    beam += ('material = { model = "j2-plastic", E = 1e5, nu = 0.3, alpha = 0.0, sigma_y = 100.0, '
             'hardening = 1000.0 }\nfibres = 3')
    mesh = read_gmsh(tmp_path / "m.msh", keep_curves=("beam",))
    block = mesh.points[mesh.region_nodes("clamp")]
    steps = []
    angles = (40.0, 80.0, 120.0)
    for i, deg in enumerate(angles):
        Q = rotation.expm(math.radians(deg) * axis)[:dim, :dim]
        fixes = [(x.tolist(), dict(zip(("ux", "uy", "uz"), (Q @ x - x).tolist()))) for x in block]
        steps.append(f'[[steps]]\nname = "turn-{i}"\nfix = {_fix_table(fixes)}\nincrements = 4')
    text = _case_text("m.msh", beam, "\n".join(steps), "3d" if dim == 3 else "plane-strain")
    (tmp_path / "case.toml").write_text(text)
    summary = solver.run_case(tmp_path / "case.toml", tmp_path / "out")
    tip0 = np.zeros(dim)
    tip0[0] = L
    for deg, step in zip(angles, summary["steps"]):
        g = step["groups"]["lead"]
        Q = rotation.expm(math.radians(deg) * axis)[:dim, :dim]
        np.testing.assert_allclose(g["ends"]["tip"]["position"], Q @ tip0, atol=1e-6 * L)
        rot = g["ends"]["tip"]["rotation"]
        expected = [math.radians(deg)] if dim == 2 else (math.radians(deg) * axis).tolist()
        np.testing.assert_allclose(rot, expected, atol=1e-7)
        assert g["max_fibre_stress"] < 1e-6 and g["max_equivalent_plastic_strain"] == 0.0
        assert g["ties"]["root"]["rotation_mismatch"] < 1e-9


def test_thermal_strain_of_the_fibres_free_and_restrained(tmp_path):
    """Cooling by 100 K: a cantilever shortens by alpha dT L without stress; a beam held at
    both ends (tied) carries N = E A alpha |dT| (the first step's start is stress-free)."""
    _geometry("beam-elastica").beam(tmp_path / "c.msh", length=10.0, elements=4)
    mat = 'material = { model = "linear-elastic", E = 1e5, nu = 0.3, alpha = 1e-5 }'
    sec = 'section = { shape = "rectangle", width = 1.0, thickness = 0.1 }'
    step = ('[[steps]]\nname = "cool"\ntemperature = { start = 125.0, end = 25.0 }\n'
            'fix = [ { region = "clamp", u = 0.0 }, { point = [0.0, 0.0], rz = 0.0 } ]')
    (tmp_path / "c.toml").write_text(_case_text("c.msh", f'curve = "beam"\nname = "b"\n{mat}\n{sec}', step))
    s = solver.run_case(tmp_path / "c.toml", tmp_path / "out-c")["steps"][0]["groups"]["b"]
    assert np.isclose(s["ends"]["tip"]["displacement"][0], -1e-5 * 100 * 10.0, rtol=1e-9)
    assert s["max_fibre_stress"] < 1e-9
    _geometry("beam-ties").span(tmp_path / "s.msh", length=10.0, elements=4)
    mats = {"left-block": '{ model = "linear-elastic", E = 1e5, nu = 0.3, alpha = 0.0 }',
            "right-block": '{ model = "linear-elastic", E = 1e5, nu = 0.3, alpha = 0.0 }'}
    step = ('[[steps]]\nname = "cool"\ntemperature = { start = 125.0, end = 25.0 }\n'
            'fix = [ { region = "left-block", u = 0.0 }, { region = "right-block", u = 0.0 } ]')
    beam = f'curve = "beam"\nname = "b"\n{mat}\n{sec}\nends = {{ root = "tied", far = "tied" }}'
    (tmp_path / "s.toml").write_text(_case_text("s.msh", beam, step, materials=mats))
    summary = solver.run_case(tmp_path / "s.toml", tmp_path / "out-s")
    g = summary["steps"][0]["groups"]["b"]
    assert np.isclose(g["max_axial_force"], 1e5 * 0.1 * 1e-5 * 100, rtol=1e-9)
    assert np.isclose(g["max_fibre_stress"], 1e5 * 1e-5 * 100, rtol=1e-9)
    # the .vtu carries the beams as VTK_LINE cells with their section forces
    import meshio

    vtu = sorted((tmp_path / "out-s").glob("*.vtu"))[-1]
    m = meshio.read(vtu)
    lines = [c for c in m.cells if c.type == "line"]
    assert lines and len(lines[0].data) == 4
    k = [c.type for c in m.cells].index("line")
    np.testing.assert_allclose(m.cell_data["beam_axial_force"][k], 10.0, rtol=1e-9)
    for name in ("beam_bending_moment", "beam_equivalent_plastic_strain"):
        assert name in m.cell_data


BAD = [
    ("fibre = 9", "beams[0].fibre: unknown key (did you mean 'fibres'?)"),
    ('section = { shape = "square", width = 1.0 }', "beams[0].section.shape"),
    ("section = { shape = \"rectangle\", width = -1.0, thickness = 0.1 }", "beams[0].section.width: must be positive"),
    ('curve = "bem"', "no physical curve 'bem' for [[beams]] (did you mean 'beam'?)"),
    ('ends = { tip = "tied" }', "beams[0].ends.tip: point 'tip' belongs to no continuum element"),
    ('ends = { tip = "glued" }', 'beams[0].ends.tip: expected "tied" or "free"'),
    ('ends = { nowhere = "free" }', "beams[0].ends.nowhere: no physical point 'nowhere'"),
    ('material = "silicone-pad"', "beams[0].material: beam fibres take a linear-elastic or j2-plastic material"),
    ("orientation = [0, 0, 1]", "beams[0].orientation: only for 3D models"),
]


@pytest.mark.parametrize("line, message", BAD, ids=[b[0].split(" ")[0] + str(i) for i, b in enumerate(BAD)])
def test_bad_beam_tables_are_refused_with_the_key_path(line, message, tmp_path):
    _geometry("beam-elastica").beam(tmp_path / "m.msh", elements=4)
    base = {"curve": 'curve = "beam"', "material": 'material = "copper-plastic"',
            "section": 'section = { shape = "rectangle", width = 0.05, thickness = 0.018 }'}
    key = line.split(" ")[0]
    if key in base:
        base[key] = line
    beam = "\n".join(base.values()) + ("" if key in base else "\n" + line)
    step = '[[steps]]\nfix = [ { region = "clamp", u = 0.0 }, { point = [0.0, 0.0], rz = 0.0 } ]'
    (tmp_path / "case.toml").write_text(_case_text("m.msh", beam, step))
    with pytest.raises(InputError) as exc:
        solver.run_case(tmp_path / "case.toml", tmp_path / "out")
    # the case file names the key; a misspelt curve is already caught by the mesh reader
    where = "m.msh" if "[[beams]]" in message else "case.toml"
    assert message in str(exc.value) and where in str(exc.value)


def test_3d_rectangle_needs_an_orientation_normal_to_the_beam(tmp_path):
    _geometry("beam-3d").straight(tmp_path / "m.msh", elements=4)
    step = '[[steps]]\nfix = [ { region = "clamp", u = 0.0 } ]'
    for extra, message in (("", "beams[0].orientation: missing"),
                           ("orientation = [1, 0, 0]", "parallel to the beam axis")):
        beam = ('curve = "beam"\nmaterial = "copper"\n'
                'section = { shape = "rectangle", width = 0.05, thickness = 0.018 }\n' + extra)
        (tmp_path / "case.toml").write_text(_case_text("m.msh", beam, step, "3d"))
        with pytest.raises(InputError, match=re.escape(message)):
            solver.run_case(tmp_path / "case.toml", tmp_path / "out")


def test_curve_topology_line3_split_chains_and_branches():
    from solver.elements import ELEMENTS
    from solver.mesh import Boundary
    from solver.structural.group import polylines, two_node_elements

    # two line3 cells (VTK order end, end, mid) and a line: 5 two-node beams
    b = Boundary("c", 1, [(ELEMENTS["line3"], np.array([[0, 2, 1], [2, 4, 3]])),
                          (ELEMENTS["line"], np.array([[4, 5]]))], np.arange(6))
    conn = two_node_elements(b)
    assert sorted(map(tuple, np.sort(conn, axis=1).tolist())) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    lines = polylines(conn)
    assert len(lines) == 1 and sorted([lines[0][0], lines[0][-1]]) == [0, 5] and len(lines[0]) == 6
    # a branch at node 1 and a closed loop elsewhere
    lines = polylines(np.array([[0, 1], [1, 2], [1, 3], [10, 11], [11, 12], [12, 10]]))
    covered = sorted(tuple(sorted(p)) for seq in lines for p in zip(seq[:-1], seq[1:]))
    assert covered == [(0, 1), (1, 2), (1, 3), (10, 11), (10, 12), (11, 12)]

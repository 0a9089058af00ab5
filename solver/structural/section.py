"""Beam cross-sections integrated by fibres, and the uniaxial plasticity of one fibre.

A section is a set of fibres: positions (y, z) in the section's own axes and areas. The beam
strain at a fibre is eps = eps0 - y kappa_z + z kappa_y (Euler-Bernoulli: plane sections stay
plane and normal to the axis); every fibre carries a uniaxial stress from its own material
update, and the section forces are their sums:

    N = sum A sigma,   M_z = -sum A y sigma,   M_y = sum A z sigma.

Section axes: x along the beam, y through the thickness (the in-plane transverse direction of
a 2D model), z along the width (out of plane in 2D). In 2D only y matters and every fibre is
a layer across the full width.

Fibre rules (n = ``fibres``):

* rectangle, 2D: n Gauss-Lobatto points through the thickness (the outer fibres are on the
  surface; exact elastic EI for n >= 3);
* circle, 2D: n Gauss-Chebyshev points of the second kind (weight sqrt(1 - t^2), the width of
  the circle), exact elastic EI for n >= 2;
* rectangle, 3D: n x n Gauss-Lobatto points (thickness x width);
* circle, 3D: max(2, ceil(n/2)) Gauss-Legendre rings (weight r dr) times 2n angles (n >= 3),
  exact elastic A and I.

Uniaxial plasticity per fibre (``fibre_update``): the J2 model reduced to uniaxial stress is
|sigma| <= sigma_y(alpha_bar) with the equivalent plastic strain alpha_bar = sum |d eps_p| and
isotropic hardening along the material's yield curve (piecewise linear, last slope continued:
the same curve ``solver.materials.plastic.J2Plastic`` uses). Radial return with the consistent
tangent E H / (E + H); a trial stress on the yield surface within round-off (the start of an
increment) counts as elastic, so that unloading starts from the elastic stiffness. A
linear-elastic material gives sigma = E eps.
"""

import math

import numpy as np
from numba import njit

from ..config import JIT
from ..materials.plastic import _yield

RECTANGLE = "rectangle"
CIRCLE = "circle"


def lobatto(n):
    """Gauss-Lobatto points and weights on [-1, 1] (n >= 2; exact to degree 2n - 3)."""
    if n < 2:
        raise ValueError("Gauss-Lobatto needs at least 2 points")
    if n == 2:
        return np.array([-1.0, 1.0]), np.array([1.0, 1.0])
    # interior points: roots of P'_{n-1}
    c = np.zeros(n)
    c[-1] = 1.0
    inner = np.polynomial.legendre.legroots(np.polynomial.legendre.legder(c))
    x = np.concatenate([[-1.0], np.sort(inner.real), [1.0]])
    P = np.polynomial.legendre.legval(x, c)
    w = 2.0 / (n * (n - 1) * P ** 2)
    return x, w


def chebyshev_u(n):
    """Gauss-Chebyshev rule of the second kind: int_{-1}^{1} f(t) sqrt(1 - t^2) dt."""
    i = np.arange(1, n + 1)
    t = np.cos(i * np.pi / (n + 1))
    w = np.pi / (n + 1) * np.sin(i * np.pi / (n + 1)) ** 2
    return t[::-1].copy(), w[::-1].copy()


def torsion_constant_rectangle(b, h):
    """Saint-Venant torsion constant J (mm^4) of a b x h rectangle (series, exact)."""
    a, c = max(b, h), min(b, h)
    s = 0.0
    for k in range(1, 200, 2):
        s += math.tanh(k * math.pi * a / (2 * c)) / k ** 5
    return a * c ** 3 / 3.0 * (1.0 - 192.0 / math.pi ** 5 * (c / a) * s)


class Section:
    """Fibres of a cross-section.

    shape : "rectangle" (width b along z, thickness h along y) or "circle" (diameter d);
    dim : 2 or 3; n : fibres per direction.
    y, z, area : (n_f,) float64, mm, mm, mm^2; A, Iz (about z: bending through the
    thickness), Iy (about y), J (torsion), mm^2 / mm^4; extent_y, extent_z : half sizes
    """

    def __init__(self, shape, dim, n, width=None, thickness=None, diameter=None):
        self.shape, self.dim, self.n = shape, dim, n
        if shape == RECTANGLE:
            b, h = float(width), float(thickness)
            self.width, self.thickness = b, h
            self.A = b * h
            self.Iz = b * h ** 3 / 12.0
            self.Iy = h * b ** 3 / 12.0
            self.J = torsion_constant_rectangle(b, h)
            self.extent_y, self.extent_z = h / 2, b / 2
            x, w = lobatto(n)
            if dim == 2:
                self.y = x * h / 2
                self.z = np.zeros(n)
                self.area = w * h / 2 * b
            else:
                Y, Z = np.meshgrid(x * h / 2, x * b / 2, indexing="ij")
                self.y, self.z = Y.ravel(), Z.ravel()
                self.area = (np.outer(w, w) * (h / 2) * (b / 2)).ravel()
        elif shape == CIRCLE:
            d = float(diameter)
            R = d / 2
            self.diameter = d
            self.A = math.pi * R ** 2
            self.Iz = self.Iy = math.pi * R ** 4 / 4
            self.J = math.pi * d ** 4 / 32
            self.extent_y = self.extent_z = R
            if dim == 2:
                t, w = chebyshev_u(n)
                self.y = t * R
                self.z = np.zeros(n)
                self.area = 2 * R ** 2 * w
            else:
                nr = max(2, (n + 1) // 2)
                nt = 2 * n
                xr, wr = np.polynomial.legendre.leggauss(nr)
                r = (xr + 1) * R / 2
                wr = wr * R / 2 * r                      # weight r dr
                th = (np.arange(nt) + 0.5) * 2 * np.pi / nt
                rr, tt = np.meshgrid(r, th, indexing="ij")
                self.y = (rr * np.cos(tt)).ravel()
                self.z = (rr * np.sin(tt)).ravel()
                self.area = (wr[:, None] * np.full(nt, 2 * np.pi / nt)[None, :]).ravel()
        else:
            raise ValueError(f"unknown section shape {shape}")
        self.y = np.ascontiguousarray(self.y, dtype=np.float64)
        self.z = np.ascontiguousarray(self.z, dtype=np.float64)
        self.area = np.ascontiguousarray(self.area, dtype=np.float64)

    @property
    def n_fibres(self):
        return len(self.area)

    def describe(self):
        if self.shape == RECTANGLE:
            return f"rectangle {self.width:g} x {self.thickness:g} mm"
        return f"circle d = {self.diameter:g} mm"

    def to_json(self):
        out = {"shape": self.shape, "A": self.A, "I_bending": self.Iz, "I_lateral": self.Iy,
               "J": self.J, "fibres": self.n_fibres}
        if self.shape == RECTANGLE:
            out.update(width=self.width, thickness=self.thickness)
        else:
            out.update(diameter=self.diameter)
        return out


@njit(**JIT)
def fibre_update(eps, E, ep0, a0, curve_e, curve_s, plastic):
    """Uniaxial J2 return map at one fibre.

    eps : mechanical strain (thermal part removed); E : MPa; ep0, a0 : plastic strain and
    equivalent plastic strain at the start of the increment. Returns (sigma MPa, tangent
    d sigma / d eps MPa, ep1, a1, status) with status 1 when the return map fails.
    """
    sig_tr = E * (eps - ep0)
    if not plastic:
        return sig_tr, E, ep0, a0, 0
    sy, H = _yield(curve_e, curve_s, a0)
    q = abs(sig_tr)
    # on the yield surface within round-off (the converged state itself): elastic, with the
    # elastic tangent, so that a Newton solve that unloads starts from the unloading stiffness
    if q - sy <= 1e-9 * max(sy, 1.0):
        return sig_tr, E, ep0, a0, 0
    dg = 0.0
    ok = False
    for _ in range(60):
        sy, H = _yield(curve_e, curve_s, a0 + dg)
        r = q - E * dg - sy
        if abs(r) <= 1e-12 * max(sy, 1.0):
            ok = True
            break
        if E + H <= 0.0:
            return sig_tr, E, ep0, a0, 1
        dg += r / (E + H)
    if not ok or dg < 0.0:
        return sig_tr, E, ep0, a0, 1
    sy, H = _yield(curve_e, curve_s, a0 + dg)
    sgn = 1.0 if sig_tr > 0.0 else -1.0
    sig = sgn * (q - E * dg)
    Et = E * H / (E + H)
    return sig, Et, ep0 + sgn * dg, a0 + dg, 0


@njit(**JIT)
def section_response(eps0, kz, ky, E, eth, fy, fz, fA, ep0, a0, curve_e, curve_s, plastic,
                     s, D, ep1, a1, sig, sabs):
    """Section forces s = (N, M_z, M_y) and tangent D (3 x 3) = d s / d (eps0, kz, ky).

    eps = eps0 - y kz + z ky - eth at every fibre; ep0, a0 (n_f,) start state; outputs
    ep1, a1, sig (n_f,) filled and sabs = (sum A |sigma|, sum A |sigma| (|y| + |z|)), the size
    of the forces the fibres carry (a self-equilibrated residual stress has s = 0 but not
    sabs: the convergence measure's scale). Returns a status (1: a fibre update failed).
    """
    sabs[0] = 0.0
    sabs[1] = 0.0
    for i in range(3):
        s[i] = 0.0
        for j in range(3):
            D[i, j] = 0.0
    status = 0
    for k in range(len(fA)):
        g0 = 1.0
        g1 = -fy[k]
        g2 = fz[k]
        e = eps0 + g1 * kz + g2 * ky - eth
        sk, Et, ep1[k], a1[k], st = fibre_update(e, E, ep0[k], a0[k], curve_e, curve_s, plastic)
        status = max(status, st)
        sig[k] = sk
        A = fA[k]
        sabs[0] += A * abs(sk)
        sabs[1] += A * abs(sk) * (abs(g1) + abs(g2))
        s[0] += A * sk
        s[1] += A * g1 * sk
        s[2] += A * g2 * sk
        c = A * Et
        D[0, 0] += c
        D[0, 1] += c * g1
        D[0, 2] += c * g2
        D[1, 1] += c * g1 * g1
        D[1, 2] += c * g1 * g2
        D[2, 2] += c * g2 * g2
    D[1, 0] = D[0, 1]
    D[2, 0] = D[0, 2]
    D[2, 1] = D[1, 2]
    return status

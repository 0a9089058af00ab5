"""Zero-thickness interface elements: forces, exact tangent, integration rules.

An interface element pairs a facet of the opposite side (nodes o_1..o_k) with its copy on the
split side (s_1..s_k), connectivity ``[o_1..o_k, s_1..s_k]``. At a point xi of the facet

    opening      Delta = sum_a N_a (x_s_a - x_o_a)            (current positions, mm)
    midsurface   x_m   = sum_a N_a (x_o_a + x_s_a) / 2, tangents g_r = d x_m / d xi_r
    normal       n     = sign * (g_y, -g_x) / |g|            (2D, a line)
                         sign * g_1 x g_2 / |g_1 x g_2|      (3D, a surface)
                         N0 made orthogonal to g / |g|       (3D, a line: a beam on a surface;
                                                             N0 = the surface's normal)

so the normal rotates with the pair (corotational) and the law sees the same opening at any
rigid rotation. Forces per reference area: f_s_a = int N_a tau dA0 = -f_o_a. The tangent
includes the rotation of n (exact; it is not symmetric while the damage grows or the pair is
closed, see ``CohesiveInterface``).

``mode`` codes: 0 = a surface between two bodies (2D line pairs, 3D surface pairs), 1 = a line
on a surface in 3D (beam nodes above the sheet's nodes).
"""

import math

import numpy as np
from numba import njit

from ..config import JIT
from ..elements import quadrature as Q
from .law import traction

SURFACE, LINE3D = 0, 1


def rule(etype, integration):
    """Quadrature (points, weights) on a facet type: ``"nodal"`` (Newton-Cotes / Lobatto
    points at the nodes, the usual choice for stiff interfaces: no spurious traction
    oscillations) or ``"gauss"``."""
    name = etype.name
    if integration == "nodal":
        if name == "line":
            return np.array([[-1.0], [1.0]]), np.array([1.0, 1.0])
        if name == "line3":
            return np.array([[-1.0], [0.0], [1.0]]), np.array([1.0, 4.0, 1.0]) / 3.0
        if name in ("quad", "quad8"):
            x, w = (np.array([-1.0, 1.0]), np.array([1.0, 1.0])) if name == "quad" else \
                (np.array([-1.0, 0.0, 1.0]), np.array([1.0, 4.0, 1.0]) / 3.0)
            X, Y = np.meshgrid(x, x, indexing="ij")
            return np.column_stack([X.ravel(), Y.ravel()]), np.outer(w, w).ravel()
        if name == "triangle":
            return np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.full(3, 1.0 / 6.0)
        # triangle6: a nodal rule would give the corners zero weight; use Gauss
    if name == "line":
        return Q.gauss_line(2)
    if name == "line3":
        return Q.gauss_line(3)
    if name == "quad":
        return Q.gauss_quad(2)
    if name == "quad8":
        return Q.gauss_quad(3)
    if name == "triangle":
        return Q.simplex_triangle(2)
    if name == "triangle6":
        return Q.simplex_triangle(4)
    raise ValueError(f"no interface rule for {name}")


def reference_measure(X, N, dN, w):
    """Reference length (lines) or area (surfaces) per point, without thickness or width.

    X : (n_el, k, dim) facet node coordinates; N (n_qp, k); dN (n_qp, k, r); w (n_qp,)
    returns (n_el, n_qp) mm or mm^2
    """
    G = np.einsum("ekd,qkr->eqdr", X, dN)
    if dN.shape[2] == 1:
        return np.linalg.norm(G[..., 0], axis=-1) * w
    return np.linalg.norm(np.cross(G[..., 0], G[..., 1]), axis=-1) * w


def reference_normals(X, dN_centre, dim):
    """Unnormalised facet normals at the facet centre by the facet's node order:
    2D (t_y, -t_x), 3D t_1 x t_2 (the convention of solver.bcs). X (n_el, k, dim)."""
    G = np.einsum("ekd,kr->edr", X, dN_centre)
    if dim == 2:
        return np.stack([G[:, 1, 0], -G[:, 0, 0]], axis=-1)
    return np.cross(G[..., 0], G[..., 1])


@njit(**JIT)
def interface_forces(xo, xs, N, dN, mode, sign, N0, dA, p, d_old, dv_old, phi, want_tangent,
                     fe, Ke, d_new, dv_new, out):
    """Forces and tangents of interface elements.

    xo, xs : (n_el, k, dim) current node positions of the opposite and the split side, mm
    N : (n_qp, k); dN : (n_qp, k, r) facet shape functions and reference derivatives
    mode : SURFACE or LINE3D; sign : (n_el,) +-1 orienting the normal from opposite to side;
    N0 : (n_el, dim) reference normal (LINE3D); dA : (n_el, n_qp) reference area weights, mm^2
    p : law parameters; d_old, dv_old : (n_el, n_qp) committed damage; phi : viscous factor
    fills fe (n_el, 2k dim) N, Ke (n_el, 2k dim, 2k dim) N/mm (when want_tangent),
    d_new, dv_new (n_el, n_qp) and out (n_el, n_qp, 4): normal opening, sliding (mm),
    normal and shear traction (MPa)
    """
    n_el, k, dim = xo.shape
    n_qp = N.shape[0]
    r_dim = dN.shape[2]
    nd = 2 * k * dim
    for e in range(n_el):   # sequential: interfaces are small, and compile fast
        D = np.zeros(dim)
        n = np.zeros(dim)
        tau = np.zeros(dim)
        A = np.zeros((dim, dim))
        Bm = np.zeros((dim, dim))
        g = np.zeros((2, 3))
        C = np.zeros((3, 3, 2))       # d n / d g_r (3D surface: r = 0, 1)
        Dn = np.zeros((k, dim, dim))  # d n / d u_b (either side, each half)
        for i in range(nd):
            fe[e, i] = 0.0
            if want_tangent:
                for j in range(nd):
                    Ke[e, i, j] = 0.0
        for q in range(n_qp):
            for i in range(dim):
                D[i] = 0.0
                g[0, i] = 0.0
                g[1, i] = 0.0
            for a in range(k):
                for i in range(dim):
                    D[i] += N[q, a] * (xs[e, a, i] - xo[e, a, i])
                    xm = 0.5 * (xo[e, a, i] + xs[e, a, i])
                    for r in range(r_dim):
                        g[r, i] += dN[q, a, r] * xm
            # --- corotational normal and its derivative with respect to g
            for i in range(3):
                for j in range(3):
                    C[i, j, 0] = 0.0
                    C[i, j, 1] = 0.0
            if mode == 0 and dim == 2:
                L = math.sqrt(g[0, 0] ** 2 + g[0, 1] ** 2)
                t0 = g[0, 0] / L
                t1 = g[0, 1] / L
                s = sign[e]
                n[0] = s * t1
                n[1] = -s * t0
                # n = s R t, R = [[0, 1], [-1, 0]]; dt/dg = (I - t t^T) / L
                P00 = (1.0 - t0 * t0) / L
                P01 = -t0 * t1 / L
                P11 = (1.0 - t1 * t1) / L
                C[0, 0, 0] = s * P01
                C[0, 1, 0] = s * P11
                C[1, 0, 0] = -s * P00
                C[1, 1, 0] = -s * P01
            elif mode == 0:
                m0 = g[0, 1] * g[1, 2] - g[0, 2] * g[1, 1]
                m1 = g[0, 2] * g[1, 0] - g[0, 0] * g[1, 2]
                m2 = g[0, 0] * g[1, 1] - g[0, 1] * g[1, 0]
                L = math.sqrt(m0 * m0 + m1 * m1 + m2 * m2)
                s = sign[e]
                n[0] = s * m0 / L
                n[1] = s * m1 / L
                n[2] = s * m2 / L
                # dn = Pm dm, Pm = s (I - mh mh^T) / L; dm = -[g1]x dg0 + [g0]x dg1
                Pm = np.zeros((3, 3))
                for i in range(3):
                    for j in range(3):
                        Pm[i, j] = s * ((1.0 if i == j else 0.0) - n[i] * n[j]) / L
                S0 = _skew(g[0])
                S1 = _skew(g[1])
                for i in range(3):
                    for j in range(3):
                        v0 = 0.0
                        v1 = 0.0
                        for l in range(3):
                            v0 -= Pm[i, l] * S1[l, j]
                            v1 += Pm[i, l] * S0[l, j]
                        C[i, j, 0] = v0
                        C[i, j, 1] = v1
            else:
                L = math.sqrt(g[0, 0] ** 2 + g[0, 1] ** 2 + g[0, 2] ** 2)
                t = np.zeros(3)
                for i in range(3):
                    t[i] = g[0, i] / L
                Nt = N0[e, 0] * t[0] + N0[e, 1] * t[1] + N0[e, 2] * t[2]
                pv = np.zeros(3)
                for i in range(3):
                    pv[i] = N0[e, i] - Nt * t[i]
                Lp = math.sqrt(pv[0] ** 2 + pv[1] ** 2 + pv[2] ** 2)
                for i in range(3):
                    n[i] = pv[i] / Lp
                # dn/dp (I - n n^T)/Lp; dp/dt = -(t N0^T + (N0.t) I); dt/dg = (I - t t^T)/L
                M1 = np.zeros((3, 3))
                M2 = np.zeros((3, 3))
                for i in range(3):
                    for j in range(3):
                        eye = 1.0 if i == j else 0.0
                        M1[i, j] = -(t[i] * N0[e, j] + Nt * eye)
                        M2[i, j] = (eye - t[i] * t[j]) / L
                for i in range(3):
                    for j in range(3):
                        v = 0.0
                        for l in range(3):
                            for m in range(3):
                                Pn = ((1.0 if i == l else 0.0) - n[i] * n[l]) / Lp
                                v += Pn * M1[l, m] * M2[m, j]
                        C[i, j, 0] = v
            # --- the law
            d, dv = traction(D, n, dim, p, d_old[e, q], dv_old[e, q], phi, tau, A, Bm,
                             want_tangent)
            d_new[e, q] = d
            dv_new[e, q] = dv
            dn_ = 0.0
            tn = 0.0
            for i in range(dim):
                dn_ += D[i] * n[i]
                tn += tau[i] * n[i]
            sl2 = 0.0
            ts2 = 0.0
            for i in range(dim):
                sl2 += (D[i] - dn_ * n[i]) ** 2
                ts2 += (tau[i] - tn * n[i]) ** 2
            out[e, q, 0] = dn_
            out[e, q, 1] = math.sqrt(sl2)
            out[e, q, 2] = tn
            out[e, q, 3] = math.sqrt(ts2)
            w = dA[e, q]
            for a in range(k):
                for i in range(dim):
                    v = w * N[q, a] * tau[i]
                    fe[e, (k + a) * dim + i] += v
                    fe[e, a * dim + i] -= v
            if not want_tangent:
                continue
            # d n / d u_b (the same for the opposite and the side copy of facet node b)
            for b in range(k):
                for i in range(dim):
                    for j in range(dim):
                        v = 0.0
                        for r in range(r_dim):
                            v += C[i, j, r] * dN[q, b, r]
                        Dn[b, i, j] = 0.5 * v
            for a2 in range(2 * k):
                sa = 1.0 if a2 >= k else -1.0
                fa = a2 - k if a2 >= k else a2
                wa = w * sa * N[q, fa]
                if wa == 0.0:
                    continue
                for b2 in range(2 * k):
                    sb = 1.0 if b2 >= k else -1.0
                    fb = b2 - k if b2 >= k else b2
                    for i in range(dim):
                        for j in range(dim):
                            v = A[i, j] * sb * N[q, fb]
                            for l in range(dim):
                                v += Bm[i, l] * Dn[fb, l, j]
                            Ke[e, a2 * dim + i, b2 * dim + j] += wa * v


@njit(**JIT)
def _skew(a):
    """[a]x with [a]x b = a x b."""
    S = np.zeros((3, 3))
    S[0, 1] = -a[2]
    S[0, 2] = a[1]
    S[1, 0] = a[2]
    S[1, 2] = -a[0]
    S[2, 0] = -a[1]
    S[2, 1] = a[0]
    return S


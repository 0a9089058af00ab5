"""Finite rotations (numba): rotation vectors, Rodrigues' formula, the logarithm, T_s.

Conventions: a rotation vector t (angle |t| about t/|t|) gives R = exp(S(t)), S(v) a = v x a.
Spins are left (spatial) spins: dR = S(dw) R. The rotation vector and the spin are related by
dw = T_s(t) dt, and dt = T_s^-1(t) dw with (Battini & Pacoste 2002, eq. 18; Crisfield 1997)

    T_s^-1(t) = c I + (1 - c) e e^T - S(t)/2,   c = (|t|/2) / tan(|t|/2),  e = t/|t|.
"""

import math

import numpy as np
from numba import njit

from ..config import JIT
from .linalg import mm


@njit(**JIT)
def skew(v):
    S = np.zeros((3, 3))
    S[0, 1] = -v[2]
    S[0, 2] = v[1]
    S[1, 0] = v[2]
    S[1, 2] = -v[0]
    S[2, 0] = -v[1]
    S[2, 1] = v[0]
    return S


@njit(**JIT)
def cross(a, b):
    out = np.empty(3)
    out[0] = a[1] * b[2] - a[2] * b[1]
    out[1] = a[2] * b[0] - a[0] * b[2]
    out[2] = a[0] * b[1] - a[1] * b[0]
    return out


@njit(**JIT)
def expm(t):
    """Rotation matrix of the rotation vector t (Rodrigues)."""
    th2 = t[0] * t[0] + t[1] * t[1] + t[2] * t[2]
    th = math.sqrt(th2)
    if th < 1e-4:
        a = 1.0 - th2 / 6.0 + th2 * th2 / 120.0
        b = 0.5 - th2 / 24.0 + th2 * th2 / 720.0
    else:
        a = math.sin(th) / th
        b = (1.0 - math.cos(th)) / th2
    S = skew(t)
    return np.eye(3) + a * S + b * mm(S, S)


@njit(**JIT)
def logm(R):
    """Rotation vector (angle <= pi) of the rotation matrix R (via the unit quaternion)."""
    tr = R[0, 0] + R[1, 1] + R[2, 2]
    q = np.empty(4)  # w, x, y, z
    # Spurrier's algorithm: pivot on the largest of w^2, x^2, y^2, z^2
    m = max(tr, R[0, 0], R[1, 1], R[2, 2])
    if m == tr:
        w = 0.5 * math.sqrt(1.0 + tr)
        q[0] = w
        q[1] = (R[2, 1] - R[1, 2]) / (4 * w)
        q[2] = (R[0, 2] - R[2, 0]) / (4 * w)
        q[3] = (R[1, 0] - R[0, 1]) / (4 * w)
    else:
        i = 0
        if R[1, 1] == m:
            i = 1
        elif R[2, 2] == m:
            i = 2
        j = (i + 1) % 3
        k = (i + 2) % 3
        qi = math.sqrt(max(0.5 * R[i, i] + 0.25 * (1.0 - tr), 0.0))
        q[1 + i] = qi
        q[0] = (R[k, j] - R[j, k]) / (4 * qi)
        q[1 + j] = (R[j, i] + R[i, j]) / (4 * qi)
        q[1 + k] = (R[k, i] + R[i, k]) / (4 * qi)
    if q[0] < 0.0:
        for a in range(4):
            q[a] = -q[a]
    s = math.sqrt(q[1] * q[1] + q[2] * q[2] + q[3] * q[3])
    out = np.empty(3)
    if s < 1e-8:
        f = 2.0 / q[0] * (1.0 - s * s / (3.0 * q[0] * q[0]))   # 2 atan(s/w)/s, small s
    else:
        f = 2.0 * math.atan2(s, q[0]) / s
    for a in range(3):
        out[a] = f * q[1 + a]
    return out


@njit(**JIT)
def _coefficients(th):
    """c(th), d(th) = (1 - c)/th^2, c'(th)/th, d'(th)/th with c = (th/2) cot(th/2)."""
    if th < 0.05:
        t2 = th * th
        c = 1.0 - t2 / 12.0 - t2 * t2 / 720.0 - t2 * t2 * t2 / 30240.0
        d = 1.0 / 12.0 + t2 / 720.0 + t2 * t2 / 30240.0
        dc = -1.0 / 6.0 - t2 / 180.0 - t2 * t2 / 5040.0
        dd = 1.0 / 360.0 + t2 / 7560.0 + t2 * t2 / 201600.0
        return c, d, dc, dd
    h = 0.5 * th
    c = h / math.tan(h)
    d = (1.0 - c) / (th * th)
    s = math.sin(h)
    cp = 0.5 / math.tan(h) - 0.25 * th / (s * s)
    dc = cp / th
    dd = (-cp / (th * th) - 2.0 * (1.0 - c) / (th * th * th)) / th
    return c, d, dc, dd


@njit(**JIT)
def tinv(t):
    """T_s^-1(t) (3 x 3): d t = T_s^-1 dw for a left spin dw."""
    th = math.sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2])
    c, d, _, _ = _coefficients(th)
    out = c * np.eye(3) - 0.5 * skew(t)
    for i in range(3):
        for j in range(3):
            out[i, j] += d * t[i] * t[j]
    return out


@njit(**JIT)
def kh(t, m):
    """d(T_s^-T(t) m)/d t . T_s^-1(t) at fixed m (3 x 3): the tangent term of the change from
    rotation-vector moments m to spin moments T_s^-T m."""
    th = math.sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2])
    c, d, dc, dd = _coefficients(th)
    tm = t[0] * m[0] + t[1] * m[1] + t[2] * m[2]
    A = -0.5 * skew(m)
    for i in range(3):
        A[i, i] += d * tm
        for j in range(3):
            A[i, j] += dc * m[i] * t[j] + dd * tm * t[i] * t[j] + d * t[i] * m[j]
    return mm(A, tinv(t))


@njit(**JIT)
def update_rotations(U, dr):
    """U[k] <- exp(S(dr[k])) U[k] for every node with a non-zero increment (in place).

    U : (n, 3, 3) rotation matrices; dr : (n, 3) rotation increments (left spins)."""
    for k in range(U.shape[0]):
        if dr[k, 0] != 0.0 or dr[k, 1] != 0.0 or dr[k, 2] != 0.0:
            U[k] = mm(expm(dr[k]), U[k])

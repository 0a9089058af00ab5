"""Small tensor helpers for material point kernels (numba).

Second-order tensors are 3x3 arrays; fourth-order tangents are stored as 9x9 arrays with
row index 3 i + j and column index 3 k + l. Voigt 6-vectors use VTK order XX YY ZZ XY YZ XZ.
"""

import numpy as np
from numba import njit

from ..config import JIT

VOIGT = ((0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2))
#: Voigt index of the symmetric pair (i, j)
VOIGT_OF = np.array([[0, 3, 5], [3, 1, 4], [5, 4, 2]], dtype=np.int64)


@njit(**JIT)
def det3(A):
    return (A[0, 0] * (A[1, 1] * A[2, 2] - A[1, 2] * A[2, 1])
            - A[0, 1] * (A[1, 0] * A[2, 2] - A[1, 2] * A[2, 0])
            + A[0, 2] * (A[1, 0] * A[2, 1] - A[1, 1] * A[2, 0]))


@njit(**JIT)
def inv3(A, out):
    d = det3(A)
    out[0, 0] = (A[1, 1] * A[2, 2] - A[1, 2] * A[2, 1]) / d
    out[0, 1] = (A[0, 2] * A[2, 1] - A[0, 1] * A[2, 2]) / d
    out[0, 2] = (A[0, 1] * A[1, 2] - A[0, 2] * A[1, 1]) / d
    out[1, 0] = (A[1, 2] * A[2, 0] - A[1, 0] * A[2, 2]) / d
    out[1, 1] = (A[0, 0] * A[2, 2] - A[0, 2] * A[2, 0]) / d
    out[1, 2] = (A[0, 2] * A[1, 0] - A[0, 0] * A[1, 2]) / d
    out[2, 0] = (A[1, 0] * A[2, 1] - A[1, 1] * A[2, 0]) / d
    out[2, 1] = (A[0, 1] * A[2, 0] - A[0, 0] * A[2, 1]) / d
    out[2, 2] = (A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]) / d
    return d


@njit(**JIT)
def to_voigt(S, out):
    """Symmetric tensor -> Voigt 6-vector (tensor components, no factor 2)."""
    out[0] = S[0, 0]
    out[1] = S[1, 1]
    out[2] = S[2, 2]
    out[3] = S[0, 1]
    out[4] = S[1, 2]
    out[5] = S[0, 2]


@njit(**JIT)
def add_geometric(tau, a):
    """a_ijkl += delta_ik tau_jl: the total spatial tangent from the Lie-derivative one."""
    for i in range(3):
        for j in range(3):
            for l in range(3):
                a[3 * i + j, 3 * i + l] += tau[j, l]


@njit(**JIT)
def add_isochoric_projection_terms(tau_bar_trace, tau_iso, a, scale):
    """a += scale * [(2/3) tr(tau_bar) P - (2/3)(tau_iso x 1 + 1 x tau_iso)].

    P = I_sym - (1/3) 1 x 1 is the spatial deviatoric projector. These are the terms every
    isochoric hyperelastic Kirchhoff tangent shares (Holzapfel 2000, eq. 6.170).
    """
    c1 = scale * 2.0 / 3.0 * tau_bar_trace
    c2 = scale * 2.0 / 3.0
    for i in range(3):
        for j in range(3):
            for k in range(3):
                for l in range(3):
                    isym = 0.5 * ((i == k) * (j == l) + (i == l) * (j == k))
                    P = isym - (i == j) * (k == l) / 3.0
                    a[3 * i + j, 3 * k + l] += (c1 * P - c2 * (tau_iso[i, j] * (k == l)
                                                               + (i == j) * tau_iso[k, l]))


@njit(**JIT)
def add_volumetric(J, p, dp_dJ, tau, a):
    """Kirchhoff volumetric part tau += J p 1 and its total tangent.

    p (MPa) is dU/dJ; a_ijkl += J (p + J dp/dJ) d_ij d_kl - J p d_il d_jk (geometric term
    included).
    """
    for i in range(3):
        tau[i, i] += J * p
    c1 = J * (p + J * dp_dJ)
    c2 = J * p
    for i in range(3):
        for k in range(3):
            a[3 * i + i, 3 * k + k] += c1
            a[3 * i + k, 3 * k + i] -= c2


@njit(**JIT)
def push_forward_voigt_tangent(F, D, a, T1, T2):
    """a_ijkl += F_iI F_jJ F_kK F_lL C_IJKL with C from a Voigt matrix D (engineering strain).

    C_IJKL = D[V(IJ), V(KL)] for every index pair (the engineering shear sums both orders).
    T1, T2 : (3, 3, 3, 3) scratch arrays. Four successive contractions, 4 x 243 multiply-adds.
    """
    for i in range(3):
        for J in range(3):
            for K in range(3):
                for L in range(3):
                    kl = VOIGT_OF[K, L]
                    T1[i, J, K, L] = (F[i, 0] * D[VOIGT_OF[0, J], kl] + F[i, 1] * D[VOIGT_OF[1, J], kl]
                                      + F[i, 2] * D[VOIGT_OF[2, J], kl])
    for i in range(3):
        for j in range(3):
            for K in range(3):
                for L in range(3):
                    T2[i, j, K, L] = (F[j, 0] * T1[i, 0, K, L] + F[j, 1] * T1[i, 1, K, L]
                                      + F[j, 2] * T1[i, 2, K, L])
    for i in range(3):
        for j in range(3):
            for k in range(3):
                for L in range(3):
                    T1[i, j, k, L] = (F[k, 0] * T2[i, j, 0, L] + F[k, 1] * T2[i, j, 1, L]
                                      + F[k, 2] * T2[i, j, 2, L])
    for i in range(3):
        for j in range(3):
            for k in range(3):
                for l in range(3):
                    a[3 * i + j, 3 * k + l] += (F[l, 0] * T1[i, j, k, 0] + F[l, 1] * T1[i, j, k, 1]
                                                + F[l, 2] * T1[i, j, k, 2])


@njit(**JIT)
def matmul3(A, B, out):
    """out = A B for 3 x 3 arrays (no allocation)."""
    for i in range(3):
        for j in range(3):
            out[i, j] = A[i, 0] * B[0, j] + A[i, 1] * B[1, j] + A[i, 2] * B[2, j]


@njit(**JIT)
def matmul3_t(A, B, out):
    """out = A B^T for 3 x 3 arrays (no allocation)."""
    for i in range(3):
        for j in range(3):
            out[i, j] = A[i, 0] * B[j, 0] + A[i, 1] * B[j, 1] + A[i, 2] * B[j, 2]


#: points per chunk of the material kernels: scratch arrays are allocated once per chunk
CHUNK = 256

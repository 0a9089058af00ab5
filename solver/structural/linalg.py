"""Small dense products as plain loops (numba).

NumPy's ``@`` inside numba goes through BLAS bindings compiled per array layout, which
costs seconds of compile time for every transposed or sliced operand; the element kernels
use these loops instead (the matrices are at most 14 x 14).
"""

import numpy as np
from numba import njit

from ..config import JIT


@njit(**JIT)
def mm(A, B):
    """A B."""
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for p in range(k):
            a = A[i, p]
            if a != 0.0:
                for j in range(m):
                    C[i, j] += a * B[p, j]
    return C


@njit(**JIT)
def mtm(A, B):
    """A^T B."""
    k, n = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for p in range(k):
        for i in range(n):
            a = A[p, i]
            if a != 0.0:
                for j in range(m):
                    C[i, j] += a * B[p, j]
    return C


@njit(**JIT)
def mmt(A, B):
    """A B^T."""
    n, k = A.shape
    m = B.shape[0]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s += A[i, p] * B[j, p]
            C[i, j] = s
    return C


@njit(**JIT)
def mv(A, x):
    """A x."""
    n, k = A.shape
    y = np.zeros(n)
    for i in range(n):
        s = 0.0
        for p in range(k):
            s += A[i, p] * x[p]
        y[i] = s
    return y


@njit(**JIT)
def mtv(A, x):
    """A^T x."""
    k, n = A.shape
    y = np.zeros(n)
    for p in range(k):
        xp = x[p]
        if xp != 0.0:
            for i in range(n):
                y[i] += A[p, i] * xp
    return y


@njit(**JIT)
def btdb(B, D):
    """B^T D B."""
    return mtm(B, mm(D, B))

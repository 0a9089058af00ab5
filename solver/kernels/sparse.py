"""Parallel sparse kernels for the iterative solvers (numba): CSR products, Chebyshev."""

import numpy as np
from numba import njit, prange

from ..config import JIT_PARALLEL


@njit(**JIT_PARALLEL)
def csr_matvec(indptr, indices, data, x, y):
    """y = A x for a CSR matrix (rows in parallel)."""
    n = len(indptr) - 1
    for r in prange(n):
        s = 0.0
        for k in range(indptr[r], indptr[r + 1]):
            s += data[k] * x[indices[k]]
        y[r] = s


@njit(**JIT_PARALLEL)
def residual(indptr, indices, data, x, b, r):
    """r = b - A x."""
    n = len(indptr) - 1
    for i in prange(n):
        s = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            s += data[k] * x[indices[k]]
        r[i] = b[i] - s


@njit(**JIT_PARALLEL)
def chebyshev(indptr, indices, data, dinv, b, x, degree, lo, hi):
    """Apply ``degree`` steps of Chebyshev iteration for A x = b preconditioned by Jacobi.

    The polynomial damps the eigenvalues of D^-1 A in [lo, hi]; x is updated in place.
    (Saad, Iterative Methods for Sparse Linear Systems, Alg. 12.1.)
    """
    n = len(b)
    theta = 0.5 * (hi + lo)
    delta = 0.5 * (hi - lo)
    sigma = theta / delta
    rho = 1.0 / sigma
    r = np.empty(n)
    d = np.empty(n)
    residual(indptr, indices, data, x, b, r)
    for i in prange(n):
        d[i] = dinv[i] * r[i] / theta
    for _ in range(degree):
        for i in prange(n):
            x[i] += d[i]
        # r -= A d
        for i in prange(n):
            s = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                s += data[k] * d[indices[k]]
            r[i] -= s
        rho_new = 1.0 / (2.0 * sigma - rho)
        c1 = rho_new * rho
        c2 = 2.0 * rho_new / delta
        for i in prange(n):
            d[i] = c1 * d[i] + c2 * dinv[i] * r[i]
        rho = rho_new


@njit(**JIT_PARALLEL)
def fill_zero(a):
    """a[:] = 0 with all threads (also spreads the first touch of new pages over threads)."""
    for i in prange(len(a)):
        a[i] = 0.0

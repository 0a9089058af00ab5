"""Intel MKL PARDISO through ctypes, for symmetric matrices stored as an upper triangle.

The symbolic analysis (fill-reducing ordering) is kept while the sparsity pattern stays the
same, so Newton iterations pay only for the numerical factorization. The MKL runtime comes
from the ``mkl`` wheel; when it is missing :func:`available` is False and SuperLU is used.
"""

import ctypes
import glob
import logging
import os
import sys
from ctypes.util import find_library

import numpy as np

log = logging.getLogger(__name__)

_LIB = None
_TRIED = False


def _library():
    global _LIB, _TRIED
    if _TRIED:
        return _LIB
    _TRIED = True
    candidates = [find_library("mkl_rt")]
    candidates += sorted(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_rt.so*")), key=len)
    for path in candidates:
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.pardiso.restype = None
            lib.pardisoinit.restype = None
            _LIB = lib
            break
        except OSError:
            continue
    return _LIB


def available():
    """True when the MKL runtime with PARDISO can be loaded."""
    return _library() is not None


class PardisoError(RuntimeError):
    """PARDISO returned an error code; ``code`` is MKL's (-4: zero pivot, singular)."""

    MESSAGES = {-1: "input inconsistent", -2: "not enough memory", -3: "reordering problem",
                -4: "zero pivot: the matrix is singular or not positive definite",
                -5: "unclassified internal error", -6: "reordering failed",
                -7: "diagonal matrix is singular", -8: "32-bit integer overflow",
                -9: "not enough memory for out-of-core", -10: "error opening out-of-core files",
                -11: "read/write error with out-of-core files"}

    def __init__(self, code):
        self.code = code
        super().__init__(f"PARDISO error {code}: {self.MESSAGES.get(code, 'unknown')}")


class Pardiso:
    """Factorize and solve ``A x = b`` for a real symmetric matrix.

    mtype 2 (positive definite, Cholesky) or -2 (indefinite, Bunch-Kaufman). Matrices are
    passed as the CSR arrays of their upper triangle (zero-based, sorted columns).
    """

    def __init__(self, mtype=2):
        lib = _library()
        if lib is None:
            raise RuntimeError("MKL PARDISO is not available")
        self._lib = lib
        self.mtype = mtype
        self.pt = np.zeros(64, dtype=np.int64)
        self.iparm = np.zeros(64, dtype=np.int32)
        lib.pardisoinit(self.pt.ctypes.data_as(ctypes.c_void_p),
                        ctypes.byref(ctypes.c_int32(mtype)),
                        self.iparm.ctypes.data_as(ctypes.c_void_p))
        self.iparm[0] = 1      # we set iparm
        self.iparm[1] = 3      # parallel (OpenMP) nested dissection ordering
        self.iparm[7] = 0      # no iterative refinement steps unless perturbed pivots
        self.iparm[9] = 8 if mtype == -2 else 13
        self.iparm[17] = -1    # report nonzeros in the factor
        self.iparm[20] = 1     # Bunch-Kaufman pivoting (indefinite)
        self.iparm[23] = 1     # two-level parallel factorization
        self.iparm[26] = 0     # no matrix checker
        self.iparm[34] = 1     # zero-based indexing
        self._n = 0
        self._pattern = None
        self._arrays = None

    def _call(self, phase, data, b=None, x=None, nrhs=1):
        indptr, indices = self._arrays
        err = ctypes.c_int32(0)
        dummy = np.zeros(1)
        self._lib.pardiso(
            self.pt.ctypes.data_as(ctypes.c_void_p), ctypes.byref(ctypes.c_int32(1)),
            ctypes.byref(ctypes.c_int32(1)), ctypes.byref(ctypes.c_int32(self.mtype)),
            ctypes.byref(ctypes.c_int32(phase)), ctypes.byref(ctypes.c_int32(self._n)),
            data.ctypes.data_as(ctypes.c_void_p), indptr.ctypes.data_as(ctypes.c_void_p),
            indices.ctypes.data_as(ctypes.c_void_p), ctypes.c_void_p(0),
            ctypes.byref(ctypes.c_int32(nrhs)), self.iparm.ctypes.data_as(ctypes.c_void_p),
            ctypes.byref(ctypes.c_int32(0)),
            (b if b is not None else dummy).ctypes.data_as(ctypes.c_void_p),
            (x if x is not None else dummy).ctypes.data_as(ctypes.c_void_p), ctypes.byref(err))
        if err.value != 0:
            raise PardisoError(err.value)

    def factorize(self, indptr, indices, data):
        """Factorize the upper-triangle CSR (indptr, indices, data).

        The symbolic analysis is redone only when ``indptr`` and ``indices`` are not the very
        arrays of the previous call: callers keep one pattern object per dof layout.
        """
        data = np.ascontiguousarray(data, dtype=np.float64)
        if self._pattern is None or self._pattern[0] is not indptr or self._pattern[1] is not indices:
            self.release()
            self._arrays = (np.ascontiguousarray(indptr, dtype=np.int32),
                            np.ascontiguousarray(indices, dtype=np.int32))
            self._n = len(indptr) - 1
            self._call(11, data)
            self._pattern = (indptr, indices)
        self._data = data
        self._call(22, data)

    @property
    def inertia(self):
        """(positive, negative) eigenvalue counts of the last factorization (mtype -2)."""
        return int(self.iparm[21]), int(self.iparm[22])

    @property
    def factor_nonzeros(self):
        return int(self.iparm[17])

    def solve(self, b):
        """Solve with the current factorization; ``b`` is (n,) or (n, k)."""
        b = np.asfortranarray(b, dtype=np.float64)
        x = np.zeros_like(b)
        self._call(33, self._data, b, x, nrhs=1 if b.ndim == 1 else b.shape[1])
        return np.ascontiguousarray(x)

    def release(self):
        """Free PARDISO's internal memory."""
        if self._pattern is not None:
            self._call(-1, np.zeros(1))
            self._pattern = None

    def __del__(self):
        try:
            self.release()
        except Exception:
            pass

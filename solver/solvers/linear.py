"""Linear solves of ``K u = f`` with prescribed dofs, on a fixed sparsity pattern.

Methods: ``pardiso`` (MKL, symmetric positive definite, upper triangle), ``superlu``
(SciPy, the fallback without MKL), ``amg`` (conjugate gradients preconditioned by pyamg's
smoothed aggregation with rigid-body modes), ``pmg`` (conjugate gradients preconditioned by
a quadratic-to-linear p-multigrid, see pmg.py). ``auto`` takes the direct solver for 2D and
for 3D systems up to ``config.DIRECT_SOLVER_MAX_DOFS_3D`` unknowns; above, p-multigrid for
quadratic meshes and AMG for linear ones. An iterative solve that does not converge falls
back to the direct solver.
"""

import logging
import time

import numpy as np
import scipy.sparse as sp
from numba import njit, prange

from .. import config
from ..config import JIT_PARALLEL
from ..errors import ConvergenceError
from . import pardiso

log = logging.getLogger(__name__)


class SingularSystemError(RuntimeError):
    """The factorization found the matrix singular."""


@njit(**JIT_PARALLEL)
def apply_dirichlet(indptr, indices, data, fixed, values, rhs):
    """Impose u[fixed] = values symmetrically, in place.

    Rows and columns of fixed dofs are zeroed, the diagonal keeps its magnitude (so the
    conditioning does not change) and the right-hand side takes the known columns.
    """
    n = len(indptr) - 1
    for r in prange(n):
        if fixed[r]:
            diag = 0.0
            for k in range(indptr[r], indptr[r + 1]):
                if indices[k] == r:
                    diag = abs(data[k])
            scale = diag if diag > 0.0 else 1.0
            for k in range(indptr[r], indptr[r + 1]):
                data[k] = scale if indices[k] == r else 0.0
            rhs[r] = scale * values[r]
        else:
            for k in range(indptr[r], indptr[r + 1]):
                c = indices[k]
                if fixed[c]:
                    rhs[r] -= data[k] * values[c]
                    data[k] = 0.0


def rigid_body_modes(points, dim):
    """Near-null-space vectors (n_nodes * dim, 3 or 6) for AMG: translations, rotations."""
    n = len(points)
    if dim == 2:
        B = np.zeros((n * 2, 3))
        B[0::2, 0] = 1
        B[1::2, 1] = 1
        B[0::2, 2] = -points[:, 1]
        B[1::2, 2] = points[:, 0]
        return B
    B = np.zeros((n * 3, 6))
    x, y, z = points.T
    for i in range(3):
        B[i::3, i] = 1
    B[0::3, 3], B[1::3, 3] = -y, x
    B[1::3, 4], B[2::3, 4] = -z, y
    B[0::3, 5], B[2::3, 5] = z, -x
    return B


class LinearSolver:
    """Solves systems that share one CSR pattern (indptr, indices) of size n.

    method : "auto" | "direct" | "iterative" | "pardiso" | "superlu" | "amg"
    dim : spatial dimension (chooses auto); near_null : (n, k) rigid-body modes for AMG
    """

    def __init__(self, indptr, indices, n, method="auto", dim=2, near_null=None, rtol=1e-10,
                 coarsening=None, definite=True):
        self.definite = definite     # False: symmetric indefinite (nonlinear tangents)
        self.indptr = indptr
        self.indices = indices
        self.n = n
        self.dim = dim
        self.coarsening = coarsening
        self.method = self._choose(method, dim, n, coarsening is not None)
        self.near_null = near_null
        self.rtol = rtol
        self._pardiso = None
        self._upper = None
        self.stats = []

    @staticmethod
    def _choose(method, dim, n, quadratic):
        direct = "pardiso" if pardiso.available() else "superlu"
        iterative = "pmg" if quadratic else "amg"
        if method == "auto":
            if dim == 3 and n > config.DIRECT_SOLVER_MAX_DOFS_3D:
                return iterative
            return direct
        if method == "direct":
            return direct
        if method == "iterative":
            return iterative
        if method == "pmg" and not quadratic:
            log.warning("p-multigrid needs quadratic elements; using AMG")
            return "amg"
        if method == "pardiso" and not pardiso.available():
            log.warning("MKL PARDISO not available; using SuperLU")
            return "superlu"
        return method

    def _upper_pattern(self):
        if self._upper is None:
            rows = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
            keep = self.indices >= rows
            pos = np.flatnonzero(keep)
            counts = np.bincount(rows[pos], minlength=self.n)
            uptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(counts, out=uptr[1:])
            self._upper = (pos, uptr, self.indices[pos].copy())
        return self._upper

    def solve(self, data, rhs, fixed_dofs, fixed_values):
        """Solve K u = rhs with u[fixed_dofs] = fixed_values.

        data : (nnz,) CSR values of K, overwritten by the constrained matrix; rhs : (n,) N
        returns u : (n,) and a statistics dict (method, seconds, iterations)
        """
        t0 = time.perf_counter()
        A = data
        b = rhs.astype(np.float64, copy=True)
        fixed = np.zeros(self.n, dtype=np.bool_)
        fixed[fixed_dofs] = True
        values = np.zeros(self.n)
        values[fixed_dofs] = fixed_values
        apply_dirichlet(self.indptr, self.indices, A, fixed, values, b)
        iterations = 1
        if self.method == "pardiso":
            pos, uptr, uidx = self._upper_pattern()
            if self._pardiso is None:
                self._pardiso = pardiso.Pardiso(mtype=2 if self.definite else -2)
            try:
                self._pardiso.factorize(uptr, uidx, A[pos])
            except pardiso.PardisoError as exc:
                if exc.code == -4:
                    raise SingularSystemError(str(exc)) from None
                raise
            u = self._pardiso.solve(b)
        elif self.method == "superlu":
            from scipy.sparse.linalg import splu

            K = sp.csc_matrix(sp.csr_matrix((A, self.indices, self.indptr), shape=(self.n, self.n)))
            try:
                lu = splu(K, permc_spec="MMD_AT_PLUS_A")
            except RuntimeError as exc:
                raise SingularSystemError(str(exc)) from None
            u = lu.solve(b)
        elif self.method in ("amg", "pmg"):
            u, iterations = self._iterative(A, b, fixed)
        else:
            raise ValueError(f"unknown linear solver {self.method}")
        K = sp.csr_matrix((A, self.indices, self.indptr), shape=(self.n, self.n))
        res = np.linalg.norm(K @ u - b) / max(np.linalg.norm(b), 1e-300)
        info = {"method": self.method, "seconds": time.perf_counter() - t0,
                "iterations": iterations, "relative_residual": float(res)}
        if not np.all(np.isfinite(u)) or res > config.LINEAR_RESIDUAL_TOL:
            raise SingularSystemError(f"linear solve inaccurate (relative residual {res:.2e})")
        self.stats.append(info)
        return u, info

    def _iterative(self, A, b, fixed):
        """CG with p-multigrid or AMG; falls back to the direct solver if it stalls."""
        from .pmg import PMultigrid, pcg

        K = sp.csr_matrix((A, self.indices, self.indptr), shape=(self.n, self.n))
        if self.method == "pmg":
            M = PMultigrid(K, fixed, self.coarsening, self.dim)
        else:
            import pyamg

            B = self.near_null if self.near_null is not None else np.ones((self.n, 1))
            ml = pyamg.smoothed_aggregation_solver(K, B=B, symmetry="hermitian",
                                                   strength=("symmetric", {"theta": 0.0}),
                                                   max_coarse=500)
            M = ml.aspreconditioner(cycle="V")
            M = M.matvec
        u, iterations, ok = pcg(K, b, M, self.rtol, config.CG_MAXITER)
        if not ok:
            log.warning("%s-preconditioned CG did not converge in %d iterations; "
                        "solving directly", self.method, iterations)
            if not pardiso.available():
                raise ConvergenceError(
                    f"{self.method}-preconditioned CG did not converge in {iterations} "
                    "iterations; set [solver] linear = \"direct\" in the case file")
            U = sp.triu(K, format="csr")
            U.sort_indices()
            direct = pardiso.Pardiso(mtype=2 if self.definite else -2)
            direct.factorize(U.indptr, U.indices, U.data)
            u = direct.solve(b)
        return u, iterations

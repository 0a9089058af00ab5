"""Linear solves of ``K u = f`` with prescribed dofs, on a fixed sparsity pattern.

Methods: ``pardiso`` (MKL, symmetric positive definite, upper triangle), ``superlu``
(SciPy, the fallback without MKL), ``amg`` (conjugate gradients preconditioned by pyamg's
smoothed aggregation with rigid-body modes), ``pmg`` (conjugate gradients preconditioned by
a quadratic-to-linear p-multigrid, see pmg.py). ``auto`` takes the direct solver for 2D and
for 3D systems up to ``config.DIRECT_SOLVER_MAX_DOFS_3D`` unknowns; above, p-multigrid for
quadratic meshes and AMG for linear ones. An iterative solve that does not converge falls
back to the direct solver.

Layouts with more than the displacement dofs (beam rotations, platens' virtual nodes; see
nearnull.py) need the ``DofLayout`` and the mesh: pass ``layout=`` and ``mesh=`` (or use
``LinearSolver.for_model``). Without them, when the rigid-body modes or the coarsening do not
match the system, the solver says so in the log and solves directly.
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
                 coarsening=None, definite=True, layout=None, mesh=None):
        self.definite = definite     # False: symmetric indefinite (nonlinear tangents)
        self.layout = layout         # DofLayout (solver/dofs.py), None: found on first use
        self.mesh = mesh             # Mesh with virtual nodes appended (solver/model.py)
        self._setup = None           # iterative set-up: (B, P_dof, split dofs) or a reason
        # a multigrid-preconditioned CG that needs more iterations than this has lost
        # against the direct solver (an indefinite tangent, a near-mechanism): fall back
        self.max_cg = 500
        # consecutive solves whose matrix CG found indefinite (p.Ap <= 0) before the direct
        # solver takes over for good (nonlinear tangents under compression can be)
        self.max_indefinite = 3
        self._indefinite = 0
        self._told = False           # the "iterative solver not usable" warning was given
        self._pmg_coarse = None      # p-multigrid coarse factorization, kept between solves
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

    @classmethod
    def for_model(cls, model, method="auto", rtol=1e-10, definite=True):
        """The solver for a Model (solver/model.py): pattern, layout and mesh from it."""
        from .pmg import corner_interpolation

        a = model.assembler
        mesh = model.mesh
        return cls(a.indptr, a.indices, a.n_dof, method, dim=mesh.dim,
                   near_null=None, rtol=rtol, coarsening=corner_interpolation(mesh),
                   definite=definite, layout=model.layout, mesh=mesh)

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

    def _iterative_setup(self):
        """Resolve the near-null space, the dof-level coarsening and the split dofs once.

        Returns a dict, or a string: the reason the iterative path cannot serve this system.
        """
        if self._setup is not None:
            return self._setup
        from . import nearnull

        layout, mesh = self.layout, self.mesh
        setup = None
        if layout is not None and mesh is not None and layout.n_dof == self.n:
            # AMG: the extra dofs (beam rotations, platens' virtual nodes; a few hundred) are
            # split off and solved exactly by blocks, so that AMG runs node-wise (BSR) on the
            # displacement dofs with the six rigid-body modes
            split = np.zeros(0, dtype=np.int64)
            if self.method == "amg":
                split = np.union1d(nearnull.virtual_dofs(layout, mesh),
                                   nearnull.extra_dofs(layout)).astype(np.int64)
            setup = {"B": nearnull.near_null_space(mesh.points, layout), "split": split,
                     "P": None, "blocksize": layout.dim}
            if self.method == "pmg":
                setup["P"] = nearnull.dof_coarsening(self.coarsening, layout, mesh)
            n_extra = int(np.sum(layout.ndn - layout.dim))
            n_virtual = len(nearnull.virtual_dofs(layout, mesh))
            if n_extra or n_virtual:
                log.info("%s: %d rotation dofs and %d virtual-node dofs %s", self.method,
                         n_extra, n_virtual,
                         "split off (exact block solve, node-wise AMG on the rest)"
                         if self.method == "amg" else "on the coarse level (exact)")
        else:
            B = self.near_null
            uniform_P = self.coarsening is None or self.coarsening.shape[0] * self.dim == self.n
            if (B is None or B.shape[0] == self.n) and uniform_P:
                setup = {"B": B if B is not None else np.ones((self.n, 1)), "P": None,
                         "split": np.zeros(0, dtype=np.int64), "blocksize": self.dim}
                if self.method == "pmg":
                    setup["P"] = sp.kron(self.coarsening, sp.identity(self.dim, format="csr"),
                                         format="csr")
            else:
                setup = ("the system has dofs beyond the displacements (beam rotations or "
                         "virtual nodes) and the solver was not given the dof layout "
                         "(LinearSolver(layout=, mesh=) or LinearSolver.for_model)")
        self._setup = setup
        return setup

    def _direct_fallback(self, K, b):
        if pardiso.available():
            U = sp.triu(K, format="csr")
            U.sort_indices()
            direct = pardiso.Pardiso(mtype=2 if self.definite else -2)
            direct.factorize(U.indptr, U.indices, U.data)
            return direct.solve(b)
        from scipy.sparse.linalg import splu

        return splu(sp.csc_matrix(K), permc_spec="MMD_AT_PLUS_A").solve(b)

    def _iterative(self, A, b, fixed):
        """CG with p-multigrid or AMG; falls back to the direct solver if it stalls."""
        from .pmg import PMultigrid, pcg

        K = sp.csr_matrix((A, self.indices, self.indptr), shape=(self.n, self.n))
        setup = self._iterative_setup()
        if isinstance(setup, str):
            if not self._told:
                log.warning("%s solver not usable: %s; solving directly", self.method, setup)
                self._told = True
            return self._direct_fallback(K, b), 1
        if self.method == "pmg":
            if self._pmg_coarse is None:
                # Cholesky first (the Galerkin operator of a stable tangent is definite);
                # CoarseFactor switches to the indefinite factorization if that fails
                self._pmg_coarse = CoarseFactor(definite=True)
            M = PMultigrid(K, fixed, setup["P"], coarse=self._pmg_coarse)
        else:
            split, bs = setup["split"], setup["blocksize"]
            if len(split):
                M = SplitPreconditioner(K, split,
                                        lambda Krr, keep: _amg(Krr, setup["B"][keep], bs))
            else:
                M = _amg(K, setup["B"], bs)
        t_setup = time.perf_counter()
        why = {}
        u, iterations, ok = pcg(K, b, M, self.rtol, min(config.CG_MAXITER, self.max_cg), why)
        log.info("%s-CG: %d iterations, %.2f s (%d dofs)", self.method, iterations,
                 time.perf_counter() - t_setup, self.n)
        if not ok and why.get("reason", "").startswith(("negative curvature", "indefinite")):
            self._indefinite += 1
            if self._indefinite >= self.max_indefinite:
                log.warning("%s: the tangent was indefinite in %d solves (CG needs a definite "
                            "matrix); the direct solver takes over for the rest of the run",
                            self.method, self._indefinite)
                self.method = "pardiso" if pardiso.available() else "superlu"
        elif ok:
            self._indefinite = 0
        if not ok:
            log.warning("%s-preconditioned CG did not converge in %d iterations (%s, relative "
                        "residual %.1e); solving directly", self.method, iterations,
                        why.get("reason"), why.get("relative_residual", np.nan))
            if not pardiso.available():
                raise ConvergenceError(
                    f"{self.method}-preconditioned CG did not converge in {iterations} "
                    "iterations; set [solver] linear = \"direct\" in the case file")
            u = self._direct_fallback(K, b)
        return u, iterations


def _amg(K, B, blocksize=1):
    """pyamg smoothed aggregation V-cycle on K with near-null space B, as a callable.

    blocksize : dofs per node when K is ordered node by node with that many dofs each
    (aggregation then works on nodes, as it should for elasticity); 1: dof by dof.
    """
    import pyamg

    if blocksize > 1 and K.shape[0] % blocksize == 0:
        K = sp.bsr_matrix(K, blocksize=(blocksize, blocksize))
    ml = pyamg.smoothed_aggregation_solver(K, B=B, symmetry="hermitian",
                                           strength=("symmetric", {"theta": 0.0}),
                                           max_coarse=500)
    log.debug("AMG hierarchy: %s", ml)
    return ml.aspreconditioner(cycle="V").matvec


class SplitPreconditioner:
    """Symmetric block preconditioner for a system with a few "hub" dofs e (platens'
    virtual nodes) coupled to many others r:

        K = [[K_rr, K_re], [K_er, K_ee]]

    One application is a symmetric multiplicative Schwarz sweep e -> r -> e: an exact solve on
    the small block K_ee (dense), the inner preconditioner (AMG on K_rr) on the rest, and the
    exact e solve again. Symmetric positive definite when K is and the inner one is.

    make_inner(K_rr, keep) -> callable r -> z; keep : (n,) bool of the r dofs.
    """

    def __init__(self, K, e_dofs, make_inner):
        n = K.shape[0]
        keep = np.ones(n, dtype=bool)
        keep[e_dofs] = False
        self.r = np.flatnonzero(keep)
        self.e = np.asarray(e_dofs, dtype=np.int64)
        Kr = K[self.r]
        self.Krr = Kr[:, self.r].tocsr()
        self.Kre = Kr[:, self.e].tocsr()
        self.Ker = self.Kre.T.tocsr()
        Kee = K[self.e][:, self.e]
        Kee = (0.5 * (Kee + Kee.T)).tocsc()
        if len(self.e) <= 1500:
            inv = np.linalg.pinv(Kee.toarray())
            self._solve_e = lambda v: inv @ v
        else:
            from scipy.sparse.linalg import splu

            self._solve_e = splu(Kee).solve
        self.inner = make_inner(self.Krr, keep)

    def __call__(self, res):
        z = np.empty_like(res)
        re = res[self.e]
        xe = self._solve_e(re)
        xr = self.inner(res[self.r] - self.Kre @ xe)
        xe = self._solve_e(re - self.Ker @ xr)
        z[self.r] = xr
        z[self.e] = xe
        return z


class CoarseFactor:
    """The p-multigrid coarse solver, kept between solves: PARDISO's symbolic analysis is
    reused while the coarse pattern stays the same (it does across Newton iterations);
    pyamg without MKL."""

    def __init__(self, definite=True):
        self.definite = definite
        self._ps = None
        self._pattern = None

    def __call__(self, Ac):
        """Factorize Ac (CSR, sorted); returns a solve callable."""
        if not pardiso.available():
            import pyamg

            ml = pyamg.smoothed_aggregation_solver(Ac, symmetry="hermitian")
            return lambda r: ml.solve(r, maxiter=1, cycle="V", tol=1e-30)
        U = sp.triu(Ac, format="csr")
        U.sort_indices()
        if self._pattern is not None and np.array_equal(self._pattern[0], U.indptr) \
                and np.array_equal(self._pattern[1], U.indices):
            indptr, indices = self._pattern
        else:
            indptr, indices = U.indptr, U.indices
            self._pattern = (indptr, indices)
            self._ps = pardiso.Pardiso(mtype=2 if self.definite else -2)
        try:
            self._ps.factorize(indptr, indices, U.data)
        except pardiso.PardisoError:
            if self._ps_mtype() == -2:
                raise
            log.info("p-multigrid coarse level not positive definite: symmetric indefinite")
            self.definite = False
            self._ps = pardiso.Pardiso(mtype=-2)
            self._ps.factorize(indptr, indices, U.data)
        return self._ps.solve

    def _ps_mtype(self):
        return 2 if self.definite else -2

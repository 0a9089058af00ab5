"""Two-level p-multigrid preconditioner for quadratic elements, used inside CG.

Fine level: the quadratic system, smoothed by Chebyshev-Jacobi polynomials. Coarse level:
the same mesh with linear elements, as the Galerkin product P^T A P where P interpolates the
corner values to the mid-side nodes (exact for the linear subspace). The coarse system is
factorized once by PARDISO (or solved by an AMG V-cycle without MKL). This is the known way
past smoothed-aggregation AMG's slow convergence on tet10/hex20 elasticity.
"""

import logging
import time

import numpy as np
import scipy.sparse as sp

from ..elements import ELEMENTS
from ..kernels import sparse as K
from . import pardiso

log = logging.getLogger(__name__)


def corner_interpolation(mesh):
    """Node-level P (n_nodes x n_corners) from corner nodes to all nodes, or None.

    Returns None when the mesh has no quadratic elements (nothing to coarsen).
    """
    if all(b.etype.n_nodes == b.etype.n_corner for b in mesh.blocks):
        return None
    corners = np.unique(np.concatenate([b.conn[:, :b.etype.n_corner].ravel() for b in mesh.blocks]))
    cid = np.full(mesh.n_nodes, -1, dtype=np.int64)
    cid[corners] = np.arange(len(corners))
    rows, cols = [corners], [cid[corners]]
    for b in mesh.blocks:
        et = b.etype
        lin = ELEMENTS[et.linear]
        for k, (i, j) in enumerate(lin.edges[:et.n_nodes - et.n_corner]):
            mid = b.conn[:, et.n_corner + k]
            rows += [mid, mid]
            cols += [cid[b.conn[:, i]], cid[b.conn[:, j]]]
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    # (row, col) pairs repeat once per element sharing an edge: keep them once
    pairs = np.unique(np.column_stack([r, c]), axis=0)
    counts = np.bincount(pairs[:, 0], minlength=mesh.n_nodes)
    w = 1.0 / counts[pairs[:, 0]]
    return sp.csr_matrix((w, (pairs[:, 0], pairs[:, 1])), shape=(mesh.n_nodes, len(corners)))


class PMultigrid:
    """Preconditioner ``M^-1 r`` for a Dirichlet-eliminated quadratic stiffness matrix.

    A : scipy CSR (n, n) with fixed rows/columns replaced by the diagonal; fixed : bool (n,)
    P : dof-level interpolation (n, n_coarse) from the coarse space (nearnull.dof_coarsening;
    for a uniform layout kron(corner_interpolation, I_dim)); or, with ``dim``, the node-level
    one. coarse : callable Ac -> solve (linear.CoarseFactor keeps PARDISO's analysis), or None
    """

    def __init__(self, A, fixed, P, dim=None, degree=3, coarse=None):
        t0 = time.perf_counter()
        self.A = A
        self.degree = degree
        self.dinv = 1.0 / A.diagonal()
        if dim is not None:
            P = sp.kron(P, sp.identity(dim, format="csr"), format="csr")
        keep = np.where(fixed, 0.0, 1.0)
        self.P = sp.diags(keep) @ P               # corrections vanish at fixed dofs
        self.PT = self.P.T.tocsr()
        Ac = (self.PT @ (A @ self.P)).tocsr()
        d = Ac.diagonal()
        unused = d == 0                         # coarse dofs fixed at every fine node
        Ac = (Ac + sp.diags(unused.astype(float))).tocsr()
        Ac.sort_indices()
        self.lo, self.hi = self._spectrum_bounds()
        self._coarse = coarse(Ac) if coarse is not None else self._coarse_solver(Ac)
        self.setup_seconds = time.perf_counter() - t0
        self.coarse_dofs = Ac.shape[0]
        log.info("p-multigrid: %d -> %d dofs, setup %.2f s", A.shape[0], Ac.shape[0],
                 self.setup_seconds)

    def _spectrum_bounds(self, iterations=12):
        """Largest eigenvalue of D^-1 A by power iteration, with a safety margin."""
        A = self.A
        n = A.shape[0]
        x = np.random.default_rng(0).random(n)
        y = np.empty(n)
        lam = 1.0
        for _ in range(iterations):
            K.csr_matvec(A.indptr, A.indices, A.data, x, y)
            y *= self.dinv
            lam = np.linalg.norm(y) / np.linalg.norm(x)
            x = y / np.linalg.norm(y)
        hi = 1.1 * lam
        return hi / 30.0, hi

    def _coarse_solver(self, Ac):
        if pardiso.available():
            U = sp.triu(Ac, format="csr")
            U.sort_indices()
            ps = pardiso.Pardiso(mtype=2)
            ps.factorize(U.indptr, U.indices, U.data)
            return ps.solve
        import pyamg

        ml = pyamg.smoothed_aggregation_solver(Ac, symmetry="hermitian")
        return lambda r: ml.solve(r, maxiter=1, cycle="V", tol=1e-30)

    def __call__(self, r):
        A = self.A
        x = np.zeros_like(r)
        K.chebyshev(A.indptr, A.indices, A.data, self.dinv, r, x, self.degree, self.lo, self.hi)
        res = np.empty_like(r)
        K.residual(A.indptr, A.indices, A.data, x, r, res)
        x += self.P @ self._coarse(self.PT @ res)
        K.chebyshev(A.indptr, A.indices, A.data, self.dinv, r, x, self.degree, self.lo, self.hi)
        return x


def pcg(A, b, M, rtol, maxiter, info=None):
    """Preconditioned conjugate gradients with the parallel CSR product.

    Returns x, iterations, converged (relative residual <= rtol). Stops early, not converged,
    on a direction of non-positive curvature p.Ap <= 0 (an indefinite matrix, where CG is not
    the method) or a non-positive r.z (an indefinite preconditioner). info : optional dict,
    receives "reason" and "relative_residual".
    """
    info = {} if info is None else info
    n = len(b)
    x = np.zeros(n)
    r = b.copy()
    bnorm = np.linalg.norm(b)
    if bnorm == 0.0:
        return x, 0, True
    z = M(r)
    p = z.copy()
    rz = r @ z
    q = np.empty(n)
    info["reason"] = "maximum iterations"
    for it in range(1, maxiter + 1):
        if not rz > 0.0:
            info["reason"] = "indefinite preconditioner (r.z <= 0)"
            break
        K.csr_matvec(A.indptr, A.indices, A.data, p, q)
        pq = p @ q
        if not pq > 0.0:
            info["reason"] = "negative curvature (p.Ap <= 0): the matrix is not definite"
            break
        alpha = rz / pq
        x += alpha * p
        r -= alpha * q
        if np.linalg.norm(r) <= rtol * bnorm:
            info["reason"] = ""
            info["relative_residual"] = np.linalg.norm(r) / bnorm
            return x, it, True
        z = M(r)
        rz_new = r @ z
        p *= rz_new / rz
        p += z
        rz = rz_new
    info["relative_residual"] = np.linalg.norm(r) / bnorm
    return x, it, False

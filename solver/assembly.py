"""Global assembly: the CSR pattern and scatter maps are built once per dof layout.

Each Newton iteration (or linear solve) only refills the CSR data array from numba kernels,
one call per element block.
"""

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import config
from .dofs import DofLayout
from .kernels import geometry, graph, small_strain, sparse

log = logging.getLogger(__name__)


@dataclass(eq=False)
class BlockGeometry:
    """Quadrature data of one element block in the reference configuration.

    N : (n_qp, n_en); dNdX : (n_el, n_qp, n_en, dim) 1/mm; dV : (n_el, n_qp) mm^3 (includes
    2 pi r or the thickness); xq : (n_el, n_qp, dim) mm; emap : (n_el, n_en^2) node-graph
    positions; order, cptr : chunk colouring
    """

    block: object
    N: np.ndarray
    dNdX: np.ndarray
    dV: np.ndarray
    xq: np.ndarray
    emap: np.ndarray
    order: np.ndarray
    cptr: np.ndarray


class Assembler:
    """Assembles stiffness matrices and force vectors of a mesh for one formulation.

    mesh : solver.mesh.Mesh; form : formulation code; thickness : mm (plane models)
    """

    def __init__(self, mesh, form, thickness=1.0, layout=None, extra_conn=()):
        """extra_conn : node connectivity arrays (n, k) of other element groups (beams,
        interfaces, ties) whose couplings the sparsity pattern must hold."""
        t0 = time.perf_counter()
        self.mesh = mesh
        self.form = form
        self.thickness = float(thickness)
        self.layout = layout or DofLayout.uniform(mesh.n_nodes, mesh.dim)
        eptr, enodes = _ragged([b.conn for b in mesh.blocks] + list(extra_conn))
        self.gptr, self.gidx = graph.node_graph(mesh.n_nodes, eptr, enodes)
        self.indptr, self.indices, self.goff = graph.dof_pattern(
            self.gptr, self.gidx, self.layout.dof0, self.layout.ndn)
        self.geometry = [self._block_geometry(b) for b in mesh.blocks]
        self.setup_seconds = time.perf_counter() - t0
        log.info("assembly setup: %d dofs, %d nonzeros, %.2f s", self.n_dof, self.nnz,
                 self.setup_seconds)

    @property
    def n_dof(self):
        return self.layout.n_dof

    @property
    def nnz(self):
        return int(self.indptr[-1])

    def _block_geometry(self, block):
        et = block.etype
        N, dN = et.tabulate(et.qp)
        X = self.mesh.points
        dNdX, dV, xq = geometry.quadrature_geometry(X, block.conn, N, dN, et.qw, self.form,
                                                    self.thickness)
        emap = graph.element_map(block.conn, self.gptr, self.gidx)
        order, cptr = graph.colour_chunks(block.conn, self.mesh.n_nodes, config.COLOUR_BLOCK)
        return BlockGeometry(block, N, dNdX, dV, xq, emap, order, cptr)

    def new_matrix_data(self):
        """A new zeroed CSR values array (nnz,)."""
        data = np.empty(self.nnz)
        sparse.fill_zero(data)  # first touch of the pages by all threads
        return data

    def shared_matrix_data(self):
        """The assembler's own CSR values buffer, zeroed; every call returns the same array.

        Reusing it avoids the page faults of a fresh 100 MB-class array on every assembly;
        the caller must be done with the previous matrix.
        """
        if getattr(self, "_data", None) is None:
            self._data = np.empty(self.nnz)
        sparse.fill_zero(self._data)
        return self._data

    def matrix(self, data):
        """Wrap CSR values ``data`` (nnz,) as a scipy CSR matrix sharing the pattern."""
        n = self.n_dof
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(n, n))

    def add_stiffness(self, data, k, material):
        """Add the stiffness of block ``k`` into ``data``.

        material : ("isotropic", lam, mu) with (n_el, n_qp|1) arrays, or ("general", D) with
        D (n_el, n_qp|1, 6, 6), MPa
        """
        g = self.geometry[k]
        args = (g.block.conn, g.emap, self.indptr, self.goff, self.layout.dof0, g.order,
                g.cptr, config.COLOUR_BLOCK, data)
        if material[0] == "isotropic" and self.mesh.dim == 3:
            small_strain.stiffness_isotropic_3d(g.dNdX, g.dV, material[1], material[2], *args[:2],
                                                *args[2:])
        elif material[0] == "isotropic":
            small_strain.stiffness_isotropic(g.dNdX, g.N, g.dV, g.xq, material[1], material[2],
                                             self.form, *args)
        else:
            small_strain.stiffness_general(g.dNdX, g.N, g.dV, g.xq, material[1], self.form,
                                           *args)

    def add_internal_force(self, f, k, sig):
        """Add ``int B^T sig dV`` of block ``k`` (sig (n_el, n_qp, 6) MPa) into ``f`` (N)."""
        g = self.geometry[k]
        small_strain.internal_force(g.dNdX, g.N, g.dV, g.xq, sig, self.form, g.block.conn,
                                    self.layout.dof0, g.order, g.cptr, config.COLOUR_BLOCK, f)

    def element_map(self, conn):
        """Node-graph positions (n_el, k*k) for a group's connectivity (in the pattern)."""
        return graph.element_map(np.ascontiguousarray(conn, dtype=np.int64), self.gptr, self.gidx)

    def scatter_matrices(self, Ke, conn, m, emap, data):
        """Add element matrices Ke (n_el, k*m, k*m) of a group into CSR data; each node uses
        its first m dofs (m = dim, or dim + rotations for structural nodes)."""
        graph.scatter_matrices(np.ascontiguousarray(Ke), np.ascontiguousarray(conn, dtype=np.int64),
                               m, emap, self.indptr, self.goff, self.layout.dof0, data)

    def scatter_vectors(self, fe, conn, m, f):
        """Add element vectors fe (n_el, k*m) of a group into the global vector f."""
        dofs = (self.layout.dof0[conn][:, :, None] + np.arange(m)).reshape(len(conn), -1)
        np.add.at(f, dofs.ravel(), np.asarray(fe).ravel())

    def strain(self, k, u):
        """Small strain (n_el, n_qp, 6) of block ``k`` from the dof vector ``u``."""
        g = self.geometry[k]
        return small_strain.strain(g.dNdX, g.N, g.xq, u, self.form, g.block.conn,
                                   self.layout.dof0)


def _ragged(conns):
    """Concatenate connectivity arrays (n, k) into a ragged (eptr, enodes)."""
    conns = [np.asarray(c, dtype=np.int64) for c in conns if len(c)]
    sizes = np.concatenate([np.full(len(c), c.shape[1], dtype=np.int64) for c in conns])
    eptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=eptr[1:])
    enodes = np.concatenate([c.ravel() for c in conns])
    return eptr, enodes

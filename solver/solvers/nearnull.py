"""What the iterative linear solvers need to know about the dof layout.

Smoothed-aggregation AMG needs the near-null space (rigid-body modes) of the system, and the
p-multigrid needs an interpolation from a coarse space. Both used to assume a uniform layout of
``dim`` displacement dofs per node. Models with structural elements or rigid platens have more:

- **rotation dofs** at beam nodes (``DofLayout.ndn > dim``; 2D: ``rz``, 3D: ``rx ry rz``).
  A rigid rotation theta of the whole model turns every beam node by theta as well, so the
  rotation columns of the near-null space carry theta at those dofs (translations carry 0).
- **virtual nodes** (a platen's reference point, ``model.virtual_nodes``): nodes outside every
  continuum block whose dofs couple to a whole contact surface. For AMG they are "hub" dofs
  (one row as long as the surface): aggregation around them is poor, so the AMG solver takes
  them out and treats them by an exact block solve (``SplitPreconditioner`` in linear.py).
  In the p-multigrid they are injected into the coarse level, which is factorized exactly.
- **beam-only nodes** (a lead beyond the continuum): they have no place in the corner
  interpolation; the p-multigrid injects all their dofs into the coarse level.

Functions here take the ``DofLayout`` (solver/dofs.py) and the mesh (with its virtual nodes
appended, as solver/model.py builds it).
"""

import logging

import numpy as np
import scipy.sparse as sp

log = logging.getLogger(__name__)


def continuum_node_mask(mesh):
    """(n_nodes,) bool: node belongs to at least one continuum element."""
    mask = np.zeros(mesh.n_nodes, dtype=bool)
    for b in mesh.blocks:
        mask[np.unique(b.conn)] = True
    return mask


def extra_dofs(layout):
    """(k,) int64: the dofs beyond the displacements (beam rotations), ascending."""
    return np.asarray(layout.free_extra_dofs(), dtype=np.int64)


def virtual_dofs(layout, mesh):
    """(k,) int64: dofs of nodes outside every continuum element that carry displacements
    only (rigid platens' reference points). Beam-only nodes, which carry rotations, are not
    included: they belong to the beam's own stiffness band."""
    outside = ~continuum_node_mask(mesh)
    nodes = np.flatnonzero(outside & (layout.ndn == layout.dim))
    if not len(nodes):
        return np.zeros(0, dtype=np.int64)
    return (layout.dof0[nodes][:, None] + np.arange(layout.dim)[None, :]).ravel()


def near_null_space(points, layout):
    """Rigid-body modes (n_dof, 3 in 2D | 6 in 3D) for a possibly mixed layout.

    Columns: translations x, y(, z), then rotations (2D: about z; 3D: about z, x, y, the order
    of ``linear.rigid_body_modes``). Coordinates are taken about the centroid (better
    conditioned for the QR of the tentative prolongator). Rotation dofs of beam nodes carry
    the unit rotation of their column (2D: rz; 3D: rx ry rz).
    """
    dim = layout.dim
    X = np.asarray(points, dtype=float)[:len(layout.dof0)]
    X = X - X.mean(axis=0)
    n = layout.n_dof
    d0 = layout.dof0
    extra = layout.ndn - dim
    if dim == 2:
        B = np.zeros((n, 3))
        B[d0, 0] = 1.0
        B[d0 + 1, 1] = 1.0
        B[d0, 2] = -X[:, 1]
        B[d0 + 1, 2] = X[:, 0]
        rot = np.flatnonzero(extra >= 1)
        B[d0[rot] + 2, 2] = 1.0
        return B
    B = np.zeros((n, 6))
    x, y, z = X.T
    for i in range(3):
        B[d0 + i, i] = 1.0
    B[d0, 3], B[d0 + 1, 3] = -y, x          # about z
    B[d0 + 1, 4], B[d0 + 2, 4] = -z, y      # about x
    B[d0, 5], B[d0 + 2, 5] = z, -x          # about y
    rot = np.flatnonzero(extra >= 3)
    B[d0[rot] + 3, 4] = 1.0                 # rx
    B[d0[rot] + 4, 5] = 1.0                 # ry
    B[d0[rot] + 5, 3] = 1.0                 # rz
    return B


def dof_coarsening(P_nodes, layout, mesh):
    """Dof-level p-multigrid interpolation (n_dof, n_coarse), CSR.

    Displacement dofs of continuum nodes: P_nodes (corners -> all continuum nodes), per
    component. Every other dof (beam rotations, displacements of beam-only and virtual nodes)
    is its own coarse dof (injection), so the coarse level, factorized exactly, sees beams and
    platens in full.
    """
    dim = layout.dim
    Pn = sp.coo_matrix(P_nodes)
    n_corner = Pn.shape[1]
    if Pn.shape[0] < len(layout.dof0):          # nodes appended after the corner map
        Pn = sp.coo_matrix((Pn.data, (Pn.row, Pn.col)), shape=(len(layout.dof0), n_corner))
    rows = [(layout.dof0[Pn.row][:, None] + np.arange(dim)).ravel()]
    cols = [(Pn.col[:, None] * dim + np.arange(dim)).ravel()]
    vals = [np.repeat(Pn.data, dim)]
    covered = np.zeros(len(layout.dof0), dtype=bool)
    covered[Pn.row] = True
    covered &= continuum_node_mask(mesh)[:len(covered)]
    loose = np.flatnonzero(~covered)
    inject = [extra_dofs(layout)]
    if len(loose):
        inject.append((layout.dof0[loose][:, None] + np.arange(dim)).ravel())
    inject = np.unique(np.concatenate(inject)).astype(np.int64)
    rows.append(inject)
    cols.append(n_corner * dim + np.arange(len(inject)))
    vals.append(np.ones(len(inject)))
    P = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(layout.n_dof, n_corner * dim + len(inject)))
    if len(inject):
        log.info("p-multigrid: %d extra dofs (rotations, beam-only or virtual nodes) "
                 "injected into the coarse level", len(inject))
    return P

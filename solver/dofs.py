"""Degree-of-freedom layout: node ``a`` owns dofs ``dof0[a] .. dof0[a] + ndn[a] - 1``.

Displacement components come first at every node (ux, uy[, uz]); nodes of structural
elements may carry more (rotations), numbered after them.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class DofLayout:
    """dof0 : (n_nodes,) int64 first dof; ndn : (n_nodes,) int64 dofs per node; dim : int."""

    dof0: np.ndarray
    ndn: np.ndarray
    dim: int

    @classmethod
    def uniform(cls, n_nodes, dim):
        """Every node carries ``dim`` displacement components."""
        ndn = np.full(n_nodes, dim, dtype=np.int64)
        return cls(np.arange(n_nodes, dtype=np.int64) * dim, ndn, dim)

    @classmethod
    def with_extra(cls, n_nodes, dim, extra):
        """Every node carries dim displacements; nodes listed in ``extra`` (dict node ->
        number of additional dofs, e.g. rotations) carry more, numbered after them."""
        ndn = np.full(n_nodes, dim, dtype=np.int64)
        for node, k in extra.items():
            ndn[node] = max(ndn[node], dim + k)
        dof0 = np.zeros(n_nodes, dtype=np.int64)
        np.cumsum(ndn[:-1], out=dof0[1:])
        return cls(dof0, ndn, dim)

    @property
    def n_dof(self):
        return int(self.dof0[-1] + self.ndn[-1])

    def dofs(self, nodes, component):
        """Dof numbers of displacement ``component`` (0, 1, 2) at ``nodes``."""
        return self.dof0[np.asarray(nodes, dtype=np.int64)] + component

    def displacement(self, u):
        """Nodal displacement array (n_nodes, dim) from the dof vector ``u``."""
        idx = self.dof0[:, None] + np.arange(self.dim)[None, :]
        return u[idx]

    def free_extra_dofs(self):
        """Dofs beyond the displacements (rotations), as an array."""
        extra = self.ndn - self.dim
        nodes = np.flatnonzero(extra > 0)
        return np.concatenate([self.dof0[n] + self.dim + np.arange(extra[n]) for n in nodes]) \
            if len(nodes) else np.zeros(0, dtype=np.int64)

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

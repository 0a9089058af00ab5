"""Post-processing: nodal values per region, invariants, extremes and probes.

Quadrature-point values are extrapolated to element nodes and averaged over the elements of
one region only, so stresses are never averaged across a material interface. The output mesh
therefore carries one copy of every interface node per region (see ``RegionView``).
"""

from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .materials.voigt import principal, von_mises


@dataclass(eq=False)
class RegionView:
    """The mesh with interface nodes duplicated per region (the output topology).

    nodes  : (n_out,) int64, mesh node of every output point
    region : (n_out,) int32, region of every output point
    blocks : list of (block index, conn (n_el, n_en) into output points)
    """

    nodes: np.ndarray
    region: np.ndarray
    blocks: list

    @classmethod
    def build(cls, mesh):
        nodes, region, blocks = [], [], []
        offset = 0
        for rid in range(len(mesh.regions)):
            members = [(k, b) for k, b in enumerate(mesh.blocks) if b.region == rid]
            if not members:
                continue
            rn = np.unique(np.concatenate([b.conn.ravel() for _, b in members]))
            local = np.full(mesh.n_nodes, -1, dtype=np.int64)
            local[rn] = offset + np.arange(len(rn))
            for k, b in members:
                blocks.append((k, local[b.conn]))
            nodes.append(rn)
            region.append(np.full(len(rn), rid, dtype=np.int32))
            offset += len(rn)
        return cls(np.concatenate(nodes), np.concatenate(region), blocks)

    @property
    def n_points(self):
        return len(self.nodes)

    def average(self, mesh, per_block_nodal):
        """Average element-nodal values (list per block of (n_el, n_en, k)) onto output points."""
        k = per_block_nodal[0].shape[-1]
        total = np.zeros((self.n_points, k))
        count = np.zeros(self.n_points)
        for bk, conn in self.blocks:
            values = per_block_nodal[bk]
            idx = conn.ravel()
            count += np.bincount(idx, minlength=self.n_points)
            v = values.reshape(-1, k)
            for c in range(k):
                total[:, c] += np.bincount(idx, weights=v[:, c], minlength=self.n_points)
        return total / np.maximum(count, 1)[:, None]


def extrapolate(mesh, per_block_qp):
    """Element-nodal values (n_el, n_en, k) from quadrature values (n_el, n_qp, k), per block."""
    return [np.einsum("nq,eqk->enk", b.etype.extrapolation, v)
            for b, v in zip(mesh.blocks, per_block_qp)]


def region_extremes(mesh, view, sig_points):
    """Per region: max/min von Mises and principal stresses (MPa) at output points."""
    vm = von_mises(sig_points)
    pr = principal(sig_points)
    out = {}
    for rid, name in enumerate(mesh.regions):
        sel = view.region == rid
        if not np.any(sel):
            continue
        out[name] = {"von_mises_max": float(vm[sel].max()),
                     "von_mises_min": float(vm[sel].min()),
                     "max_principal_max": float(pr[sel, 2].max()),
                     "max_principal_min": float(pr[sel, 2].min()),
                     "min_principal_max": float(pr[sel, 0].max()),
                     "min_principal_min": float(pr[sel, 0].min())}
    return out


# ----------------------------------------------------------------------------- point location
@dataclass(frozen=True)
class Location:
    """A point inside one element: block index, element index, reference coordinates."""

    block: int
    element: int
    xi: np.ndarray


def locate(mesh, point, region=None, where="point"):
    """Find the element containing ``point`` (mm), optionally in ``region``.

    Raises InputError when the point is outside the (region of the) mesh.
    """
    x = np.asarray(point, dtype=float)
    best = None
    for k, b in enumerate(mesh.blocks):
        if region is not None and mesh.regions[b.region] != region:
            continue
        X = mesh.points[b.conn]
        lo = X.min(axis=1)
        hi = X.max(axis=1)
        tol = 1e-9 * np.maximum(hi - lo, 1e-12).max(axis=1, keepdims=True)
        cand = np.flatnonzero(np.all((x >= lo - tol) & (x <= hi + tol), axis=1))
        for e in cand:
            xi, dist = _inverse_map(b.etype, X[e], x)
            if best is None or dist < best[0]:
                best = (dist, k, int(e), xi)
            if dist <= 1e-9:
                return Location(k, int(e), xi)
    if best is not None and best[0] < 1e-6:
        return Location(best[1], best[2], best[3])
    scope = f" in region '{region}'" if region else ""
    raise InputError(f"{where}: ({', '.join(f'{c:g}' for c in x)}) lies outside the mesh{scope}")


def _inverse_map(etype, X, x):
    """Reference coordinates of x in the element with nodes X, and distance outside it."""
    xi = etype.nodes.mean(axis=0)
    for _ in range(25):
        N, dN = etype.tabulate(xi[None])
        r = N[0] @ X - x
        J = X.T @ dN[0]
        try:
            step = np.linalg.solve(J, r)
        except np.linalg.LinAlgError:
            break
        xi = xi - step
        if np.linalg.norm(step) < 1e-13:
            break
    return xi, _outside(etype.shape, xi)


def _outside(shape, xi):
    if shape in ("triangle", "tetrahedron"):
        return max(0.0, -xi.min(), xi.sum() - 1.0)
    return max(0.0, np.abs(xi).max() - 1.0)


def interpolate(mesh, loc, nodal_values):
    """Value at a located point of element-nodal values (n_el, n_en, k) of its block."""
    N, _ = mesh.blocks[loc.block].etype.tabulate(loc.xi[None])
    return N[0] @ nodal_values[loc.element]


def interpolate_nodes(mesh, loc, node_values):
    """Value at a located point of a global nodal field (n_nodes, k)."""
    b = mesh.blocks[loc.block]
    N, _ = b.etype.tabulate(loc.xi[None])
    return N[0] @ node_values[b.conn[loc.element]]

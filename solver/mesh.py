"""The mesh record: nodes, element blocks per region, named boundaries.

Regions are the top-dimension physical groups of the Gmsh file; boundaries are the lower
dimension groups (faces, edges, points). Node and element numbering is zero-based inside the
code; messages quote one-based element numbers and centroids.
"""

from dataclasses import dataclass, field

import numpy as np

from .elements import ElementType, SHORT_NAME


@dataclass(eq=False)
class CellBlock:
    """Elements of one type in one region.

    etype  : reference element
    conn   : (n_el, n_nodes) int64, node indices in VTK order
    region : index into ``Mesh.regions``
    ids    : (n_el,) int64, zero-based element numbers over the whole mesh
    """

    etype: ElementType
    conn: np.ndarray
    region: int
    ids: np.ndarray

    @property
    def n_el(self):
        return len(self.conn)


@dataclass(eq=False)
class Boundary:
    """A named set of lower-dimensional cells (or points).

    facets : list of (ElementType, conn (n, k) int64); empty for a point set
    nodes  : (n,) int64, sorted unique node indices
    dim    : dimension of the physical group (0 for points)
    """

    name: str
    dim: int
    facets: list
    nodes: np.ndarray


@dataclass(eq=False)
class Mesh:
    """Nodes, element blocks and named groups.

    points     : (n_nodes, dim) float64, mm
    blocks     : list of CellBlock, one per (element type, region)
    regions    : list of region names (index = region id)
    boundaries : dict name -> Boundary
    source     : file the mesh came from (for messages)
    """

    points: np.ndarray
    blocks: list
    regions: list
    boundaries: dict
    source: str = "<memory>"
    empty_groups: tuple = ()
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def dim(self):
        return self.points.shape[1]

    @property
    def n_nodes(self):
        return len(self.points)

    @property
    def n_elements(self):
        return sum(b.n_el for b in self.blocks)

    def region_id(self, name):
        return self.regions.index(name)

    def blocks_of(self, region):
        """Blocks of region ``region`` (name or id)."""
        rid = self.region_id(region) if isinstance(region, str) else region
        return [b for b in self.blocks if b.region == rid]

    def region_nodes(self, region):
        """Sorted node indices of a region (name or id)."""
        blocks = self.blocks_of(region)
        return np.unique(np.concatenate([b.conn.ravel() for b in blocks]))

    def element_region(self):
        """(n_elements,) int32: region id of every element, by element number."""
        out = np.empty(self.n_elements, dtype=np.int32)
        for b in self.blocks:
            out[b.ids] = b.region
        return out

    def describe_element(self, block, local):
        """'element 12 (tri6 in region chip, centroid (1.2, 0.3))' for messages."""
        xc = self.points[block.conn[local]].mean(axis=0)
        where = ", ".join(f"{c:.4g}" for c in xc)
        name = SHORT_NAME.get(block.etype.name, block.etype.name)
        return (f"element {block.ids[local] + 1} ({name} in region "
                f"'{self.regions[block.region]}', centroid ({where}))")

    def components(self, extra_conn=()):
        """Node -> connected-body label array (n_nodes,).

        Two elements belong to one body when they share a node; ``extra_conn`` adds other
        connections (beams, interface elements).
        """
        key = ("components", len(extra_conn))
        if key not in self._cache:
            from scipy.sparse import coo_matrix
            from scipy.sparse.csgraph import connected_components

            rows, cols = [], []
            for conn in [b.conn for b in self.blocks] + list(extra_conn):
                conn = np.asarray(conn)
                first = np.repeat(conn[:, :1], conn.shape[1], axis=1)
                rows.append(first.ravel())
                cols.append(conn.ravel())
            r = np.concatenate(rows)
            c = np.concatenate(cols)
            n = self.n_nodes
            g = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
            _, labels = connected_components(g, directed=False)
            self._cache[key] = labels
        return self._cache[key]


def renumber_nodes(mesh):
    """Reorder nodes in place by reverse Cuthill-McKee for memory locality.

    Assembly scatters and sparse products touch neighbouring rows together; with Gmsh's
    numbering a 1M-dof matrix has a bandwidth near n and products run 2x slower.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    from .kernels.graph import node_graph

    sizes = np.concatenate([np.full(b.n_el, b.conn.shape[1], dtype=np.int64) for b in mesh.blocks])
    eptr = np.concatenate([[0], np.cumsum(sizes)])
    enodes = np.concatenate([b.conn.ravel() for b in mesh.blocks])
    gptr, gidx = node_graph(mesh.n_nodes, eptr, enodes)
    g = csr_matrix((np.ones(len(gidx), dtype=np.int8), gidx, gptr),
                   shape=(mesh.n_nodes, mesh.n_nodes))
    perm = reverse_cuthill_mckee(g, symmetric_mode=True)
    new = np.empty(len(perm), dtype=np.int64)   # int64 like every conn: one kernel signature
    new[perm] = np.arange(len(perm))
    mesh.points = mesh.points[perm]
    for b in mesh.blocks:
        b.conn = new[b.conn]
    for bd in mesh.boundaries.values():
        bd.facets = [(e, new[c]) for e, c in bd.facets]
        bd.nodes = np.sort(new[bd.nodes])
    mesh._cache.clear()
    return new

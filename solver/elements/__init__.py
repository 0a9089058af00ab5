"""Reference elements: nodes, shape functions and quadrature as plain NumPy data.

An element is data (reference node coordinates, the monomials spanning its shape functions,
its faces, its default quadrature) plus one tabulation method. Node order is VTK's (meshio
converts Gmsh's order on reading), so connectivity goes to ParaView unchanged.

    >>> el = ELEMENTS["tri6"]
    >>> N, dN = el.tabulate(el.qp)        # (n_qp, 6), (n_qp, 6, 2)
"""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import quadrature as Q


@dataclass(frozen=True, eq=False)
class ElementType:
    """A reference finite element.

    name      : registry key, also the meshio cell type
    dim       : reference dimension (1, 2 or 3)
    shape     : reference cell: "line", "triangle", "quad", "tetrahedron", "hexahedron"
    nodes     : (n_nodes, dim) float64, reference coordinates in VTK order
    exponents : (n_nodes, dim) int, monomials x^a y^b z^c spanning the shape functions
    n_corner  : number of corner (vertex) nodes, listed first
    faces     : local node lists of the faces (one dimension lower), outward by right hand
    face_type : name of the element type of a face
    quadrature: (points, weights) rule used for stiffness and internal forces
    vtk_type  : VTK cell type id
    linear    : name of the element built on the corner nodes (for extrapolation, quality)
    """

    name: str
    dim: int
    shape: str
    nodes: np.ndarray
    exponents: np.ndarray
    n_corner: int
    faces: tuple
    face_type: str | None
    quadrature: tuple
    vtk_type: int
    linear: str
    edges: tuple = field(default=())

    @property
    def n_nodes(self):
        return len(self.nodes)

    @property
    def qp(self):
        """Quadrature points ``(n_qp, dim)`` of the default rule."""
        return self.quadrature[0]

    @property
    def qw(self):
        """Quadrature weights ``(n_qp,)`` of the default rule."""
        return self.quadrature[1]

    @cached_property
    def _coefficients(self):
        # Shape function coefficients: N_i(x) = sum_k C[k, i] * m_k(x), with N_i(x_j) = delta_ij.
        V = _monomials(self.nodes, self.exponents)
        return np.linalg.inv(V)

    def tabulate(self, xi):
        """Shape functions and reference derivatives at points ``xi``.

        xi : (n_pts, dim) float64, reference coordinates
        returns N : (n_pts, n_nodes), dN : (n_pts, n_nodes, dim)
        """
        xi = np.atleast_2d(np.asarray(xi, dtype=float))
        C = self._coefficients
        N = _monomials(xi, self.exponents) @ C
        dN = np.stack([_monomial_derivative(xi, self.exponents, d) @ C
                       for d in range(self.dim)], axis=-1)
        return N, dN

    @cached_property
    def extrapolation(self):
        """Matrix ``(n_nodes, n_qp)`` taking quadrature-point values to the element nodes.

        Values are fitted (least squares) with the corner-node shape functions at the
        quadrature points and evaluated at the nodes; with fewer points than corners the
        element mean is used. Exact for fields in the span of the linear element.
        """
        n_qp = len(self.qw)
        if n_qp < self.n_corner:
            return np.full((self.n_nodes, n_qp), 1.0 / n_qp) if n_qp > 1 else np.ones((self.n_nodes, 1))
        lin = ELEMENTS[self.linear]
        A = lin.tabulate(self.qp)[0]
        at_nodes = lin.tabulate(self.nodes)[0]
        return at_nodes @ np.linalg.pinv(A)


def _monomials(x, exponents):
    out = np.ones((len(x), len(exponents)))
    for k, e in enumerate(exponents):
        for d, p in enumerate(e):
            if p:
                out[:, k] *= x[:, d] ** p
    return out


def _monomial_derivative(x, exponents, axis):
    out = np.zeros((len(x), len(exponents)))
    for k, e in enumerate(exponents):
        p = e[axis]
        if p == 0:
            continue
        col = np.full(len(x), float(p))
        for d, q in enumerate(e):
            q = q - 1 if d == axis else q
            if q:
                col *= x[:, d] ** q
        out[:, k] = col
    return out


def _exponents(spec):
    """Monomial exponents from a string such as '1 x y xy': each term lists its factors."""
    terms = spec.split()
    axes = "xyz"
    out = []
    dim = max(axes.index(c) for t in terms for c in t if c in axes) + 1
    for t in terms:
        e = [0] * dim
        for c in t:
            if c in axes:
                e[axes.index(c)] += 1
        out.append(e)
    return np.array(out, dtype=np.int64)


def _midpoints(nodes, pairs):
    return np.array([(nodes[a] + nodes[b]) / 2 for a, b in pairs])


_LINE2 = np.array([[-1.0], [1.0]])
_TRI3 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
_QUAD4 = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
_TET4 = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
_HEX8 = np.array([[-1.0, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1],
                  [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]])

_TRI_EDGES = ((0, 1), (1, 2), (2, 0))
_QUAD_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0))
_TET_EDGES = ((0, 1), (1, 2), (2, 0), (0, 3), (1, 3), (2, 3))
_HEX_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4),
              (0, 4), (1, 5), (2, 6), (3, 7))


def _build():
    E = {}

    def add(el):
        E[el.name] = el

    add(ElementType("line", 1, "line", _LINE2, _exponents("1 x"), 2, (), None,
                    Q.gauss_line(2), 3, "line", edges=((0, 1),)))
    add(ElementType("line3", 1, "line", np.vstack([_LINE2, [[0.0]]]), _exponents("1 x xx"), 2,
                    (), None, Q.gauss_line(3), 21, "line", edges=((0, 1),)))

    add(ElementType("triangle", 2, "triangle", _TRI3, _exponents("1 x y"), 3,
                    _TRI_EDGES, "line", Q.simplex_triangle(1), 5, "triangle", _TRI_EDGES))
    add(ElementType("triangle6", 2, "triangle", np.vstack([_TRI3, _midpoints(_TRI3, _TRI_EDGES)]),
                    _exponents("1 x y xx xy yy"), 3,
                    tuple((a, b, 3 + k) for k, (a, b) in enumerate(_TRI_EDGES)), "line3",
                    Q.simplex_triangle(2), 22, "triangle", _TRI_EDGES))
    add(ElementType("quad", 2, "quad", _QUAD4, _exponents("1 x y xy"), 4,
                    _QUAD_EDGES, "line", Q.gauss_quad(2), 9, "quad", _QUAD_EDGES))
    add(ElementType("quad8", 2, "quad", np.vstack([_QUAD4, _midpoints(_QUAD4, _QUAD_EDGES)]),
                    _exponents("1 x y xx xy yy xxy xyy"), 4,
                    tuple((a, b, 4 + k) for k, (a, b) in enumerate(_QUAD_EDGES)), "line3",
                    Q.gauss_quad(3), 23, "quad", _QUAD_EDGES))

    tet_faces = ((0, 2, 1), (0, 1, 3), (1, 2, 3), (0, 3, 2))
    add(ElementType("tetra", 3, "tetrahedron", _TET4, _exponents("1 x y z"), 4,
                    tet_faces, "triangle", Q.simplex_tetrahedron(1), 10, "tetra", _TET_EDGES))
    edge_node = {frozenset(e): 4 + k for k, e in enumerate(_TET_EDGES)}
    tet10_faces = tuple(f + tuple(edge_node[frozenset((f[i], f[(i + 1) % 3]))] for i in range(3))
                        for f in tet_faces)
    add(ElementType("tetra10", 3, "tetrahedron", np.vstack([_TET4, _midpoints(_TET4, _TET_EDGES)]),
                    _exponents("1 x y z xx yy zz xy yz xz"), 4, tet10_faces, "triangle6",
                    Q.simplex_tetrahedron(2), 24, "tetra", _TET_EDGES))

    hex_faces = ((0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7))
    add(ElementType("hexahedron", 3, "hexahedron", _HEX8, _exponents("1 x y z xy yz xz xyz"), 8,
                    hex_faces, "quad", Q.gauss_hex(2), 12, "hexahedron", _HEX_EDGES))
    edge_node = {frozenset(e): 8 + k for k, e in enumerate(_HEX_EDGES)}
    hex20_faces = tuple(f + tuple(edge_node[frozenset((f[i], f[(i + 1) % 4]))] for i in range(4))
                        for f in hex_faces)
    add(ElementType("hexahedron20", 3, "hexahedron",
                    np.vstack([_HEX8, _midpoints(_HEX8, _HEX_EDGES)]),
                    _exponents("1 x y z xx yy zz xy yz xz xxy xxz xyy yyz xzz yzz xyz xxyz xyyz xyzz"),
                    8, hex20_faces, "quad8", Q.gauss_hex(3), 25, "hexahedron", _HEX_EDGES))
    return E


#: Registry of reference elements by meshio cell-type name.
ELEMENTS = _build()

#: Short names accepted in case files and used in messages.
ALIASES = {"tri3": "triangle", "tri6": "triangle6", "quad4": "quad", "quad8": "quad8",
           "tet4": "tetra", "tet10": "tetra10", "hex8": "hexahedron", "hex20": "hexahedron20",
           "line2": "line", "line3": "line3"}
SHORT_NAME = {v: k for k, v in ALIASES.items()}


def element(name):
    """The reference element called ``name`` (meshio name or short alias such as 'tri6')."""
    return ELEMENTS[ALIASES.get(name, name)]

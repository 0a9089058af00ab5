"""Quadrature rules on reference cells, as plain arrays.

Every function returns ``(points, weights)``: ``points (n_qp, dim) float64`` in reference
coordinates and ``weights (n_qp,) float64`` summing to the reference cell's measure.
Reference cells: line [-1, 1]; triangle and tetrahedron the unit simplex; quadrilateral and
hexahedron [-1, 1]^d.
"""

import numpy as np


def gauss_line(n):
    """Gauss-Legendre rule with ``n`` points on [-1, 1] (exact to degree 2n-1)."""
    x, w = np.polynomial.legendre.leggauss(n)
    return x[:, None], w


def gauss_quad(n):
    """Tensor Gauss rule with ``n x n`` points on [-1, 1]^2."""
    x, w = np.polynomial.legendre.leggauss(n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w)
    return np.column_stack([X.ravel(), Y.ravel()]), W.ravel()


def gauss_hex(n):
    """Tensor Gauss rule with ``n^3`` points on [-1, 1]^3."""
    x, w = np.polynomial.legendre.leggauss(n)
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    W = w[:, None, None] * w[None, :, None] * w[None, None, :]
    return np.column_stack([X.ravel(), Y.ravel(), Z.ravel()]), W.ravel()


def _symmetric_triangle(orbits):
    """Expand orbits of barycentric points into a rule on the unit triangle.

    Each orbit is ``(w,)`` for the centroid, ``(w, a)`` for the three points (a, a, 1-2a),
    or ``(w, a, b)`` for the six permutations of (a, b, 1-a-b); ``w`` is the weight for a
    triangle of unit area.
    """
    pts, wts = [], []
    for w, *ab in orbits:
        if not ab:
            bary = [(1 / 3, 1 / 3, 1 / 3)]
        elif len(ab) == 1:
            a = ab[0]
            b = 1 - 2 * a
            bary = [(b, a, a), (a, b, a), (a, a, b)]
        else:
            a, b = ab
            c = 1 - a - b
            bary = [(a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)]
        for _, l1, l2 in bary:
            pts.append((l1, l2))
            wts.append(w / 2.0)
    return np.array(pts), np.array(wts)


def simplex_triangle(degree):
    """Symmetric rule on the unit triangle exact to ``degree`` (1, 2, 4 or 5; Dunavant 1985)."""
    if degree <= 1:
        return _symmetric_triangle([(1.0,)])
    if degree == 2:
        return _symmetric_triangle([(1 / 3, 1 / 6)])
    if degree <= 4:
        return _symmetric_triangle([
            (0.223381589678011, 0.445948490915965),
            (0.109951743655322, 0.091576213509771),
        ])
    if degree == 5:
        return _symmetric_triangle([
            (0.225,),
            (0.132394152788506, 0.470142064105115),
            (0.125939180544827, 0.101286507323456),
        ])
    raise ValueError(f"no triangle rule of degree {degree}")


def simplex_tetrahedron(degree):
    """Rule on the unit tetrahedron exact to ``degree`` (1 or 2; positive weights)."""
    if degree <= 1:
        return np.array([[0.25, 0.25, 0.25]]), np.array([1 / 6])
    if degree == 2:
        a, b = 0.5854101966249685, 0.1381966011250105
        pts = np.array([[b, b, b], [a, b, b], [b, a, b], [b, b, a]])
        return pts, np.full(4, 1 / 24)
    raise ValueError(f"no tetrahedron rule of degree {degree}")

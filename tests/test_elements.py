"""Reference elements: interpolation, derivatives and quadrature against exact values."""

import itertools
import math

import numpy as np
import pytest

from solver.elements import ELEMENTS
from solver.elements import quadrature as Q

ALL = sorted(ELEMENTS)


@pytest.mark.parametrize("name", ALL)
def test_kronecker_and_partition_of_unity(name):
    el = ELEMENTS[name]
    N, dN = el.tabulate(el.nodes)
    assert np.allclose(N, np.eye(el.n_nodes), atol=1e-12)
    rng = np.random.default_rng(0)
    xi = rng.uniform(-0.3, 0.3, (7, el.dim)) + el.nodes.mean(axis=0)
    N, dN = el.tabulate(xi)
    assert np.allclose(N.sum(axis=1), 1.0)
    assert np.allclose(dN.sum(axis=1), 0.0, atol=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_derivatives_match_finite_differences(name):
    el = ELEMENTS[name]
    xi = el.nodes.mean(axis=0)[None] + 0.1
    _, dN = el.tabulate(xi)
    h = 1e-6
    for d in range(el.dim):
        step = np.zeros(el.dim)
        step[d] = h
        fd = (el.tabulate(xi + step)[0] - el.tabulate(xi - step)[0]) / (2 * h)
        assert np.allclose(dN[..., d], fd, atol=1e-8)


@pytest.mark.parametrize("name", ALL)
def test_linear_fields_are_reproduced(name):
    """Isoparametric completeness: x = sum N_a x_a for the nodal coordinates."""
    el = ELEMENTS[name]
    rng = np.random.default_rng(1)
    A = rng.normal(size=(el.dim, el.dim))
    b = rng.normal(size=el.dim)
    values = el.nodes @ A.T + b
    xi = rng.uniform(0.05, 0.3, (5, el.dim))
    N, dN = el.tabulate(xi)
    assert np.allclose(N @ values, xi @ A.T + b)
    assert np.allclose(np.einsum("pad,ai->pid", dN, values), np.broadcast_to(A, (5,) + A.shape))


def _exact_monomial_integral(shape, powers):
    """Integral of prod x_i^p_i over the reference cell."""
    if shape in ("line", "quad", "hexahedron"):
        return math.prod(0.0 if p % 2 else 2.0 / (p + 1) for p in powers)
    # unit simplex: prod(p_i!) / (dim + sum p)!
    return math.prod(math.factorial(p) for p in powers) / math.factorial(len(powers) + sum(powers))


RULES = [("line", Q.gauss_line(3), 5), ("quad", Q.gauss_quad(3), 5),
         ("hexahedron", Q.gauss_hex(2), 3), ("triangle", Q.simplex_triangle(1), 1),
         ("triangle", Q.simplex_triangle(2), 2), ("triangle", Q.simplex_triangle(4), 4),
         ("triangle", Q.simplex_triangle(5), 5), ("tetrahedron", Q.simplex_tetrahedron(1), 1),
         ("tetrahedron", Q.simplex_tetrahedron(2), 2)]


@pytest.mark.parametrize("shape,rule,degree", RULES)
def test_quadrature_exactness(shape, rule, degree):
    pts, w = rule
    dim = pts.shape[1]
    for powers in itertools.product(range(degree + 1), repeat=dim):
        if sum(powers) > degree:
            continue
        approx = np.sum(w * np.prod(pts ** np.array(powers), axis=1))
        assert approx == pytest.approx(_exact_monomial_integral(shape, powers), abs=1e-13)


@pytest.mark.parametrize("name", ALL)
def test_extrapolation_is_exact_for_linear_fields(name):
    el = ELEMENTS[name]
    if len(el.qw) < el.n_corner:
        pytest.skip("one-point rule: constant extrapolation")
    f = lambda x: 1.0 + 2.0 * x[:, 0] - 0.5 * x[:, -1]  # noqa: E731
    at_qp = f(el.qp)
    assert np.allclose(el.extrapolation @ at_qp, f(el.nodes))


@pytest.mark.parametrize("name", [n for n in ALL if ELEMENTS[n].dim >= 2])
def test_faces_point_outwards(name):
    el = ELEMENTS[name]
    centre = el.nodes.mean(axis=0)
    for face in el.faces:
        X = el.nodes[list(face)]
        fc = X.mean(axis=0)
        if el.dim == 2:
            t = X[1] - X[0]
            n = np.array([t[1], -t[0]])
        else:
            n = np.cross(X[1] - X[0], X[2] - X[0])
        assert n @ (fc - centre) > 0

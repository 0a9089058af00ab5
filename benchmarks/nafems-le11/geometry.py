"""NAFEMS LE11 solid cylinder/taper/sphere (lengths in m, as published).

The meridian section (r, z) of NAFEMS TNSB Rev. 3 (1990), test LE11, with the dimensions of
the original figure: a spherical band between radii 1.0 (inner, from A (1, 0) up to 45 deg,
r = z = 0.7071) and 1.4 (outer, from B (1.4, 0) up to z = 0.7, r = 1.2124), a bore of
radius 0.7071 from the inner sphere to the top z = 1.79, a taper from (1.2124, 0.7) to
(1.0, 1.39) and a cylinder of radius 1.0 from z = 1.39 to the top (axial bands 0.7, 0.345,
0.345 and 0.4).

Axisymmetric elements (tri3, tri6, quad4, quad8): the section itself, x = r, y = z; 3D
elements (tet4, tet10, hex8, hex20): the section revolved by 90 deg about z (hexahedra by
revolving an all-quad section mesh).

Names: region ``body``; boundaries ``bottom`` (z = 0), ``top`` (z = 1.79), in 3D also
``xz-plane`` (y = 0) and ``yz-plane`` (x = 0); point ``A`` (1, 0[, 0]).

    python benchmarks/nafems-le11/geometry.py --element quad8 -o benchmarks/nafems-le11/mesh-axisymmetric.msh
    python benchmarks/nafems-le11/geometry.py --element hex20 -o benchmarks/nafems-le11/mesh-3d.msh
"""

import argparse
import math

ELEMENTS = {"tri3": (2, 1, False), "tri6": (2, 2, False), "quad4": (2, 1, True),
            "quad8": (2, 2, True), "tet4": (3, 1, False), "tet10": (3, 2, False),
            "hex8": (3, 1, True), "hex20": (3, 2, True)}
TOP = 1.79


def build(path, size=1.0, order=None, element="quad8"):
    """Write the LE11 mesh of ``element``; ``size`` scales the element size (1: h = 0.1)."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    dim, el_order, quads = ELEMENTS[element]
    if order is not None and order != el_order:
        raise ValueError(f"{element} is an order-{el_order} element")
    h = 0.1 * size
    s45 = math.sqrt(0.5)
    zD = 0.7
    rD = math.sqrt(1.4 ** 2 - zD ** 2)
    with gmsh_session("nafems-le11"):
        occ = gmsh.model.occ
        # the section in the x-z plane (y = 0) in 3D, in the x-y plane when axisymmetric
        def P(r, z):
            return occ.addPoint(r, z, 0) if dim == 2 else occ.addPoint(r, 0, z)

        O = P(0, 0)
        A, B = P(1.0, 0), P(1.4, 0)
        D, G = P(rD, zD), P(1.0, 1.39)
        I, H = P(1.0, TOP), P(s45, TOP)
        E = P(s45, s45)
        curves = [occ.addLine(A, B), occ.addCircleArc(B, O, D), occ.addLine(D, G),
                  occ.addLine(G, I), occ.addLine(I, H), occ.addLine(H, E),
                  occ.addCircleArc(E, O, A)]
        surf = occ.addPlaneSurface([occ.addCurveLoop(curves)])
        occ.remove([(0, O)])
        occ.synchronize()
        if dim == 2:
            # counterclockwise in (x, y): A B D G I H E is counterclockwise
            n = gmsh.model.getNormal(surf, [0.5, 0.5])
            assert n[2] > 0, "section must be counterclockwise"
        mesh = gmsh.model.mesh
        gmsh.option.setNumber("Mesh.MeshSizeMin", h)
        gmsh.option.setNumber("Mesh.MeshSizeMax", h)
        if quads:
            gmsh.option.setNumber("Mesh.Algorithm", 8)               # frontal-Delaunay for quads
            gmsh.option.setNumber("Mesh.RecombinationAlgorithm", 3)  # blossom full-quad
            mesh.setRecombine(2, surf)
        if dim == 3:
            n_theta = max(2, round((math.pi / 2) * 1.2 / h))
            kw = dict(numElements=[n_theta], recombine=True) if quads else {}
            out = occ.revolve([(2, surf)], 0, 0, 0, 0, 0, 1, math.pi / 2, **kw)
            occ.synchronize()
            vol = [t for d, t in out if d == 3]
        eps = 1e-6

        def in_box(d, x0, y0, z0, x1, y1, z1):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
                x0 - eps, y0 - eps, z0 - eps, x1 + eps, y1 + eps, z1 + eps, d)]

        if dim == 2:
            gmsh.model.addPhysicalGroup(2, [surf], name="body")
            gmsh.model.addPhysicalGroup(1, in_box(1, 0, 0, 0, 2, 0, 0), name="bottom")
            gmsh.model.addPhysicalGroup(1, in_box(1, 0, TOP, 0, 2, TOP, 0), name="top")
            gmsh.model.addPhysicalGroup(0, in_box(0, 1, 0, 0, 1, 0, 0), name="A")
        else:
            gmsh.model.addPhysicalGroup(3, vol, name="body")
            gmsh.model.addPhysicalGroup(2, in_box(2, -2, -2, 0, 2, 2, 0), name="bottom")
            gmsh.model.addPhysicalGroup(2, in_box(2, -2, -2, TOP, 2, 2, TOP), name="top")
            gmsh.model.addPhysicalGroup(2, in_box(2, 0, 0, 0, 2, 0, TOP), name="xz-plane")
            gmsh.model.addPhysicalGroup(2, in_box(2, 0, 0, 0, 0, 2, TOP), name="yz-plane")
            gmsh.model.addPhysicalGroup(0, in_box(0, 1, 0, 0, 1, 0, 0), name="A")
        mesh_options(el_order, 1.0)
        mesh.generate(dim)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="quad8", choices=sorted(ELEMENTS))
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, None, a.element)


if __name__ == "__main__":
    main()

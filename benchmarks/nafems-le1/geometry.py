"""NAFEMS LE1 elliptic membrane: the quarter model, plane stress (lengths in m, as published).

Inner ellipse (x/2)^2 + (y/1)^2 = 1, outer ellipse (x/3.25)^2 + (y/2.75)^2 = 1, x, y >= 0
(NAFEMS TNSB Rev. 3, 1990, test LE1). A mapped mesh: ``n`` elements across the membrane and
``3 n`` around it, graded (4 : 1) towards the x axis where point D sits (n = 8 / size).

Names: region ``membrane``; boundaries ``x-axis`` (edge CD, y = 0), ``y-axis`` (edge AB,
x = 0), ``outer`` (BC), ``inner`` (AD); points ``D`` (2, 0), ``C`` (3.25, 0).

    python benchmarks/nafems-le1/geometry.py --element quad8 --size 1 -o benchmarks/nafems-le1/mesh.msh
"""

import argparse

ELEMENTS = {"tri3": (1, False), "tri6": (2, False), "quad4": (1, True), "quad8": (2, True)}


def build(path, size=1.0, order=None, element="quad8", grading=4.0):
    """Write the LE1 mesh of ``element`` at size factor ``size`` (1: 8 x 24 elements)."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    el_order, quads = ELEMENTS[element]
    if order is not None and order != el_order:
        raise ValueError(f"{element} is an order-{el_order} element")
    n = max(2, round(8 / size))
    with gmsh_session("nafems-le1"):
        occ = gmsh.model.occ
        pA = occ.addPoint(0, 1, 0)
        pB = occ.addPoint(0, 2.75, 0)
        pC = occ.addPoint(3.25, 0, 0)
        pD = occ.addPoint(2, 0, 0)
        pO = occ.addPoint(0, 0, 0)
        ab = occ.addLine(pA, pB)
        bc = occ.addEllipseArc(pC, pO, pC, pB)
        cd = occ.addLine(pC, pD)
        da = occ.addEllipseArc(pD, pO, pD, pA)
        loop = occ.addCurveLoop([-cd, bc, -ab, -da])   # counterclockwise: D C B A
        surf = occ.addPlaneSurface([loop])
        occ.remove([(0, pO)])
        occ.synchronize()
        gmsh.model.addPhysicalGroup(2, [surf], name="membrane")
        gmsh.model.addPhysicalGroup(1, [cd], name="x-axis")
        gmsh.model.addPhysicalGroup(1, [ab], name="y-axis")
        gmsh.model.addPhysicalGroup(1, [bc], name="outer")
        gmsh.model.addPhysicalGroup(1, [da], name="inner")
        gmsh.model.addPhysicalGroup(0, [pD], name="D")
        gmsh.model.addPhysicalGroup(0, [pC], name="C")
        m = gmsh.model.mesh
        m.setTransfiniteCurve(ab, n + 1)
        m.setTransfiniteCurve(cd, n + 1)
        # finer around the ellipses near the x axis (D): a geometric progression from C/D to
        # B/A, the last element ``grading`` times longer than the first
        q = grading ** (1.0 / (3 * n - 1))
        m.setTransfiniteCurve(bc, 3 * n + 1, "Progression", q)
        m.setTransfiniteCurve(da, 3 * n + 1, "Progression", q)
        m.setTransfiniteSurface(surf)
        if quads:
            m.setRecombine(2, surf)
        mesh_options(el_order, 1.0)
        m.generate(2)
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

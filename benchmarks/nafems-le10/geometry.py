"""NAFEMS LE10 thick plate: the quarter model (lengths in m, as published).

The LE1 elliptic annulus (inner (x/2)^2 + y^2 = 1, outer (x/3.25)^2 + (y/2.75)^2 = 1) as a
plate 0.6 thick, z in [-0.3, 0.3] (NAFEMS TNSB Rev. 3, 1990, test LE10). The plate is built
as two halves extruded from the mid-plane, so the mid-plane line of the outer face exists.
Hexahedra: a mapped mesh of ``n`` elements across, ``3 n`` around (graded 4 : 1 towards the
x axis) and ``n / 2`` through each half (n = 8 / size); tetrahedra: unstructured, about the
same size near D, coarser away from it.

Names: region ``plate``; boundaries ``top`` (z = 0.3), ``bottom``, ``x-face`` (y = 0, face
DCD'C'), ``y-face`` (x = 0, face ABA'B'), ``outer`` (BCB'C'), ``inner``, ``outer-midline``
(the outer ellipse at z = 0); point ``D`` (2, 0, 0.3).

    python benchmarks/nafems-le10/geometry.py --element hex20 -o benchmarks/nafems-le10/mesh.msh
"""

import argparse

ELEMENTS = {"tet4": (1, False), "tet10": (2, False), "hex8": (1, True), "hex20": (2, True)}


def build(path, size=1.0, order=None, element="hex20", grading=4.0):
    """Write the LE10 mesh of ``element`` at size factor ``size`` (1: 8 x 24 x 8 hexes)."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    el_order, hexes = ELEMENTS[element]
    if order is not None and order != el_order:
        raise ValueError(f"{element} is an order-{el_order} element")
    n = max(2, round(8 / size))
    nz = max(1, round(n / 2))
    with gmsh_session("nafems-le10"):
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
        loop = occ.addCurveLoop([-cd, bc, -ab, -da])
        mid = occ.addPlaneSurface([loop])
        occ.remove([(0, pO)])
        kw = dict(numElements=[nz], recombine=True) if hexes else {}
        up = occ.extrude([(2, mid)], 0, 0, 0.3, **kw)
        down = occ.extrude([(2, mid)], 0, 0, -0.3, **kw)
        occ.synchronize()
        vols = [t for d, t in up + down if d == 3]
        eps = 1e-6

        def bbox(d, t):
            return gmsh.model.getBoundingBox(d, t)

        surfaces = {"top": [], "bottom": [], "x-face": [], "y-face": [], "outer": [], "inner": []}
        for _, s in gmsh.model.getEntities(2):
            x0, y0, z0, x1, y1, z1 = bbox(2, s)
            if z1 - z0 < eps:
                if abs(z0 - 0.3) < eps:
                    surfaces["top"].append(s)
                elif abs(z0 + 0.3) < eps:
                    surfaces["bottom"].append(s)
            elif y1 < eps:
                surfaces["x-face"].append(s)
            elif x1 < eps:
                surfaces["y-face"].append(s)
            elif abs(x1 - 3.25) < 1e-3:
                surfaces["outer"].append(s)
            elif abs(x1 - 2.0) < 1e-3:
                surfaces["inner"].append(s)
        midline = [c for _, c in gmsh.model.getEntities(1)
                   if bbox(1, c)[5] - bbox(1, c)[2] < eps and abs(bbox(1, c)[2]) < eps
                   and abs(bbox(1, c)[3] - 3.25) < 1e-3 and bbox(1, c)[4] > 2.7]
        D = [p for _, p in gmsh.model.getEntitiesInBoundingBox(2 - eps, -eps, 0.3 - eps,
                                                                2 + eps, eps, 0.3 + eps, 0)]
        gmsh.model.addPhysicalGroup(3, vols, name="plate")
        for name, tags in surfaces.items():
            gmsh.model.addPhysicalGroup(2, tags, name=name)
        gmsh.model.addPhysicalGroup(1, midline, name="outer-midline")
        gmsh.model.addPhysicalGroup(0, D, name="D")

        m = gmsh.model.mesh
        if hexes:
            q = grading ** (1.0 / (3 * n - 1))
            for _, c in gmsh.model.getEntities(1):
                x0, y0, z0, x1, y1, z1 = bbox(1, c)
                if z1 - z0 > eps:
                    continue                      # extrusion edges: layers
                if y1 < eps or x1 < eps:          # straight radial edges
                    m.setTransfiniteCurve(c, n + 1)
                else:                             # ellipse arcs: graded towards y = 0
                    # the arcs run from the x axis (parameter 0) to the y axis
                    m.setTransfiniteCurve(c, 3 * n + 1, "Progression", q)
            m.setTransfiniteSurface(mid)
            m.setRecombine(2, mid)
        else:
            # unstructured: element size h near D growing to 3 h far from it
            h = 0.25 * size
            f = m.field.add("Distance")
            m.field.setNumbers(f, "PointsList", [pD])
            g = m.field.add("Threshold")
            m.field.setNumber(g, "InField", f)
            m.field.setNumber(g, "SizeMin", h)
            m.field.setNumber(g, "SizeMax", 3 * h)
            m.field.setNumber(g, "DistMin", 0.3)
            m.field.setNumber(g, "DistMax", 2.0)
            m.field.setAsBackgroundMesh(g)
            gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
            gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
            gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
        mesh_options(el_order, 1.0)
        m.generate(3)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="hex20", choices=sorted(ELEMENTS))
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, None, a.element)


if __name__ == "__main__":
    main()

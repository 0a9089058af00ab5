"""Meshes of the elastica benchmark: a beam-element cantilever and a continuum strip.

``beam``: a clamp block [-1, 0] x [-0.5, 0.5] (region ``clamp``, triangles) and a straight
beam curve ``beam`` from (0, 0) to (length, 0) with ``elements`` line cells; points ``root``
(0, 0), a node of the block, and ``tip``.

``strip``: a structured quad8 strip [0, length] x [-thickness/2, thickness/2] (region
``strip``), ``nx`` x ``ny`` elements; boundaries ``left``, ``right`` (the end face, a curve of
line3 cells), points ``tip`` (length, 0) and ``root`` (0, 0).

    python benchmarks/beam-elastica/geometry.py beam -o mesh.msh --set elements=20
"""

import argparse


def beam(path, length=10.0, elements=20, order=1):
    """Clamp block plus a beam curve of ``elements`` lines (or line3 cells for order 2)."""
    import gmsh

    from meshes.common import gmsh_session

    with gmsh_session("beam-cantilever"):
        g = gmsh.model.geo
        pts = [g.addPoint(x, y, 0, 0.5) for x, y in
               [(-1, -0.5), (0, -0.5), (0, 0), (0, 0.5), (-1, 0.5)]]
        tip = g.addPoint(length, 0, 0, 0.5)
        lines = [g.addLine(pts[i], pts[(i + 1) % 5]) for i in range(5)]
        surf = g.addPlaneSurface([g.addCurveLoop(lines)])
        b = g.addLine(pts[2], tip)
        g.synchronize()
        gmsh.model.mesh.setTransfiniteCurve(b, elements + 1)
        gmsh.model.addPhysicalGroup(2, [surf], name="clamp")
        gmsh.model.addPhysicalGroup(1, [b], name="beam")
        gmsh.model.addPhysicalGroup(0, [pts[2]], name="root")
        gmsh.model.addPhysicalGroup(0, [tip], name="tip")
        gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 1)
        gmsh.model.mesh.generate(2)
        gmsh.model.mesh.setOrder(order)
        gmsh.write(str(path))
    return path


def strip(path, length=10.0, thickness=0.05, nx=80, ny=2):
    """Structured quad8 strip; the end faces are split at mid-thickness (points root, tip)."""
    import gmsh

    from meshes.common import gmsh_session

    h = thickness / 2
    with gmsh_session("strip"):
        g = gmsh.model.geo
        p = [g.addPoint(x, y, 0) for x, y in
             [(0, -h), (length, -h), (length, 0), (length, h), (0, h), (0, 0)]]
        c = [g.addLine(p[i], p[(i + 1) % 6]) for i in range(6)]
        s = g.addPlaneSurface([g.addCurveLoop(c)])
        g.synchronize()
        m = gmsh.model.mesh
        for k in (0, 3):
            m.setTransfiniteCurve(c[k], nx + 1)
        for k in (1, 2, 4, 5):
            m.setTransfiniteCurve(c[k], ny // 2 + 1)
        m.setTransfiniteSurface(s, cornerTags=[p[0], p[1], p[3], p[4]])
        m.setRecombine(2, s)
        gmsh.model.addPhysicalGroup(2, [s], name="strip")
        gmsh.model.addPhysicalGroup(1, [c[4], c[5]], name="left")
        gmsh.model.addPhysicalGroup(1, [c[1], c[2]], name="right")
        gmsh.model.addPhysicalGroup(0, [p[2]], name="tip")
        gmsh.model.addPhysicalGroup(0, [p[5]], name="root")
        gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 1)
        m.generate(2)
        m.setOrder(2)
        gmsh.write(str(path))
    return path


BUILDERS = {"beam": beam, "strip": strip}


def build(path, builder, **params):
    return BUILDERS[builder](path, **params)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builder", choices=sorted(BUILDERS))
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--set", action="append", default=[], help="parameter=value")
    a = ap.parse_args()
    params = {k: (float(v) if "." in v else int(v)) for k, v in (s.split("=") for s in a.set)}
    build(a.output, a.builder, **params)

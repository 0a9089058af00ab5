"""Cook's membrane: the tapered panel A (0, 0), B (48, 44), C (48, 60), D (0, 44), mm.

A structured mesh: ``n`` elements along every edge (the bilinear map of an n x n grid of
the unit square; Gmsh transfinite surface). Clamped edge AD (x = 0), loaded edge BC (x = 48).
Names: region ``panel``; boundaries ``left`` (AD), ``right`` (BC), ``bottom`` (AB), ``top``
(DC); point ``tip`` (C = (48, 60)). Elements quad4, quad8, tri3 or tri6 (triangles: each
grid cell split in two).

    python benchmarks/cook-membrane/geometry.py --element quad4 -n 16 \
        -o benchmarks/cook-membrane/mesh.msh
"""

import argparse

ELEMENTS = {"tri3": (1, False), "tri6": (2, False), "quad4": (1, True), "quad8": (2, True)}


def build(path, n=16, element="quad4"):
    """Write the Cook's-membrane mesh with ``n`` elements per edge of ``element``."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    order, quads = ELEMENTS[element]
    with gmsh_session("cook-membrane"):
        geo = gmsh.model.geo
        pA = geo.addPoint(0, 0, 0)
        pB = geo.addPoint(48, 44, 0)
        pC = geo.addPoint(48, 60, 0)
        pD = geo.addPoint(0, 44, 0)
        ab = geo.addLine(pA, pB)
        bc = geo.addLine(pB, pC)
        cd = geo.addLine(pC, pD)
        da = geo.addLine(pD, pA)
        loop = geo.addCurveLoop([ab, bc, cd, da])     # counterclockwise
        surf = geo.addPlaneSurface([loop])
        for c in (ab, bc, cd, da):
            geo.mesh.setTransfiniteCurve(c, n + 1)
        geo.mesh.setTransfiniteSurface(surf, "Left", [pA, pB, pC, pD])
        if quads:
            geo.mesh.setRecombine(2, surf)
        geo.synchronize()
        gmsh.model.addPhysicalGroup(2, [surf], name="panel")
        gmsh.model.addPhysicalGroup(1, [da], name="left")
        gmsh.model.addPhysicalGroup(1, [bc], name="right")
        gmsh.model.addPhysicalGroup(1, [ab], name="bottom")
        gmsh.model.addPhysicalGroup(1, [cd], name="top")
        gmsh.model.addPhysicalGroup(0, [pC], name="tip")
        mesh_options(order, 1.0)
        gmsh.model.mesh.generate(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="quad4", choices=sorted(ELEMENTS))
    ap.add_argument("-n", type=int, default=16, help="elements per edge")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.n, a.element)


if __name__ == "__main__":
    main()

"""Bonded disc: an elastomer disc of radius a and thickness h between rigid plates (axisymmetric).

The section 0 <= r <= a, 0 <= z <= h, meshed structured (Gmsh transfinite) with ``nz``
elements through the thickness and ``nr`` along the radius, both graded geometrically towards
the bonded edges (z = 0, z = h, r = a) where the stresses are singular; ``grading`` is the
ratio of the largest to the smallest element along each graded direction. Shape factor
S = loaded area / free area = pi a^2 / (2 pi a h) = a / (2 h).

Names: region ``disc``; boundaries ``axis`` (r = 0), ``bottom`` (z = 0), ``top`` (z = h),
``free`` (r = a); point ``edge`` (a, h).

    python benchmarks/bonded-disc/geometry.py --shape-factor 2 -o benchmarks/bonded-disc/mesh.msh
"""

import argparse

ELEMENTS = {"tri3": (1, False), "tri6": (2, False), "quad4": (1, True), "quad8": (2, True)}


def default_divisions(shape_factor, nz=8):
    """(nr, nz): about square elements in the middle of the disc."""
    return max(4, round(nz * shape_factor)), nz


def build(path, shape_factor=1.0, height=1.0, nr=None, nz=8, grading=4.0, element="quad8"):
    """Write the mesh of a disc with S = shape_factor, thickness ``height`` (mm)."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    order, quads = ELEMENTS[element]
    a = 2.0 * shape_factor * height
    if nr is None:
        nr, nz = default_divisions(shape_factor, nz)
    with gmsh_session("bonded-disc"):
        geo = gmsh.model.geo
        p0 = geo.addPoint(0, 0, 0)
        p1 = geo.addPoint(a, 0, 0)
        p2 = geo.addPoint(a, height, 0)
        p3 = geo.addPoint(0, height, 0)
        bottom = geo.addLine(p0, p1)
        free = geo.addLine(p1, p2)
        top = geo.addLine(p2, p3)
        axis = geo.addLine(p3, p0)
        surf = geo.addPlaneSurface([geo.addCurveLoop([bottom, free, top, axis])])
        # radial: progression towards r = a (bottom runs 0 -> a, top runs a -> 0)
        qr = grading ** (-1.0 / max(nr - 1, 1))
        geo.mesh.setTransfiniteCurve(bottom, nr + 1, "Progression", qr)
        geo.mesh.setTransfiniteCurve(top, nr + 1, "Progression", 1.0 / qr)
        # through the thickness: refined at both bonded faces
        bump = 1.0 / grading
        geo.mesh.setTransfiniteCurve(free, nz + 1, "Bump", bump)
        geo.mesh.setTransfiniteCurve(axis, nz + 1, "Bump", bump)
        geo.mesh.setTransfiniteSurface(surf, "Left", [p0, p1, p2, p3])
        if quads:
            geo.mesh.setRecombine(2, surf)
        geo.synchronize()
        gmsh.model.addPhysicalGroup(2, [surf], name="disc")
        gmsh.model.addPhysicalGroup(1, [axis], name="axis")
        gmsh.model.addPhysicalGroup(1, [bottom], name="bottom")
        gmsh.model.addPhysicalGroup(1, [top], name="top")
        gmsh.model.addPhysicalGroup(1, [free], name="free")
        gmsh.model.addPhysicalGroup(0, [p2], name="edge")
        mesh_options(order, 1.0)
        gmsh.model.mesh.generate(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape-factor", type=float, default=1.0)
    ap.add_argument("--height", type=float, default=1.0)
    ap.add_argument("--nz", type=int, default=8)
    ap.add_argument("--element", default="quad8", choices=sorted(ELEMENTS))
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.shape_factor, a.height, nz=a.nz, element=a.element)


if __name__ == "__main__":
    main()

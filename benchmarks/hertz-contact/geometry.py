"""Quarter of a disc of radius R centred at (0, R): a cylinder (plane strain) or a sphere
(axisymmetric, x = r, y = z) touching the plane y = 0 at the origin.

The region ``ball`` is the part x >= 0, y <= R of the disc. Boundaries: ``contact`` (the
arc from (0, 0) to (R, R)), ``axis`` (x = 0, symmetry line / axis of revolution), ``top``
(y = R, the loaded plane through the centre). The mesh is refined near the first contact
point: element size ``h`` within ``refine`` of the origin, growing to ``R / 8`` at R / 2.

    python benchmarks/hertz-contact/geometry.py --h 0.04 -o hertz.msh
"""

import argparse

R = 10.0


def build(path, h=0.04, refine=1.0, order=1, radius=R, quads=False):
    """Write the mesh to ``path``: size ``h`` (mm) near the contact, elements of ``order``."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    with gmsh_session("hertz"):
        occ = gmsh.model.occ
        disk = occ.addDisk(0, radius, 0, radius, radius)
        box = occ.addRectangle(0, 0, 0, radius, radius)
        out, _ = occ.intersect([(2, disk)], [(2, box)])
        occ.synchronize()
        surf = out[0][1]
        eps = 1e-6 * radius
        names = {}
        for _, c in gmsh.model.getBoundary([(2, surf)], oriented=False):
            x0, y0, _, x1, y1, _ = gmsh.model.getBoundingBox(1, c)
            if abs(x1 - x0) < eps and abs(x0) < eps:
                names["axis"] = c
            elif abs(y1 - y0) < eps and abs(y0 - radius) < eps:
                names["top"] = c
            else:
                names["contact"] = c
        gmsh.model.addPhysicalGroup(2, [surf], name="ball")
        for name, tag in names.items():
            gmsh.model.addPhysicalGroup(1, [tag], name=name)
        origin = [t for _, t in gmsh.model.getEntitiesInBoundingBox(-eps, -eps, -eps, eps, eps,
                                                                    eps, 0)]
        gmsh.model.addPhysicalGroup(0, origin, name="origin")
        f = gmsh.model.mesh.field
        dist = f.add("Distance")
        f.setNumbers(dist, "PointsList", origin)
        thr = f.add("Threshold")
        f.setNumber(thr, "InField", dist)
        f.setNumber(thr, "SizeMin", h)
        f.setNumber(thr, "SizeMax", radius / 8)
        f.setNumber(thr, "DistMin", refine)
        f.setNumber(thr, "DistMax", radius / 2)
        f.setAsBackgroundMesh(thr)
        gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
        gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
        gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
        if quads:
            gmsh.option.setNumber("Mesh.RecombineAll", 1)
            gmsh.option.setNumber("Mesh.Algorithm", 8)
        mesh_options(order, 1.0)
        gmsh.model.mesh.generate(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--h", type=float, default=0.04)
    ap.add_argument("--refine", type=float, default=1.0)
    ap.add_argument("--order", type=int, default=1, choices=(1, 2))
    ap.add_argument("--quads", action="store_true")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, h=a.h, refine=a.refine, order=a.order, quads=a.quads)


if __name__ == "__main__":
    main()

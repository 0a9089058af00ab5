"""Thick-walled cylinder, inner radius a = 10 mm, outer radius b = 20 mm.

Two sections of the same long cylinder:

* ``section = "annulus"``: the quarter annulus a <= r <= b, x, y >= 0 (plane strain).
  Boundaries ``inner``, ``outer``, ``x-axis`` (y = 0), ``y-axis`` (x = 0).
* ``section = "axisymmetric"``: the meridian strip a <= r <= b, 0 <= z <= 5 (x = r, y = z).
  Boundaries ``inner``, ``outer``, ``bottom`` (z = 0), ``top`` (z = 5).

Both are mapped meshes: ``n = 4 / size`` elements through the wall, ``2.5 n`` around the
quarter circle (``n / 2`` along z); quadratic elements have their mid-edge nodes on the
circles. Region ``wall``.

    python benchmarks/thick-cylinder/geometry.py --element quad8 --section annulus -o benchmarks/thick-cylinder/mesh-annulus.msh
"""

import argparse

ELEMENTS = {"tri3": (1, False), "tri6": (2, False), "quad4": (1, True), "quad8": (2, True)}
A, B, H = 10.0, 20.0, 5.0


def build(path, size=1.0, order=None, element="quad8", section="annulus"):
    """Write the mesh of ``section`` with ``element`` at size factor ``size`` (1: n = 4)."""
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    el_order, quads = ELEMENTS[element]
    if order is not None and order != el_order:
        raise ValueError(f"{element} is an order-{el_order} element")
    n = max(1, round(4 / size))
    with gmsh_session("thick-cylinder"):
        occ = gmsh.model.occ
        if section == "annulus":
            O = occ.addPoint(0, 0, 0)
            p1, p2 = occ.addPoint(A, 0, 0), occ.addPoint(B, 0, 0)
            p3, p4 = occ.addPoint(0, B, 0), occ.addPoint(0, A, 0)
            c = [occ.addLine(p1, p2), occ.addCircleArc(p2, O, p3), occ.addLine(p3, p4),
                 occ.addCircleArc(p4, O, p1)]
            surf = occ.addPlaneSurface([occ.addCurveLoop(c)])
            occ.remove([(0, O)])
            names = {"x-axis": c[0], "outer": c[1], "y-axis": c[2], "inner": c[3]}
            counts = {"x-axis": n, "y-axis": n, "outer": round(2.5 * n), "inner": round(2.5 * n)}
        elif section == "axisymmetric":
            surf = occ.addRectangle(A, 0, 0, B - A, H)
            occ.synchronize()
            c = [t for _, t in gmsh.model.getBoundary([(2, surf)], oriented=False)]
            names, counts = {}, {}
            for t in c:
                x0, y0, _, x1, y1, _ = gmsh.model.getBoundingBox(1, t)
                if abs(x1 - x0) < 1e-6:
                    key = "inner" if abs(x0 - A) < 1e-6 else "outer"
                    counts[key] = max(1, round(n / 2))
                else:
                    key = "bottom" if abs(y0) < 1e-6 else "top"
                    counts[key] = n
                names[key] = t
        else:
            raise ValueError(f"unknown section {section!r}")
        occ.synchronize()
        gmsh.model.addPhysicalGroup(2, [surf], name="wall")
        m = gmsh.model.mesh
        for name, tag in names.items():
            gmsh.model.addPhysicalGroup(1, [tag], name=name)
            m.setTransfiniteCurve(tag, counts[name] + 1)
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
    ap.add_argument("--section", default="annulus", choices=("annulus", "axisymmetric"))
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, None, a.element, a.section)


if __name__ == "__main__":
    main()

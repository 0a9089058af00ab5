"""Mesh of the beam-to-continuum connection benchmark: a beam spanning two blocks.

Blocks ``left-block`` [-1, 0] x [-0.5, 0.5] and ``right-block`` [L, L + 1] x [-0.5, 0.5]
(triangles) and a beam curve ``beam`` of ``elements`` lines from ``root`` (0, 0), a node of
the left block, to ``far`` (L, 0), a node of the right block; point ``mid`` (L/2, 0).

    python benchmarks/beam-ties/geometry.py -o mesh-span.msh --set elements=20
"""

import argparse


def span(path, length=10.0, elements=20):
    import gmsh

    from meshes.common import gmsh_session

    if elements % 2:
        raise ValueError("an even number of elements puts a node at mid-span")
    L = length
    with gmsh_session("beam-span"):
        g = gmsh.model.geo
        a = [g.addPoint(x, y, 0, 0.5) for x, y in [(-1, -0.5), (0, -0.5), (0, 0), (0, 0.5), (-1, 0.5)]]
        b = [g.addPoint(x, y, 0, 0.5) for x, y in
             [(L, -0.5), (L + 1, -0.5), (L + 1, 0.5), (L, 0.5), (L, 0)]]
        sa = g.addPlaneSurface([g.addCurveLoop([g.addLine(a[i], a[(i + 1) % 5]) for i in range(5)])])
        sb = g.addPlaneSurface([g.addCurveLoop([g.addLine(b[i], b[(i + 1) % 5]) for i in range(5)])])
        mid = g.addPoint(L / 2, 0, 0, 0.5)
        c1 = g.addLine(a[2], mid)
        c2 = g.addLine(mid, b[4])
        g.synchronize()
        gmsh.model.mesh.setTransfiniteCurve(c1, elements // 2 + 1)
        gmsh.model.mesh.setTransfiniteCurve(c2, elements // 2 + 1)
        gmsh.model.addPhysicalGroup(2, [sa], name="left-block")
        gmsh.model.addPhysicalGroup(2, [sb], name="right-block")
        gmsh.model.addPhysicalGroup(1, [c1, c2], name="beam")
        gmsh.model.addPhysicalGroup(0, [a[2]], name="root")
        gmsh.model.addPhysicalGroup(0, [b[4]], name="far")
        gmsh.model.addPhysicalGroup(0, [mid], name="mid")
        gmsh.model.mesh.generate(2)
        gmsh.write(str(path))
    return path


BUILDERS = {"span": span}


def build(path, builder="span", **params):
    return BUILDERS[builder](path, **params)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--set", action="append", default=[], help="parameter=value")
    a = ap.parse_args()
    params = {k: (float(v) if "." in v else int(v)) for k, v in (s.split("=") for s in a.set)}
    build(a.output, **params)

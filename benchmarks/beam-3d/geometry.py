"""Meshes of the 3D beam benchmarks: a clamp block with a straight or a curved beam curve.

``straight``: the block [-s, 0] x [-s/2, s/2]^2 (s = length / 10, region ``clamp``, tets)
with the point ``root`` (0, 0, 0) embedded in its face x = 0, and a beam curve ``beam`` of
``elements`` lines from ``root`` to ``tip`` (length, 0, 0).

``bend``: the same block (s = radius / 10) and a 45-degree circular arc ``beam`` of radius
``radius`` in the x-y plane, starting at ``root`` along x and curving towards +y (centre
(0, radius, 0)), ending at ``tip`` (R sin 45, R (1 - cos 45), 0): the Bathe-Bolourchi bend.

    python benchmarks/beam-3d/geometry.py bend -o mesh-bend.msh --set elements=8
"""

import argparse
import math


def _build(path, shape, elements, length=10.0, radius=100.0):
    import gmsh

    from meshes.common import gmsh_session

    with gmsh_session(f"beam-3d-{shape}"):
        occ = gmsh.model.occ
        s = 0.1 * (length if shape == "straight" else radius)
        box = occ.addBox(-s, -s / 2, -s / 2, s, s, s)
        root = occ.addPoint(0, 0, 0)
        if shape == "straight":
            tip = occ.addPoint(length, 0, 0)
            curve = occ.addLine(root, tip)
        else:
            centre = occ.addPoint(0, radius, 0)
            a = math.pi / 4
            tip = occ.addPoint(radius * math.sin(a), radius * (1 - math.cos(a)), 0)
            curve = occ.addCircleArc(root, centre, tip)
            occ.remove([(0, centre)])
        occ.synchronize()
        eps = 1e-6 * s
        face = [t for _, t in gmsh.model.getEntitiesInBoundingBox(-eps, -s, -s, eps, s, s, 2)]
        gmsh.model.mesh.embed(0, [root], 2, face[0])
        gmsh.model.mesh.setTransfiniteCurve(curve, elements + 1)
        gmsh.model.addPhysicalGroup(3, [box], name="clamp")
        gmsh.model.addPhysicalGroup(1, [curve], name="beam")
        gmsh.model.addPhysicalGroup(0, [root], name="root")
        gmsh.model.addPhysicalGroup(0, [tip], name="tip")
        gmsh.option.setNumber("Mesh.MeshSizeMax", s / 2)
        gmsh.model.mesh.generate(3)
        gmsh.write(str(path))
    return path


def straight(path, length=10.0, elements=20):
    return _build(path, "straight", elements, length=length)


def bend(path, radius=100.0, elements=8):
    return _build(path, "bend", elements, radius=radius)


BUILDERS = {"straight": straight, "bend": bend}


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

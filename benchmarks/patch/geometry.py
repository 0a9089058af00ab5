"""Distorted patch meshes for the patch tests: a unit square (2D) or unit cube (3D).

The mesh is built at first order (structured for quads and hexes, unstructured for triangles
and tetrahedra), every interior node is then moved by a seeded random offset of up to 30 % of
the element size, and for quadratic elements the mid-edge nodes are put back at the middle of
their (straight) edges, so a linear field is exactly representable and all elements are
distorted.

Names: region ``body``; boundaries ``left`` (x = x0), ``right``, ``bottom`` (y = y0), ``top``
and in 3D ``front`` (z = 0), ``back``; points ``origin`` (x0, y0[, 0]), ``corner-x``
(x0 + 1, y0[, 0]) and ``corner-y`` (x0, y0 + 1[, 0]).

    python benchmarks/patch/geometry.py --element quad8 -o benchmarks/patch/mesh-2d.msh
"""

import argparse

import numpy as np

ELEMENTS_2D = ("tri3", "tri6", "quad4", "quad8")
ELEMENTS_3D = ("tet4", "tet10", "hex8", "hex20")


def build(path, size=1.0, order=None, element="quad4", origin=(0.0, 0.0), seed=3,
          distortion=0.3):
    """Write the patch mesh of ``element`` to ``path``.

    size : element size factor (1: 3 divisions per side); order : 1 or 2 (implied by the
    element; checked when given); origin : (x0, y0) lower-left corner (axisymmetric patches
    use x0 > 0); distortion : largest interior node offset as a fraction of the element size
    """
    import gmsh

    from meshes.common import gmsh_session, mesh_options

    if element not in ELEMENTS_2D + ELEMENTS_3D:
        raise ValueError(f"unknown element {element}")
    el_order = 2 if element in ("tri6", "quad8", "tet10", "hex20") else 1
    if order is not None and order != el_order:
        raise ValueError(f"{element} is an order-{el_order} element, not order {order}")
    dim = 2 if element in ELEMENTS_2D else 3
    structured = element.startswith(("quad", "hex"))
    n = max(2, round(3 / size))
    h = 1.0 / n
    x0, y0 = origin
    with gmsh_session("patch"):
        occ = gmsh.model.occ
        if dim == 2:
            body = occ.addRectangle(x0, y0, 0, 1, 1)
        else:
            body = occ.addBox(x0, y0, 0, 1, 1, 1)
        occ.synchronize()
        eps = 1e-7
        W = 1.0 if dim == 3 else 0.0

        def box(d, a0, b0, c0, a1, b1, c1):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
                a0 - eps, b0 - eps, c0 - eps, a1 + eps, b1 + eps, c1 + eps, d)]

        bd = dim - 1
        gmsh.model.addPhysicalGroup(dim, [body], name="body")
        gmsh.model.addPhysicalGroup(bd, box(bd, x0, y0, 0, x0, y0 + 1, W), name="left")
        gmsh.model.addPhysicalGroup(bd, box(bd, x0 + 1, y0, 0, x0 + 1, y0 + 1, W), name="right")
        gmsh.model.addPhysicalGroup(bd, box(bd, x0, y0, 0, x0 + 1, y0, W), name="bottom")
        gmsh.model.addPhysicalGroup(bd, box(bd, x0, y0 + 1, 0, x0 + 1, y0 + 1, W), name="top")
        if dim == 3:
            gmsh.model.addPhysicalGroup(bd, box(bd, x0, y0, 0, x0 + 1, y0 + 1, 0), name="front")
            gmsh.model.addPhysicalGroup(bd, box(bd, x0, y0, 1, x0 + 1, y0 + 1, 1), name="back")
        gmsh.model.addPhysicalGroup(0, box(0, x0, y0, 0, x0, y0, 0), name="origin")
        gmsh.model.addPhysicalGroup(0, box(0, x0 + 1, y0, 0, x0 + 1, y0, 0), name="corner-x")
        gmsh.model.addPhysicalGroup(0, box(0, x0, y0 + 1, 0, x0, y0 + 1, 0), name="corner-y")

        mesh = gmsh.model.mesh
        if structured:
            for _, c in gmsh.model.getEntities(1):
                mesh.setTransfiniteCurve(c, n + 1)
            for _, s in gmsh.model.getEntities(2):
                mesh.setTransfiniteSurface(s)
                mesh.setRecombine(2, s)
            if dim == 3:
                mesh.setTransfiniteVolume(body)
        else:
            gmsh.option.setNumber("Mesh.MeshSizeMin", 0.8 * h)
            gmsh.option.setNumber("Mesh.MeshSizeMax", 1.2 * h)
        mesh_options(1, 1.0)
        mesh.generate(dim)

        # move the interior nodes (nodes on the boundary stay, so its edges stay straight)
        rng = np.random.default_rng(seed)
        tags, coords, _ = mesh.getNodes(dim, body, includeBoundary=False)
        coords = coords.reshape(-1, 3)
        for tag, x in zip(tags, coords):
            dx = np.zeros(3)
            dx[:dim] = rng.uniform(-distortion, distortion, dim) * h
            xn = x + dx
            if dim == 2:
                uv = gmsh.model.getParametrization(2, body, list(xn))
                mesh.setNode(int(tag), list(xn), list(uv))
            else:
                mesh.setNode(int(tag), list(xn), [])
        if el_order == 2:
            mesh_options(2, 1.0)
            mesh.setOrder(2)
            straighten_edges(dim)
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
    return path


def straighten_edges(dim):
    """Put every mid-edge node of the top-dimension elements at the middle of its edge."""
    import gmsh

    mesh = gmsh.model.mesh
    all_tags, all_x, _ = mesh.getNodes()
    pos = dict(zip(all_tags.tolist(), all_x.reshape(-1, 3)))
    types, _, _ = mesh.getElements(dim)
    for et in types:
        full = np.asarray(mesh.getElementEdgeNodes(et, primary=False)).reshape(-1, 3)
        for a, b, m in full:
            mid = 0.5 * (pos[int(a)] + pos[int(b)])
            pos[int(m)] = mid
    for t, x in pos.items():
        mesh.setNode(int(t), list(x), [])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="quad4", choices=ELEMENTS_2D + ELEMENTS_3D)
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("--x0", type=float, default=0.0, help="x of the lower-left corner")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, None, a.element, origin=(a.x0, 0.0))


if __name__ == "__main__":
    main()

"""Small Gmsh meshes written on the fly for tests (real Gmsh, real files)."""

import gmsh
import meshio
import numpy as np


def rectangle(path, *, length=4.0, height=1.0, size=0.5, order=1, quads=False,
              version=4.1, physical=True, unnamed_part=False, region="body"):
    """A rectangle [0, length] x [0, height] with boundaries left, right, bottom, top, origin.

    unnamed_part adds a second rectangle above without a physical group (saved with SaveAll).
    """
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("rect")
        occ = gmsh.model.occ
        s = occ.addRectangle(0, 0, 0, length, height)
        extra = occ.addRectangle(0, height, 0, length, height) if unnamed_part else None
        if extra:
            occ.fragment([(2, s)], [(2, extra)])
        occ.synchronize()
        eps = 1e-5  # OCC bounding boxes carry a tolerance of about 1e-7

        def box(d, x0, y0, x1, y1):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
                x0 - eps, y0 - eps, -eps, x1 + eps, y1 + eps, eps, d)]

        if physical:
            gmsh.model.addPhysicalGroup(2, [s], name=region)
            gmsh.model.addPhysicalGroup(1, box(1, 0, 0, 0, height), name="left")
            gmsh.model.addPhysicalGroup(1, box(1, length, 0, length, height), name="right")
            gmsh.model.addPhysicalGroup(1, box(1, 0, 0, length, 0), name="bottom")
            gmsh.model.addPhysicalGroup(1, box(1, 0, height, length, height), name="top")
            gmsh.model.addPhysicalGroup(0, box(0, 0, 0, 0, 0), name="origin")
        gmsh.option.setNumber("Mesh.MeshSizeMax", size)
        gmsh.option.setNumber("Mesh.SaveAll", 1 if (unnamed_part or not physical) else 0)
        if quads:
            gmsh.option.setNumber("Mesh.RecombineAll", 1)
        gmsh.model.mesh.generate(2)
        gmsh.model.mesh.setOrder(order)
        gmsh.option.setNumber("Mesh.MshFileVersion", version)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def box3d(path, *, size=0.5, order=1, length=2.0, width=1.0, height=1.0):
    """A box [0, length] x [0, width] x [0, height]: region body, faces xmin..zmax, point origin."""
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("box")
        v = gmsh.model.occ.addBox(0, 0, 0, length, width, height)
        gmsh.model.occ.synchronize()
        gmsh.model.addPhysicalGroup(3, [v], name="body")
        eps = 1e-5  # OCC bounding boxes carry a tolerance of about 1e-7
        for name, lo, hi in [("xmin", (0, 0, 0), (0, width, height)),
                             ("xmax", (length, 0, 0), (length, width, height)),
                             ("ymin", (0, 0, 0), (length, 0, height)),
                             ("ymax", (0, width, 0), (length, width, height)),
                             ("zmin", (0, 0, 0), (length, width, 0)),
                             ("zmax", (0, 0, height), (length, width, height))]:
            tags = [t for _, t in gmsh.model.getEntitiesInBoundingBox(
                lo[0] - eps, lo[1] - eps, lo[2] - eps, hi[0] + eps, hi[1] + eps, hi[2] + eps, 2)]
            gmsh.model.addPhysicalGroup(2, tags, name=name)
        o = [t for _, t in gmsh.model.getEntitiesInBoundingBox(-eps, -eps, -eps, eps, eps, eps, 0)]
        gmsh.model.addPhysicalGroup(0, o, name="origin")
        gmsh.option.setNumber("Mesh.MeshSizeMax", size)
        gmsh.model.mesh.generate(3)
        gmsh.model.mesh.setOrder(order)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def corrupt(src, dst, how):
    """Copy a 2D first-order mesh, breaking one triangle: 'inverted' or 'degenerate'."""
    m = meshio.read(src)
    for block in m.cells:
        if block.type == "triangle":
            tri = block.data
            if how == "inverted":
                tri[0] = tri[0][[0, 2, 1]]
            else:  # move a node onto the opposite edge's midpoint
                a, b, c = tri[0]
                m.points[c] = 0.5 * (m.points[a] + m.points[b])
            break
    meshio.write(dst, m, file_format="gmsh22", binary=False)
    return dst


def with_orphans(src, dst):
    """Copy a format-2.2 mesh and add three triangles that belong to no physical group."""
    m = meshio.read(src)
    k = next(i for i, c in enumerate(m.cells) if c.type == "triangle")
    n = len(m.points)
    shift = np.array([0.0, -2.0, 0.0])
    tri = m.cells[k].data[:3]
    used = np.unique(tri)
    m.points = np.vstack([m.points, m.points[used] + shift])
    remap = {int(old): n + i for i, old in enumerate(used)}
    extra = np.vectorize(remap.get)(tri)
    m.cells.append(meshio.CellBlock("triangle", extra))
    m.cell_data["gmsh:physical"].append(np.zeros(3, dtype=np.int32))
    m.cell_data["gmsh:geometrical"].append(np.full(3, 99, dtype=np.int32))
    meshio.write(dst, m, file_format="gmsh22", binary=False)
    return dst


def without_physical_groups(src, dst):
    m = meshio.read(src)
    m.cell_data = {}
    m.field_data = {}
    m.cell_sets = {}
    meshio.write(dst, m, file_format="gmsh22", binary=False)
    return dst


def node_count(path):
    return len(meshio.read(path).points)


__all__ = ["rectangle", "box3d", "corrupt", "with_orphans", "without_physical_groups", "node_count"]

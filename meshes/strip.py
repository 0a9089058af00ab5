"""Layered strip: the verification shape (bimetal strips, films on substrates).

2D: layers stacked in y from y = 0, length along x from x = 0 (a plane section).
3D: the same section extruded along z by ``width``.
Regions: the layer names. Boundaries: left (x = 0), right, bottom (y = 0), top, and in 3D
front (z = 0) and back; interfaces ``<lower>/<upper>``; points ``origin`` (0, 0[, 0]) and
``bottom-right``.
"""

from dataclasses import dataclass, field

from solver.errors import InputError

DIMS = (2, 3)
VERSION = 1


@dataclass(frozen=True)
class Params:
    length: float = 10.0                                   # mm, along x
    thicknesses: tuple = (0.5, 0.5)                        # mm, bottom to top
    names: tuple = ("lower", "upper")                       # region names, bottom to top
    width: float = 1.0                                     # mm, along z (3D only)
    divisions: tuple = (4, 4)                              # elements through each layer
    elements_along: int = 40                               # elements along x (at size 1)
    elements_across: int = 4                               # elements along z (3D, size 1)
    quads: bool = True                                     # quads/hexes, else tris/tets

    def check(self, where):
        if len(self.thicknesses) != len(self.names):
            raise InputError(f"{where}.names: {len(self.names)} names for "
                             f"{len(self.thicknesses)} layers")
        if len(self.divisions) != len(self.thicknesses):
            raise InputError(f"{where}.divisions: one number per layer expected")
        if len(set(self.names)) != len(self.names):
            raise InputError(f"{where}.names: layer names must differ")
        taken = set(self.names) & {"left", "right", "bottom", "top", "front", "back", "origin",
                                   "bottom-right"}
        if taken:
            raise InputError(f"{where}.names: {', '.join(sorted(taken))} name(s) a boundary; "
                             "choose other layer names")
        for key in ("length", "width"):
            if getattr(self, key) <= 0:
                raise InputError(f"{where}.{key}: must be positive")
        if any(t <= 0 for t in self.thicknesses):
            raise InputError(f"{where}.thicknesses: every layer must be thicker than 0")
        if any(int(d) < 1 for d in self.divisions) or self.elements_along < 1:
            raise InputError(f"{where}.divisions: at least one element per layer")


def build(p, dim, order, size):
    import gmsh

    from .common import mesh_options

    occ = gmsh.model.occ
    n_along = max(1, round(p.elements_along / size))
    n_across = max(1, round(p.elements_across / size))
    y = 0.0
    layers = []
    for t in p.thicknesses:
        if dim == 2:
            layers.append((2, occ.addRectangle(0, y, 0, p.length, t)))
        else:
            layers.append((3, occ.addBox(0, y, 0, p.length, t, p.width)))
        y += t
    occ.fragment(layers[:1], layers[1:]) if len(layers) > 1 else None
    occ.synchronize()
    H = y
    eps = max(1e-6, 1e-6 * max(p.length, H))  # OCC pads bounding boxes by ~1e-7

    def in_box(d, x0, y0, z0, x1, y1, z1):
        return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
            x0 - eps, y0 - eps, z0 - eps, x1 + eps, y1 + eps, z1 + eps, d)]

    W = p.width if dim == 3 else 0.0
    bd = dim - 1
    y = 0.0
    tags = []
    for name, t in zip(p.names, p.thicknesses):
        found = in_box(dim, 0, y, 0, p.length, y + t, W)
        gmsh.model.addPhysicalGroup(dim, found, name=name)
        tags.append(found)
        y += t
    gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, 0, 0, 0, H, W), name="left")
    gmsh.model.addPhysicalGroup(bd, in_box(bd, p.length, 0, 0, p.length, H, W), name="right")
    gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, 0, 0, p.length, 0, W), name="bottom")
    gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, H, 0, p.length, H, W), name="top")
    if dim == 3:
        gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, 0, 0, p.length, H, 0), name="front")
        gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, 0, W, p.length, H, W), name="back")
    y = 0.0
    for lower, upper, t in zip(p.names[:-1], p.names[1:], p.thicknesses[:-1]):
        y += t
        gmsh.model.addPhysicalGroup(bd, in_box(bd, 0, y, 0, p.length, y, W), name=f"{lower}/{upper}")
    gmsh.model.addPhysicalGroup(0, in_box(0, 0, 0, 0, 0, 0, 0), name="origin")
    gmsh.model.addPhysicalGroup(0, in_box(0, p.length, 0, 0, p.length, 0, 0), name="bottom-right")

    # structured mesh: counts along x, through each layer, along z
    mesh = gmsh.model.mesh
    for _, c in gmsh.model.getEntities(1):
        x0, y0, z0, x1, y1, z1 = gmsh.model.getBoundingBox(1, c)
        if x1 - x0 > eps:
            mesh.setTransfiniteCurve(c, n_along + 1)
        elif z1 - z0 > eps:
            mesh.setTransfiniteCurve(c, n_across + 1)
        else:
            k = _layer_of(p.thicknesses, 0.5 * (y0 + y1))
            mesh.setTransfiniteCurve(c, max(1, round(int(p.divisions[k]) / size)) + 1)
    for _, s in gmsh.model.getEntities(2):
        mesh.setTransfiniteSurface(s)
        if p.quads:
            mesh.setRecombine(2, s)
    if dim == 3:
        for _, v in gmsh.model.getEntities(3):
            mesh.setTransfiniteVolume(v)
    mesh_options(order, 1.0)
    if dim == 3 and not p.quads:
        gmsh.option.setNumber("Mesh.Algorithm3D", 1)
    mesh.generate(dim)


def _layer_of(thicknesses, y):
    top = 0.0
    for k, t in enumerate(thicknesses):
        top += t
        if y <= top:
            return k
    return len(thicknesses) - 1

"""Layered (2.5D) geometry engine shared by the package builders.

A package is a stack of parts; each part is a *footprint* in the plan times a height interval
``[y0, y1]`` (y is the stacking direction, mm). The engine

1. cuts the plan into cells: in 2D the x axis into segments at every footprint edge; in 3D the
   plan rectangle (x, z) into faces with Gmsh's OpenCASCADE ``fragment`` of every footprint
   shape (rectangles, disks, their holes), every horizontal run of a named curve (leads, wire
   bonds) and every point a curve or a name needs;
2. cuts the height into slabs at every part's y0 and y1;
3. gives each (cell, slab) the region of the last part in the list that covers it (so a filler
   such as an encapsulant comes first and is overridden); cells no part covers are left out;
4. meshes with a structured layer count per slab, so every interface is conformal by
   construction and a thin layer gets exactly the elements it is given:
   - 2D section: OCC extrusion of the x segments (quad4/quad8), a graded transfinite count
     per segment;
   - 3D slice (a 2D section extruded over a depth, one element through it): the same with
     transfinite plan strips (hex8/hex20);
   - 3D plan: Gmsh meshes the plan with quads (its quasi-structured algorithm) under a size
     field, and :mod:`meshes.extrude` stacks the hexahedra (hex8/hex20);
5. names regions, interfaces ``<a>/<b>`` (the two names in alphabetical order), the lowest and
   highest faces (platens), named planes (symmetry, slice faces), exposed tops at a level,
   curves (polylines of horizontal and vertical runs along element edges) and points.

Mesh density: every part has an in-plane size ``h`` (mm), used in the cells it covers and
graded away from them; each slab gets ``max(n_min, ceil(dy / hy))`` element layers with
n_min = 2 for quadratic and 4 for linear elements (two quadratic elements through every thin
layer). ``size`` scales every size and n_min grows as 1/size below 1.

Coordinates: 2D sections lie in (x, y); 3D models in (x, y, z) with the plan (x, z) and y up,
so a 2D section is the z = 0 plane of the 3D model.
"""

import logging
import math
from dataclasses import dataclass, field

from . import extrude

log = logging.getLogger(__name__)

#: 3D plans are triangulated at this times the size and every triangle is split into three
#: quads: a triangle of edge 2.6 h has the area of three h x h quads
QUAD_SPLIT = 2.6

#: fewest elements round a circle in a 3D plan (a coarser quad8 folds on the arc)
CIRCLE_SEGMENTS = 12

#: growth of the in-plane element size with the distance from a finer feature (mm per mm)
GRADING = 0.35

#: relative geometric tolerance (times the model size) for merging levels and finding entities
TOL = 1e-7


# ----------------------------------------------------------------------------- description
@dataclass(frozen=True)
class Rect:
    """Plan rectangle [x0, x1] x [z0, z1], mm (in 2D only x0, x1 matter)."""

    x0: float
    x1: float
    z0: float = 0.0
    z1: float = 0.0


@dataclass(frozen=True)
class Disk:
    """Plan disk, centre (xc, zc), radius r, mm (3D only)."""

    xc: float
    zc: float
    r: float


@dataclass(frozen=True, eq=False)
class Footprint:
    """Union of ``shapes`` minus the union of ``holes`` (clipped to the model domain).

    Compared by identity: two parts with the same footprint object share plan cells.
    """

    shapes: tuple
    holes: tuple = ()


def footprint(*shapes, holes=()):
    return Footprint(tuple(shapes), tuple(holes))


@dataclass(frozen=True)
class Part:
    """A region's piece: footprint x [y0, y1] (mm); h is its in-plane element size (mm)."""

    region: str
    fp: Footprint
    y0: float
    y1: float
    h: float


@dataclass(frozen=True)
class Curve:
    """A named polyline along element edges: ``path`` = ((plan point, y), ...), mm.

    Plan points are (x,) in 2D and (x, z) in 3D. Consecutive vertices share either y (a
    horizontal run, along a plan line) or the plan point (a vertical run, at a mesh level
    each). ``h`` is the element size along horizontal runs (mm).
    """

    name: str
    path: tuple
    h: float

    def runs(self):
        """[(kind, a, b)]: "h" runs ((plan a, plan b), y) and "v" runs (plan, (y0, y1))."""
        out = []
        for (pa, ya), (pb, yb) in zip(self.path[:-1], self.path[1:]):
            if abs(ya - yb) < 1e-12:
                out.append(("h", (tuple(pa), tuple(pb)), ya))
            elif all(abs(u - v) < 1e-12 for u, v in zip(pa, pb)):
                out.append(("v", tuple(pa), (min(ya, yb), max(ya, yb))))
            else:
                raise ValueError(f"curve {self.name}: {pa, ya} -> {pb, yb} is neither "
                                 "horizontal nor vertical")
        return out


@dataclass
class Layout:
    """Everything a builder describes; the engine turns it into a meshed Gmsh model.

    domain  : Rect, plan extent of the model (the cut of a half/quarter model)
    parts   : list of Part; a later part overrides an earlier one where both cover a cell
    hy      : target element height through thick slabs, mm
    h_max   : largest in-plane element size, mm
    curves  : list of Curve (leads, wire bonds)
    points  : dict name -> (plan point, y): named mesh vertices
    planes  : dict name -> ("x" | "z", value): faces of the kept body on that plane
    top, bottom : names of the faces on the highest and lowest level (platens), or None
    exposed : dict name -> y: faces at level y with a part below and none above
    refine  : list of (plan point, h): extra refinement points, mm
    depth   : slice models (3D extrusion of a 2D section): depth along z, mm
    """

    domain: Rect
    parts: list
    hy: float
    h_max: float
    curves: list = field(default_factory=list)
    points: dict = field(default_factory=dict)
    planes: dict = field(default_factory=dict)
    top: str | None = "platen-top"
    bottom: str | None = "platen-bottom"
    exposed: dict = field(default_factory=dict)
    refine: list = field(default_factory=list)
    depth: float | None = None
    interfaces: bool = True

    def region_names(self):
        return sorted({p.region for p in self.parts})


def grazes(disk, a, b, margin):
    """Does the circle of ``disk`` pass within ``margin`` of segment a-b without clearly
    crossing it (a near-tangent line or an end point near the circle)? Such a pair cuts the
    plan into slivers; builders move or drop one of them. a, b: plan points (x, z), mm."""
    ax, az = a
    bx, bz = b
    dx, dz = bx - ax, bz - az
    L2 = dx * dx + dz * dz
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((disk.xc - ax) * dx + (disk.zc - az) * dz) / L2))
    dist = math.hypot(ax + t * dx - disk.xc, az + t * dz - disk.zc)
    ends = [math.hypot(px - disk.xc, pz - disk.zc) for px, pz in (a, b)]
    return abs(dist - disk.r) < margin or any(abs(e - disk.r) < margin for e in ends)


# ----------------------------------------------------------------------------- engine
def build_layered(layout, dim, order, size):
    """Build, name and mesh ``layout`` in the current Gmsh model (inside a gmsh_session).

    dim 2: a section in (x, y); dim 3 with ``layout.depth`` None: a 3D model built from the
    parts' plan shapes; dim 3 with ``depth``: the section extruded over ``depth`` along z.
    Returns a dict of statistics.
    """
    scale = _model_scale(layout)
    eps = TOL * scale
    levels = _levels(layout, eps)
    if abs(levels[0]) > eps:
        raise ValueError(f"the lowest part must start at y = 0, not {levels[0]}")
    n_min = 2 if order == 2 else 4
    slabs = []
    for y0, y1 in zip(levels[:-1], levels[1:]):
        n = max(math.ceil(n_min / min(size, 1.0) - 1e-9),
                math.ceil((y1 - y0) / (layout.hy * size) - 1e-9))
        slabs.append((y0, y1, n))
    if dim == 3 and layout.depth is None:
        return _build_plan_3d(layout, slabs, order, size, eps)
    return _build_section(layout, slabs, dim, order, size, eps)


def _model_scale(layout):
    d = layout.domain
    ys = [v for p in layout.parts for v in (p.y0, p.y1)]
    return max(d.x1 - d.x0, d.z1 - d.z0, max(ys) - min(ys), 1e-3)


def _levels(layout, eps):
    return _merge(sorted({p.y0 for p in layout.parts} | {p.y1 for p in layout.parts}), 1e3 * eps)


def _merge(values, tol):
    out = []
    for v in values:
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _covered(fp, x0, x1):
    """Does footprint ``fp`` (spans) cover the segment [x0, x1] (tested at its midpoint)?"""
    xm = 0.5 * (x0 + x1)
    inside = any(s.x0 <= xm <= s.x1 for s in fp.shapes)
    return inside and not any(s.x0 <= xm <= s.x1 for s in fp.holes)


def _assign(layout, members, n_cells, slabs, eps):
    """regions[k][i]: region name of cell i in slab k, or None (void)."""
    out = []
    for y0, y1, _ in slabs:
        row = [None] * n_cells
        for p in layout.parts:
            if p.y0 <= y0 + 1e3 * eps and p.y1 >= y1 - 1e3 * eps:
                for i in members.get(id(p.fp), ()):
                    row[i] = p.region
        out.append(row)
    return out


def _cell_sizes(layout, members, n_cells):
    """In-plane element size per cell: the smallest h of the parts covering it (mm)."""
    sizes = [layout.h_max] * n_cells
    for p in layout.parts:
        for i in members.get(id(p.fp), ()):
            sizes[i] = min(sizes[i], p.h)
    return sizes


# ----------------------------------------------------------------------------- 2D and slice
def _build_section(layout, slabs, dim, order, size, eps):
    """2D section (dim 2) or its extrusion over ``layout.depth`` (dim 3): OCC extrusion."""
    import gmsh

    from .common import mesh_options

    xs = _breaks(layout, eps)
    occ = gmsh.model.occ
    front = {x: occ.addPoint(x, 0, 0) for x in xs}
    cells, along, across = [], [], {}
    if dim == 2:
        for a, b in zip(xs[:-1], xs[1:]):
            line = occ.addLine(front[a], front[b])
            cells.append((1, line))
            along.append((line, 1, len(cells) - 1))
    else:   # plan strips [a, b] x [0, depth], built in (x, y) and turned into (x, z)
        back = {x: occ.addPoint(x, layout.depth, 0) for x in xs}
        across = {x: occ.addLine(front[x], back[x]) for x in xs}
        for i, (a, b) in enumerate(zip(xs[:-1], xs[1:])):
            lo = occ.addLine(front[a], front[b])
            hi = occ.addLine(back[b], back[a])
            along += [(lo, 1, i), (hi, -1, i)]
            loop = occ.addCurveLoop([lo, across[b], hi, -across[a]])
            cells.append((2, occ.addPlaneSurface([loop])))
        occ.rotate(occ.getEntities(), 0, 0, 0, 1, 0, 0, math.pi / 2)
    members = {}
    for i, (a, b) in enumerate(zip(xs[:-1], xs[1:])):
        for p in layout.parts:
            if _covered(p.fp, a, b):
                members.setdefault(id(p.fp), set()).add(i)
    regions = _assign(layout, members, len(cells), slabs, eps)
    grid = _extrude(cells, slabs, dim)
    occ.synchronize()

    sizes = _cell_sizes(layout, members, len(cells))
    _section_counts(xs, sizes, along, layout, size)
    for line in across.values():
        gmsh.model.mesh.setTransfiniteCurve(line, 2)
    if dim == 3:
        for _, s in cells:
            gmsh.model.mesh.setTransfiniteSurface(s)
            gmsh.model.mesh.setRecombine(2, s)
    kept = _name_section(layout, cells, slabs, grid, regions, dim, eps)
    void = [grid.ent[k][i] for k, row in enumerate(regions) for i, r in enumerate(row)
            if r is None]
    if void:
        gmsh.model.removeEntities(void, recursive=False)
    mesh_options(order, 1.0)   # the counts already include the size factor
    gmsh.model.mesh.generate(dim)
    _check_element_types(dim)
    _orient(dim)
    return {"cells": len(cells), "slabs": len(slabs), "regions": sorted(kept)}


def _breaks(layout, eps):
    """x of every footprint edge, curve vertex, named point and refine point in the domain."""
    d = layout.domain
    xs = {d.x0, d.x1}
    for p in layout.parts:
        for s in p.fp.shapes + p.fp.holes:
            xs.update((s.x0, s.x1))
    for c in layout.curves:
        xs.update(pt[0] for pt, _ in c.path)
    for pt, _ in layout.points.values():
        xs.add(pt[0])
    for pt, _ in layout.refine:
        xs.add(pt[0])
    return _merge(sorted(x for x in xs if d.x0 - eps <= x <= d.x1 + eps), 1e3 * eps)


@dataclass
class _Grid:
    base: list      # base[k][i]: (d, tag) bottom entity of cell i in slab k
    top: list       # top[k][i]
    ent: list       # ent[k][i]: (dim, tag) the extruded cell (surface in 2D, volume in 3D)


def _extrude(cells, slabs, dim):
    """OCC extrusion of the plan cells slab by slab with structured layer counts."""
    import gmsh

    occ = gmsh.model.occ
    cur = list(cells)
    base, top, ent = [], [], []
    for y0, y1, n in slabs:
        out = occ.extrude(cur, 0, y1 - y0, 0, numElements=[n], recombine=True)
        tops, made = [], []
        for j, e in enumerate(out):
            if e[0] == dim:
                made.append(e)
                tops.append(out[j - 1])
        if len(made) != len(cur):
            raise RuntimeError(f"extrusion gave {len(made)} cells for {len(cur)} inputs")
        base.append(cur)
        top.append(tops)
        ent.append(made)
        cur = tops
    return _Grid(base, top, ent)


def _section_counts(xs, sizes, along, layout, size):
    """Transfinite counts along x: graded between the sizes at the segment ends."""
    import gmsh

    at = [math.inf] * len(xs)
    for i, h in enumerate(sizes):
        at[i] = min(at[i], h)
        at[i + 1] = min(at[i + 1], h)
    wanted = [(pt, c.h) for c in layout.curves for pt, _ in c.path] + list(layout.refine)
    for pt, h in wanted:
        j = min(range(len(xs)), key=lambda k: abs(xs[k] - pt[0]))
        at[j] = min(at[j], h)
    for line, sense, seg in along:
        n, r = _graded(xs[seg + 1] - xs[seg], at[seg] * size, at[seg + 1] * size)
        gmsh.model.mesh.setTransfiniteCurve(line, n + 1, "Progression", r if sense == 1 else 1 / r)


def _graded(length, h0, h1):
    """Element count and progression ratio for a segment from size h0 to size h1 (mm)."""
    if abs(h1 - h0) <= 0.2 * min(h0, h1):
        return max(1, math.ceil(length / (0.5 * (h0 + h1)) - 1e-9)), 1.0
    # a geometric series: the count is the integral of dx / h(x) for h linear in x
    n = max(1, math.ceil(length * math.log(h1 / h0) / (h1 - h0) - 1e-9))
    r = (h1 / h0) ** (1.0 / max(n - 1, 1)) if n > 1 else 1.0
    return n, r


def _find(d, xyz, eps, hi=None):
    """Entities of dimension d inside the box xyz-hi (grown by eps)."""
    import gmsh

    x, y, z = xyz
    X, Y, Z = hi if hi is not None else xyz
    return [t for _, t in gmsh.model.getEntitiesInBoundingBox(
        min(x, X) - eps, min(y, Y) - eps, min(z, Z) - eps,
        max(x, X) + eps, max(y, Y) + eps, max(z, Z) + eps, d)]


def _name_section(layout, cells, slabs, grid, regions, dim, eps):
    """Physical groups of a section or slice model."""
    import gmsh

    model = gmsh.model
    by_region, owner = {}, {}
    for k, row in enumerate(regions):
        for i, name in enumerate(row):
            if name is not None:
                by_region.setdefault(name, []).append(grid.ent[k][i][1])
                owner[grid.ent[k][i][1]] = name
    taken = set()

    def add(d, tags, name):
        if name in taken:
            raise RuntimeError(f"physical name '{name}' used twice")
        if not tags:
            raise RuntimeError(f"physical group '{name}' would be empty")
        taken.add(name)
        model.addPhysicalGroup(d, sorted(set(tags)), name=name)

    for name in sorted(by_region):
        add(dim, by_region[name], name)
    bd = dim - 1
    n = len(cells)
    if layout.bottom:
        add(bd, [grid.base[0][i][1] for i in range(n) if regions[0][i]], layout.bottom)
    if layout.top:
        add(bd, [grid.top[-1][i][1] for i in range(n) if regions[-1][i]], layout.top)
    for name, y in layout.exposed.items():
        k = min(range(1, len(slabs) + 1), key=lambda kk: abs(slabs[kk - 1][1] - y))
        above = regions[k] if k < len(slabs) else [None] * n
        add(bd, [grid.top[k - 1][i][1] for i in range(n)
                 if regions[k - 1][i] and not above[i]], name)

    def kept(tags):
        return [t for t in tags if any(u in owner for u in model.getAdjacencies(bd, t)[0])]

    y_lo, y_hi = slabs[0][0], slabs[-1][1]
    d = layout.domain
    z_hi = layout.depth if dim == 3 else 0.0
    for name, (axis, value) in layout.planes.items():
        if axis == "x":
            lo, hi = (value, y_lo, 0.0), (value, y_hi, z_hi)
        else:
            lo, hi = (d.x0, y_lo, value), (d.x1, y_hi, value)
        add(bd, kept(_find(bd, lo, eps * 10, hi)), name)
    if layout.interfaces:
        pairs = {}
        for _, t in model.getEntities(bd):
            names = sorted({owner[u] for u in model.getAdjacencies(bd, t)[0] if u in owner})
            if len(names) == 2:
                pairs.setdefault(f"{names[0]}/{names[1]}", []).append(t)
        for name in sorted(pairs):
            add(bd, pairs[name], name)
    for c in layout.curves:
        tags = []
        for kind, a, b in c.runs():
            if kind == "h":
                lo, hi = (a[0][0], b, 0.0), (a[1][0], b, 0.0)
            else:
                lo, hi = (a[0], b[0], 0.0), (a[0], b[1], 0.0)
            tags += [t for t in _find(1, lo, eps * 10, hi) if _on_segment(t, lo, hi, eps)]
        add(1, tags, c.name)
    for name, (pt, y) in layout.points.items():
        tags = _find(0, (pt[0], y, 0.0), eps * 10)
        if len(tags) != 1:
            raise RuntimeError(f"point '{name}' at x = {pt[0]}, y = {y}: {len(tags)} vertices")
        add(0, tags, name)
    return set(by_region)


def _on_segment(tag, lo, hi, eps):
    """Is model curve ``tag`` on the straight segment lo-hi (its midpoint on the line)?"""
    import gmsh

    b = gmsh.model.getParametrizationBounds(1, tag)
    mid = gmsh.model.getValue(1, tag, [0.5 * (b[0][0] + b[1][0])])
    seg = [h - l for h, l in zip(hi, lo)]
    rel = [m - l for m, l in zip(mid, lo)]
    n2 = sum(s * s for s in seg)
    if n2 == 0:
        return False
    t = sum(r * s for r, s in zip(rel, seg)) / n2
    dist2 = sum((r - t * s) ** 2 for r, s in zip(rel, seg))
    return -1e-9 <= t <= 1 + 1e-9 and dist2 <= (100 * eps) ** 2


def _orient(dim):
    """Give every element a positive Jacobian (extruded quads can come out clockwise).

    Checks the corner determinant at the first corner of every element of each entity; an
    entity whose elements are all negative is reversed, a mixed one is an error.
    """
    import gmsh
    import numpy as np

    tags, coords, _ = gmsh.model.mesh.getNodes()
    pos = np.zeros((int(tags.max()) + 1, 3))
    pos[tags.astype(np.int64)] = coords.reshape(-1, 3)
    flip = []
    for _, tag in gmsh.model.getEntities(dim):
        dets = []
        for etype, _, nodes in zip(*gmsh.model.mesh.getElements(dim, tag)):
            name, _, _, n_nodes, _, n_corner = gmsh.model.mesh.getElementProperties(etype)
            X = pos[nodes.astype(np.int64).reshape(-1, n_nodes)]
            if dim == 2:
                e1, e2 = X[:, 1] - X[:, 0], X[:, n_corner - 1] - X[:, 0]
                dets.append(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])
            else:   # tet: corner 0 with 1, 2, 3; hex: corner 0 with 1, 3, 4
                nb = (1, 2, 3) if name.startswith("Tetrahedron") else (1, 3, 4)
                dets.append(np.linalg.det(np.stack([X[:, k] - X[:, 0] for k in nb], axis=-1)))
        if not dets:
            continue
        det = np.concatenate(dets)
        if (det < 0).all():
            flip.append((dim, tag))
        elif (det < 0).any():
            raise RuntimeError(f"entity {tag}: {(det < 0).sum()} of {len(det)} elements inverted")
    if flip:
        gmsh.model.mesh.reverse(flip)


def _check_element_types(dim):
    import gmsh

    allowed = {2: {"Quadrilateral", "Triangle"}, 3: {"Hexahedron", "Tetrahedron"}}[dim]
    for t in gmsh.model.mesh.getElementTypes(dim):
        name = gmsh.model.mesh.getElementProperties(t)[0].split()[0]
        if name not in allowed:
            raise RuntimeError(f"the mesh has {name} elements (only {sorted(allowed)} are "
                               "supported)")


# ----------------------------------------------------------------------------- 3D plan
@dataclass
class Plan:
    """The 3D plan cells after the fragment.

    cells   : [(2, tag)] plan faces (lying in y = 0, coordinates (x, 0, z))
    members : id(Footprint) -> set of cell indices covered
    runs    : (curve name, run index) -> [(1, tag)] plan curve pieces of a horizontal run
    """

    cells: list
    members: dict
    runs: dict


def _build_plan_3d(layout, slabs, order, size, eps):
    """3D from a plan: Gmsh meshes the plan (all quads), :mod:`meshes.extrude` stacks layers.

    Why not Gmsh's own extrusion: hexahedra need an all-quad plan; Blossom recombination
    leaves triangles (prisms) in faces crossed by lead lines, and the quasi-structured quad
    algorithm changes from run to run and splits curve meshes after their extruded copies are
    made. So the plan is triangulated (deterministic), every triangle is split into three
    quads, and the hexahedra are stacked in NumPy and written back into a fresh Gmsh model as
    discrete entities.
    """
    import gmsh

    from .common import mesh_options

    plan = _plan_3d(layout, eps)
    gmsh.model.occ.synchronize()
    sizes = _cell_sizes(layout, plan.members, len(plan.cells))
    regions = _assign(layout, plan.members, len(plan.cells), slabs, eps)
    _plan_size_field(plan, sizes, layout, size * QUAD_SPLIT)
    mesh_options(2, 1.0)    # quadratic plan: mid-edge nodes on the geometry, for the split
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
    gmsh.option.setNumber("Mesh.MeshSizeMax", layout.h_max * size * QUAD_SPLIT)
    # triangles (Frontal-Delaunay: robust and the same every run), split into quads below
    gmsh.option.setNumber("Mesh.Algorithm", 6)
    gmsh.option.setNumber("Mesh.RecombineAll", 0)
    # a coarse triangle with a mid-edge node on a circle can fold: Gmsh's high-order
    # optimiser moves the inner nodes until every element is valid; when it gives up, the
    # unoptimised mesh is kept (the reader's element check still guards the result)
    gmsh.option.setNumber("Mesh.HighOrderOptimize", 1)
    try:
        gmsh.model.mesh.generate(2)
    except Exception as exc:      # Gmsh raises a bare Exception with its message
        log.warning("plan high-order optimisation failed (%s); meshing without it", exc)
        gmsh.model.mesh.clear()
        gmsh.option.setNumber("Mesh.HighOrderOptimize", 0)
        gmsh.model.mesh.generate(2)
    pm = extrude.plan_mesh(plan, order)
    stack = extrude.Stack(pm, slabs, order)
    grp = extrude.groups(stack, layout, regions, eps)
    gmsh.model.add("layers")
    extrude.write_discrete(stack, grp, order)
    return {"cells": len(plan.cells), "slabs": len(slabs), "plan_quads": len(pm.quads),
            "regions": sorted(grp["regions"])}


def _plan_3d(layout, eps):
    """Fragment the domain, every footprint shape, curve run and point into plan cells."""
    import gmsh

    occ = gmsh.model.occ
    d = layout.domain
    inputs = [(2, occ.addRectangle(d.x0, d.z0, 0, d.x1 - d.x0, d.z1 - d.z0))]
    owners = [None]           # what each fragment input stands for
    for p in layout.parts:
        for kind, shapes in (("+", p.fp.shapes), ("-", p.fp.holes)):
            for s in shapes:
                tag = _add_shape(occ, s, d, eps)
                if tag is not None:
                    inputs.append((2, tag))
                    owners.append((id(p.fp), kind))
    points = [pt for c in layout.curves for pt, _ in c.path]
    points += [pt for pt, _ in layout.points.values()] + [pt for pt, _ in layout.refine]
    for c in layout.curves:
        for k, (kind, a, _) in enumerate(c.runs()):
            if kind == "h":
                inputs.append((1, occ.addLine(occ.addPoint(*a[0], 0), occ.addPoint(*a[1], 0))))
                owners.append(("run", (c.name, k)))
    for x, z in sorted(set(tuple(pt) for pt in points)):
        inputs.append((0, occ.addPoint(x, z, 0)))
        owners.append(None)
    out, out_map = occ.fragment(inputs[:1], inputs[1:])
    cells = [e for e in out if e[0] == 2]
    index = {e: i for i, e in enumerate(cells)}
    domain = {index[e] for e in out_map[0] if e in index}
    plus, minus, runs = {}, {}, {}
    for owner, pieces in zip(owners[1:], out_map[1:]):
        if owner is None:
            continue
        if owner[0] == "run":
            runs.setdefault(owner[1], []).extend(e for e in pieces if e[0] == 1)
            continue
        key, kind = owner
        target = plus if kind == "+" else minus
        target.setdefault(key, set()).update(index[e] for e in pieces if e in index)
    members = {key: (plus.get(key, set()) - minus.get(key, set())) & domain
               for key in set(plus) | set(minus)}
    if len(domain) != len(cells):
        raise RuntimeError("plan cells outside the domain: a shape was not clipped")
    occ.rotate(occ.getEntities(), 0, 0, 0, 1, 0, 0, math.pi / 2)   # (x, y) -> (x, z)
    return Plan(cells, members, runs)


def _add_shape(occ, s, d, eps):
    """An OCC plan face for shape ``s`` clipped to the domain ``d``; None if outside."""
    if isinstance(s, Rect):
        x0, x1 = max(s.x0, d.x0), min(s.x1, d.x1)
        z0, z1 = max(s.z0, d.z0), min(s.z1, d.z1)
        if x1 - x0 <= eps or z1 - z0 <= eps:
            return None
        return occ.addRectangle(x0, z0, 0, x1 - x0, z1 - z0)
    if isinstance(s, Disk):
        if (s.xc + s.r <= d.x0 + eps or s.xc - s.r >= d.x1 - eps or
                s.zc + s.r <= d.z0 + eps or s.zc - s.r >= d.z1 - eps):
            return None
        tag = occ.addDisk(s.xc, s.zc, 0, s.r, s.r)
        if (s.xc - s.r >= d.x0 - eps and s.xc + s.r <= d.x1 + eps and
                s.zc - s.r >= d.z0 - eps and s.zc + s.r <= d.z1 + eps):
            return tag
        box = occ.addRectangle(d.x0, d.z0, 0, d.x1 - d.x0, d.z1 - d.z0)
        res, _ = occ.intersect([(2, tag)], [(2, box)])
        faces = [t for dd, t in res if dd == 2]
        if len(faces) != 1:
            raise RuntimeError(f"clipping disk {s} gave {len(faces)} faces")
        return faces[0]
    raise TypeError(f"unknown plan shape {s!r}")


def _plan_size_field(plan, sizes, layout, size):
    """The 3D plan's background size field (sizes times ``size``, mm).

    For every size class h < h_max: h inside the cells whose parts ask for it, growing by
    GRADING per mm from their edges and from the curve runs of that size; at least
    CIRCLE_SEGMENTS elements round every circle; growth from refine points. A field rather
    than point sizes, so a fine size does not leak across a face that touches a small feature.
    """
    import gmsh

    f = gmsh.model.mesh.field
    h_max = layout.h_max
    classes = {}
    for i, h in enumerate(sizes):
        if h < h_max * (1 - 1e-9):
            classes.setdefault(h, {"cells": [], "curves": set()})["cells"].append(plan.cells[i][1])
    for c in layout.curves:
        if c.h < h_max:
            cls = classes.setdefault(c.h, {"cells": [], "curves": set()})
            for k in range(len(c.path) - 1):
                cls["curves"].update(t for _, t in plan.runs.get((c.name, k), ()))
    fields = []

    def threshold(src, h):
        thr = f.add("Threshold")
        f.setNumber(thr, "InField", src)
        f.setNumber(thr, "SizeMin", h * size)
        f.setNumber(thr, "SizeMax", h_max * size)
        f.setNumber(thr, "DistMin", 0.0)
        f.setNumber(thr, "DistMax", (h_max - h) * size / GRADING)
        fields.append(thr)

    for h, cls in sorted(classes.items()):
        curves = set(cls["curves"])
        for s in cls["cells"]:
            curves.update(abs(t) for _, t in gmsh.model.getBoundary([(2, s)], combined=False))
        dist = f.add("Distance")
        f.setNumbers(dist, "CurvesList", sorted(curves))
        f.setNumber(dist, "Sampling", 40)
        threshold(dist, h)
        if cls["cells"]:
            const = f.add("MathEval")
            f.setString(const, "F", repr(h * size))
            inside = f.add("Restrict")
            f.setNumber(inside, "InField", const)
            f.setNumbers(inside, "SurfacesList", sorted(cls["cells"]))
            fields.append(inside)
    d = layout.domain
    disks = {(s.xc, s.zc, s.r) for p in layout.parts for s in p.fp.shapes + p.fp.holes
             if isinstance(s, Disk) and s.xc + s.r > d.x0 and s.xc - s.r < d.x1
             and s.zc + s.r > d.z0 and s.zc - s.r < d.z1}
    disks = sorted(disks)
    for xc, zc, r in disks:
        cap = 2 * math.pi * r / CIRCLE_SEGMENTS      # not scaled by the size factor
        for xo, zo, ro in disks:   # a narrow ring between two circles needs smaller elements
            dist = math.hypot(xo - xc, zo - zc)
            gap = abs(r - ro) - dist if dist < abs(r - ro) else dist - r - ro
            if (xo, zo, ro) != (xc, zc, r) and 0 < gap < cap:
                cap = max(gap, 0.2 * cap)
        cap *= QUAD_SPLIT
        ring = f.add("MathEval")
        f.setString(ring, "F", f"{cap!r} + Abs(Sqrt((x - {xc!r})^2 + (z - {zc!r})^2) - {r!r})")
        fields.append(ring)
    for (x, z), h in layout.refine:
        pts = _find(0, (x, 0.0, z), 1e-6 * _model_scale(layout))
        if not pts:
            raise RuntimeError(f"refine point ({x}, {z}) is not a plan vertex")
        dist = f.add("Distance")
        f.setNumbers(dist, "PointsList", pts)
        threshold(dist, h)
    if fields:
        low = f.add("Min")
        f.setNumbers(low, "FieldsList", fields)
        f.setAsBackgroundMesh(low)
    gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
    gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)

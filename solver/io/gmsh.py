"""Read Gmsh ``.msh`` files (format 2.2 and 4.1) into a :class:`solver.mesh.Mesh`.

Physical groups become named regions (top dimension) and boundaries (lower dimensions,
points included). Every problem is reported as an :class:`InputError` naming the file and
what to change in the geometry script.
"""

import contextlib
import io
import logging
import os
import warnings

import numpy as np

from ..elements import ELEMENTS, SHORT_NAME
from ..errors import InputError
from ..mesh import Boundary, CellBlock, Mesh, renumber_nodes

log = logging.getLogger(__name__)

_DIM = {"vertex": 0, "line": 1, "line3": 1, "triangle": 2, "triangle6": 2, "quad": 2,
        "quad8": 2, "quad9": 2, "tetra": 3, "tetra10": 3, "hexahedron": 3, "hexahedron20": 3,
        "hexahedron27": 3, "wedge": 3, "wedge15": 3, "pyramid": 3, "triangle10": 2}


def read_gmsh(path, keep_curves=()):
    """Read the Gmsh file ``path`` and return a validated Mesh.

    keep_curves : names of physical curves whose nodes stay in the mesh even where no region
    element has them (beam-only nodes of [[beams]] curves); other groups must lie on the
    meshed regions.

    Raises InputError when the file is missing or unreadable, has no physical groups, has
    top-dimension elements outside every region or inside two, or uses an element type pkgfem
    does not have.
    """
    import meshio

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(f"{path}: mesh file not found")
    chatter = io.StringIO()
    try:
        # meshio prints and may even call sys.exit on unreadable files
        with warnings.catch_warnings(), contextlib.redirect_stdout(chatter), \
                contextlib.redirect_stderr(chatter):
            warnings.simplefilter("ignore")
            m = meshio.read(path, file_format="gmsh")
    except (Exception, SystemExit) as exc:
        detail = str(exc) if not isinstance(exc, SystemExit) else chatter.getvalue().strip()
        if "Incompatible cell data 'gmsh:physical'" in detail:
            # meshio's format-4 reader fails exactly when some entities have no physical group
            raise InputError(f"{path}: some elements are in no physical group; add every "
                             "part to a Physical Surface/Volume (or save with Mesh.SaveAll = 0)") from None
        raise InputError(f"{path}: not a readable Gmsh mesh ({detail.splitlines()[0] if detail else type(exc).__name__})") from None
    _check_unique_names(path)
    return _from_meshio(m, path, keep_curves)


def _check_unique_names(path):
    """Refuse a physical name used in two dimensions (meshio would merge the two groups)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    start = head.find(b"$PhysicalNames")
    end = head.find(b"$EndPhysicalNames")
    if start < 0 or end < 0:
        return
    seen = {}
    for line in head[start:end].splitlines()[2:]:
        parts = line.decode(errors="replace").split(maxsplit=2)
        if len(parts) == 3:
            dim, name = parts[0], parts[2].strip().strip('"')
            if name in seen and seen[name] != dim:
                raise InputError(f"{path}: physical name '{name}' is used for groups of "
                                 f"dimension {seen[name]} and {dim}; give them different names")
            seen[name] = dim


def _from_meshio(m, path, keep_curves=()):
    cell_types = [c.type for c in m.cells]
    unknown = sorted({t for t in cell_types if t not in _DIM})
    if unknown:
        raise InputError(f"{path}: element type(s) {', '.join(unknown)} not supported")
    dims = [_DIM[t] for t in cell_types]
    if not dims or max(dims) < 2:
        raise InputError(f"{path}: the mesh has no surface or volume elements")
    top = max(dims)

    groups = _physical_groups(m, path)
    if not groups:
        raise InputError(
            f"{path}: the mesh has no physical groups; name every part in Gmsh "
            "(Physical Surface/Volume for regions, Physical Curve/Surface/Point for boundaries)")

    for i, t in enumerate(cell_types):
        if dims[i] == top and t not in ELEMENTS:
            hint = (" (set Mesh.SecondOrderIncomplete = 1 in Gmsh for quad8/hex20)"
                    if t in ("quad9", "hexahedron27") else "")
            raise InputError(f"{path}: element type {t} is not supported{hint}; "
                             f"supported: {', '.join(SHORT_NAME[k] for k in ELEMENTS if ELEMENTS[k].dim >= 2)}")

    region_names = sorted(name for name, (dim, _) in groups.items() if dim == top)
    if not region_names:
        raise InputError(f"{path}: no physical group of dimension {top}: every part of the model "
                         "needs a named Physical " + ("Volume" if top == 3 else "Surface"))

    points = np.asarray(m.points, dtype=np.float64)
    if top == 2:
        if points.shape[1] == 3 and np.ptp(points[:, 2]) > 1e-12 * max(1.0, np.ptp(points[:, :2])):
            raise InputError(f"{path}: a 2D mesh must lie in the z = 0 plane")
        points = points[:, :2]

    blocks, region_of = _top_cells(m, dims, top, groups, region_names, path, points)
    for name in keep_curves:   # a misspelt beam curve: say so (not "node outside regions")
        if name not in groups or groups[name][0] != 1:
            import difflib

            curves = sorted(n for n, (d, _) in groups.items() if d == 1)
            close = difflib.get_close_matches(name, curves, n=1)
            hint = f"did you mean '{close[0]}'?" if close else \
                f"curves: {', '.join(curves) or 'none'}"
            raise InputError(f"{path}: no physical curve '{name}' for [[beams]] ({hint})")
    used = np.unique(np.concatenate([c.ravel() for c, _ in blocks.values()] + [
        np.asarray(m.cells[i].data, dtype=np.int64)[idx].ravel()
        for name in keep_curves if name in groups and groups[name][0] == 1
        for i, idx in groups[name][1].items()]))
    renumber = np.full(len(points), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))

    mesh_blocks = []
    next_id = 0
    for etype, (conn, ids) in blocks.items():
        regions = region_of[etype]
        for rid in np.unique(regions):
            sel = regions == rid
            mesh_blocks.append(CellBlock(ELEMENTS[etype], renumber[conn[sel]], int(rid), ids[sel]))
        next_id += len(conn)

    boundaries = _boundaries(m, dims, top, groups, renumber, path)
    empty = tuple(sorted(set(_named_groups(m)) - set(groups)))
    mesh = Mesh(points[used], mesh_blocks, region_names, boundaries, source=path,
                empty_groups=empty)
    renumber_nodes(mesh)
    log.info("read %s: %d nodes, %d elements, regions %s, boundaries %s", path, mesh.n_nodes,
             mesh.n_elements, region_names, sorted(boundaries))
    return mesh


def _named_groups(m):
    return [name for name in (m.field_data or {}) if not name.startswith("gmsh:")]


def _physical_groups(m, path):
    """name -> (dim, {block index: cell indices}) for every named physical group."""
    groups = {}
    names = {name: (int(v[0]), int(v[1])) for name, v in (m.field_data or {}).items()
             if len(np.atleast_1d(v)) >= 2}
    sets = {k: v for k, v in (m.cell_sets or {}).items() if not k.startswith("gmsh:")}
    if sets:  # format 4: cell sets carry every group a cell belongs to
        for name, per_block in sets.items():
            dim = names[name][1] if name in names else None
            members = {}
            for i, idx in enumerate(per_block):
                if idx is not None and len(idx):
                    members[i] = np.asarray(idx, dtype=np.int64)
                    dim = _DIM[m.cells[i].type] if dim is None else dim
            if members:
                groups[name] = (dim, members)
        return groups
    tags = m.cell_data.get("gmsh:physical")
    if tags is None:
        return groups
    for name, (tag, dim) in names.items():  # format 2: one tag per (possibly repeated) cell
        members = {}
        for i, block in enumerate(m.cells):
            if _DIM[block.type] != dim:
                continue
            idx = np.flatnonzero(np.asarray(tags[i]) == tag)
            if len(idx):
                members[i] = idx
        if members:
            groups[name] = (dim, members)
    return groups


def _top_cells(m, dims, top, groups, region_names, path, points):
    """Unique top-dimension cells per type, with their region id; checks membership."""
    cells, membership = {}, {}
    for i, block in enumerate(m.cells):
        if dims[i] != top:
            continue
        cells.setdefault(block.type, []).append(np.asarray(block.data, dtype=np.int64))
        membership.setdefault(block.type, []).append(i)

    out, region_of = {}, {}
    next_id = 0
    for etype, parts in cells.items():
        conn_all = np.concatenate(parts)
        offsets = np.cumsum([0] + [len(p) for p in parts])
        # Format 2.2 repeats a cell once per physical group it belongs to: merge repeats.
        key = np.sort(conn_all, axis=1)
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        order = np.sort(first)
        remap = np.empty(len(first), dtype=np.int64)
        remap[np.argsort(first)] = np.arange(len(first))
        unique_of_cell = remap[inverse]
        conn = conn_all[order]
        region = np.full(len(conn), -1, dtype=np.int64)
        for rid, name in enumerate(region_names):
            dim, members = groups[name]
            for pos, block_index in enumerate(membership[etype]):
                if block_index not in members:
                    continue
                u = unique_of_cell[offsets[pos] + members[block_index]]
                clash = u[(region[u] >= 0) & (region[u] != rid)]
                if len(clash):
                    other = region_names[region[clash[0]]]
                    raise InputError(
                        f"{path}: {len(clash)} element(s) belong to both regions '{other}' and "
                        f"'{name}' (first: element {next_id + clash[0] + 1}); a region element "
                        "must be in exactly one physical group")
                region[u] = rid
        orphans = np.flatnonzero(region < 0)
        if len(orphans):
            xc = points[conn[orphans[0]]].mean(axis=0)
            raise InputError(
                f"{path}: {len(orphans)} {SHORT_NAME.get(etype, etype)} element(s) are in no "
                f"physical group (first: element {next_id + orphans[0] + 1} near "
                f"({', '.join(f'{c:.4g}' for c in xc)})); add them to a Physical "
                f"{'Volume' if top == 3 else 'Surface'}")
        out[etype] = (conn, next_id + np.arange(len(conn)))
        region_of[etype] = region
        next_id += len(conn)
    return out, region_of


def _boundaries(m, dims, top, groups, renumber, path):
    boundaries = {}
    for name, (dim, members) in groups.items():
        if dim == top:
            continue
        facets = []
        for i, idx in members.items():
            block = m.cells[i]
            conn = renumber[np.asarray(block.data, dtype=np.int64)[idx]]
            if (conn < 0).any():
                raise InputError(f"{path}: boundary '{name}' has nodes that belong to no "
                                 "region element; put it on the meshed parts")
            if block.type != "vertex":
                conn = np.unique(conn, axis=0)  # repeated cells from format 2.2
                facets.append((ELEMENTS.get(block.type), conn))
            else:
                facets.append((None, conn))
        nodes = np.unique(np.concatenate([c.ravel() for _, c in facets]))
        facets = [(e, c) for e, c in facets if e is not None]
        boundaries[name] = Boundary(name, dim, facets, nodes)
    return boundaries

"""Mesh surgery: split the nodes of a bonded boundary so that two sides can separate.

``split(mesh, boundary, side, opposite, where)`` gives the side its own copies of the nodes of
``boundary`` and returns the facet pairs that interface elements then connect. The side is

- one or more *regions* (continuum: a lead modelled as a strip), or
- a lower-dimensional *boundary* such as a beam curve (``lead-1``) lying on the opposite body's
  surface (the beam's nodes are the sheet's nodes until the split).

Nodes stay shared where the side continues into a permanently bonded part: a node of the
boundary that also lies on a side/opposite facet outside the boundary (continuum), or on a
facet of the side curve outside the boundary (curve). Everything else is updated in place:
the connectivity of every block of a side region, the facets and nodes of every boundary that
lies on the side (a facet of side elements only, or a facet of the side curve), point groups on
a split side curve, and the mesh's caches. Point targets in a case (``point = [x, y]``) that
fall on a split node find the opposite side's copy (the original node number, the smaller one).
"""

import math
from dataclasses import dataclass

import numpy as np

from ..elements import ELEMENTS
from ..errors import InputError


@dataclass(eq=False)
class Split:
    """Result of splitting one boundary.

    etype    : facet ElementType (line, line3, triangle, triangle6, quad, quad8)
    opposite : (n_el, k) int64 facet nodes on the opposite side (the original nodes)
    side     : (n_el, k) int64 the same facets on the split side (new nodes where split)
    sign     : (n_el,) +1/-1: the facet normal by its node order, times sign, points from the
               opposite side into the side
    normal0  : (n_el, dim) unit reference normal of the opposite surface (curve sides in 3D),
               else None
    new      : (m,) new node numbers; old : (m,) the nodes they copy
    kept     : sorted nodes of the boundary that stay shared
    mode     : "surface" (facets between two bodies) or "line" (a curve on a 3D surface)
    opposite_regions : names of the regions on the other side
    """

    etype: object
    opposite: np.ndarray
    side: np.ndarray
    sign: np.ndarray
    normal0: np.ndarray | None
    new: np.ndarray
    old: np.ndarray
    kept: np.ndarray
    mode: str
    opposite_regions: tuple


def split(mesh, boundary, side, opposite=None, where="interfaces", normal=None):
    """Split ``mesh`` (in place) along the boundary named ``boundary``.

    side : tuple of region names, or a 1-tuple with a boundary (curve) name
    opposite : tuple of region names on the other side (None: inferred)
    where : key path for messages
    normal : (3,) reference normal of a curve side in 3D (None: the opposite surface's)
    """
    if boundary not in mesh.boundaries:
        raise InputError(f"{where}.boundary: no boundary '{boundary}' in mesh {mesh.source} "
                         f"(it has: {', '.join(sorted(mesh.boundaries))})")
    B = mesh.boundaries[boundary]
    if not B.facets:
        raise InputError(f"{where}.boundary: '{boundary}' is a point group; an interface needs "
                         "a curve (2D) or a surface (3D)")
    types = {e.name for e, _ in B.facets}
    if len(types) != 1:
        raise InputError(f"{where}.boundary: '{boundary}' mixes facet types "
                         f"({', '.join(sorted(types))}); one type per interface")
    etype = B.facets[0][0]
    conn_B = np.concatenate([c for _, c in B.facets])
    regions = set(mesh.regions)
    if all(s in regions for s in side):
        return _split_regions(mesh, B, etype, conn_B, tuple(side), opposite, where)
    if len(side) == 1 and side[0] in mesh.boundaries:
        return _split_curve(mesh, B, etype, conn_B, side[0], opposite, where, normal)
    bad = [s for s in side if s not in regions]
    raise InputError(f"{where}.side: '{bad[0]}' is neither a region nor a boundary of mesh "
                     f"{mesh.source}; give the region(s) (or the one beam curve) that gets its "
                     "own nodes")


# ----------------------------------------------------------------------------- helpers
def _keys(conn, nc):
    """Row keys (structured view) of the sorted first nc columns: facet identity by corners."""
    k = np.ascontiguousarray(np.sort(conn[:, :nc], axis=1))
    return k.view([("", k.dtype)] * nc).ravel()


class _Faces:
    """Faces (or edges) of the elements that touch a node set, for matching facets.

    For every (element, face): corner key, full node list, region id, element centroid.
    """

    def __init__(self, mesh, nodes, edges=False):
        self.by_nc = {}
        mask = np.zeros(mesh.n_nodes, dtype=bool)
        mask[nodes] = True
        for b in mesh.blocks:
            sel = np.flatnonzero(mask[b.conn].any(axis=1))
            if not len(sel):
                continue
            conn = b.conn[sel]
            cent = mesh.points[conn].mean(axis=1)
            et = b.etype
            lists = [tuple(e) for e in et.edges] if edges else [tuple(f) for f in et.faces]
            for f in lists:
                nc = 2 if edges else ELEMENTS[et.face_type].n_corner
                rows = conn[:, list(f)]
                entry = self.by_nc.setdefault(nc, {"nodes": [], "region": [], "cent": [],
                                                   "elem": []})
                entry["nodes"].append(rows)
                entry["region"].append(np.full(len(sel), b.region))
                entry["cent"].append(cent)
                entry["elem"].append(b.ids[sel])
        for nc, e in self.by_nc.items():
            width = max(r.shape[1] for r in e["nodes"])
            nodes_ = np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1])),
                                            constant_values=-1) for r in e["nodes"]])
            e["nodes"] = nodes_
            e["region"] = np.concatenate(e["region"])
            e["cent"] = np.concatenate(e["cent"])
            e["elem"] = np.concatenate(e["elem"])
            e["keys"] = _keys(nodes_, nc)
            e["order"] = np.argsort(e["keys"], kind="stable")
            e["sorted"] = e["keys"][e["order"]]

    def match(self, conn, nc):
        """For facets conn (m, >= nc): list per facet of face indices with the same corners."""
        e = self.by_nc.get(nc)
        if e is None:
            return [np.zeros(0, dtype=np.int64) for _ in range(len(conn))], None
        kf = _keys(conn, nc)
        lo = np.searchsorted(e["sorted"], kf, side="left")
        hi = np.searchsorted(e["sorted"], kf, side="right")
        return [e["order"][a:b] for a, b in zip(lo, hi)], e


def _new_nodes(mesh, split_nodes):
    """Append copies of ``split_nodes``; returns the old -> new map (n_nodes,) (identity
    elsewhere) and the new node numbers."""
    first = mesh.n_nodes
    new = first + np.arange(len(split_nodes), dtype=np.int64)
    mesh.points = np.vstack([mesh.points, mesh.points[split_nodes]])
    remap = np.arange(mesh.n_nodes, dtype=np.int64)
    remap[split_nodes] = new
    return remap, new


def _facet_normals(mesh, etype, conn):
    """Unnormalised normals at the facet centre (by node order) and facet centroids."""
    from .elements import reference_normals

    centre = etype.nodes[:etype.n_corner].mean(axis=0)[None, :]
    _, dN = etype.tabulate(centre)
    X = mesh.points[conn]
    return reference_normals(X, dN[0], mesh.dim), X.mean(axis=1)


def _update_boundaries(mesh, skip, remap, on_side):
    """Remap the split nodes in every facet for which ``on_side(name, etype, conn)`` -> bool
    mask says it lies on the side; recompute node sets."""
    split_mask = remap != np.arange(len(remap))
    for name, bd in mesh.boundaries.items():
        if name == skip:
            continue
        if not bd.facets:
            continue
        changed = False
        facets = []
        for et, conn in bd.facets:
            touch = split_mask[conn].any(axis=1)
            if touch.any():
                mask = on_side(name, et, conn) & touch
                if mask.any():
                    conn = conn.copy()
                    conn[mask] = remap[conn[mask]]
                    changed = True
            facets.append((et, conn))
        if changed:
            bd.facets = facets
            bd.nodes = np.unique(np.concatenate([c.ravel() for _, c in facets])).astype(np.int64)


# ----------------------------------------------------------------------------- regions
def _split_regions(mesh, B, etype, conn_B, side, opposite, where):
    side_ids = {mesh.region_id(s) for s in side}
    if etype.dim != mesh.dim - 1:
        raise InputError(f"{where}.boundary: '{B.name}' has {etype.name} facets; between "
                         f"regions of a {mesh.dim}D mesh an interface is a "
                         f"{'curve' if mesh.dim == 2 else 'surface'}")
    nc = etype.n_corner
    faces = _Faces(mesh, B.nodes)
    hits, table = faces.match(conn_B, nc)
    side_cent = np.zeros((len(conn_B), mesh.dim))
    opp_regions = set()
    for i, h in enumerate(hits):
        regs = table["region"][h] if table is not None else np.zeros(0, dtype=int)
        is_side = np.array([r in side_ids for r in regs], dtype=bool)
        if is_side.sum() != 1 or (~is_side).sum() != 1:
            x = mesh.points[conn_B[i]].mean(axis=0)
            found = ", ".join(sorted({mesh.regions[r] for r in regs})) or "no element"
            raise InputError(
                f"{where}: facet of '{B.name}' near ({', '.join(f'{c:.4g}' for c in x)}) lies "
                f"on {found}; every facet of an interface must lie between one element of the "
                f"side ({', '.join(side)}) and one element of another region")
        side_cent[i] = table["cent"][h[is_side][0]]
        opp_regions.add(int(regs[~is_side][0]))
    if opposite is not None:
        want = {mesh.region_id(o) for o in opposite}
        extra = opp_regions - want
        if extra:
            raise InputError(f"{where}.opposite: '{B.name}' also borders region(s) "
                             f"{', '.join(mesh.regions[r] for r in sorted(extra))}")
        opp_regions = want
    # nodes that stay shared: on side/opposite facets outside the boundary
    shared = np.zeros(0, dtype=np.int64)
    for nc_, e in faces.by_nc.items():
        order, sk = e["order"], e["sorted"]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        ends = np.r_[starts[1:], len(sk)]
        pairs = starts[(ends - starts) == 2]
        if not len(pairs):
            continue
        f1, f2 = order[pairs], order[pairs + 1]
        r1, r2 = e["region"][f1], e["region"][f2]
        s1 = np.isin(r1, list(side_ids))
        s2 = np.isin(r2, list(side_ids))
        o1 = np.isin(r1, list(opp_regions))
        o2 = np.isin(r2, list(opp_regions))
        bond = (s1 & o2) | (s2 & o1)
        if nc_ == nc:
            bond &= ~np.isin(sk[pairs], _keys(conn_B, nc))
        if bond.any():
            nodes = e["nodes"][f1[bond]]
            shared = np.union1d(shared, nodes[nodes >= 0])
    kept = np.intersect1d(B.nodes, shared)
    to_split = np.setdiff1d(B.nodes, kept)
    if not len(to_split):
        raise InputError(f"{where}: every node of '{B.name}' is shared with the bonded part; "
                         "nothing to split")
    remap, new = _new_nodes(mesh, to_split)
    for b in mesh.blocks:
        if b.region in side_ids:
            b.conn = remap[b.conn]

    # boundaries: a facet that is a face (or edge) of side elements only follows the side
    face_index = _Faces(mesh, new)       # side faces now use the new nodes
    old_faces = _Faces(mesh, to_split)   # non-side faces keep the old ones
    edge_index = _Faces(mesh, new, edges=True) if mesh.dim == 3 else None
    old_edges = _Faces(mesh, to_split, edges=True) if mesh.dim == 3 else None

    def on_side(name, et, conn):
        cand = remap[conn]
        nc_ = et.n_corner
        use_edges = et.dim < mesh.dim - 1
        idx_new = edge_index if use_edges else face_index
        idx_old = old_edges if use_edges else old_faces
        if idx_new is None:
            return np.zeros(len(conn), dtype=bool)
        h_new, t_new = idx_new.match(cand, 2 if use_edges else nc_)
        h_old, t_old = idx_old.match(conn, 2 if use_edges else nc_)
        out = np.zeros(len(conn), dtype=bool)
        for i in range(len(conn)):
            side_hit = t_new is not None and any(t_new["region"][j] in side_ids for j in h_new[i])
            other_hit = t_old is not None and any(t_old["region"][j] not in side_ids
                                                  for j in h_old[i])
            out[i] = side_hit and not other_hit
        return out

    _update_boundaries(mesh, B.name, remap, on_side)
    mesh._cache.clear()
    normals, fcent = _facet_normals(mesh, etype, conn_B)
    sign = np.where(np.einsum("md,md->m", normals, side_cent - fcent) >= 0.0, 1.0, -1.0)
    return Split(etype, conn_B.copy(), remap[conn_B], sign, None, new, to_split, kept,
                 "surface", tuple(mesh.regions[r] for r in sorted(opp_regions)))


# ----------------------------------------------------------------------------- curves
def _split_curve(mesh, B, etype, conn_B, curve, opposite, where, normal=None):
    C = mesh.boundaries[curve]
    if not C.facets:
        raise InputError(f"{where}.side: '{curve}' is a point group; the side must be a region "
                         "or a curve (beam)")
    if etype.dim != 1 or any(e.dim != 1 for e, _ in C.facets):
        raise InputError(f"{where}.side: a curve side needs curve boundaries; '{curve}' or "
                         f"'{B.name}' is not a curve")
    nc = etype.n_corner
    keys_C = np.concatenate([_keys(c, 2) for _, c in C.facets])
    keys_B = _keys(conn_B, nc)
    if not np.isin(keys_B, keys_C).all():
        raise InputError(f"{where}.boundary: '{B.name}' is not part of the curve '{curve}'")
    # nodes that stay shared: on the curve outside the boundary
    conn_C = [c for _, c in C.facets]
    outside = np.concatenate([c[~np.isin(_keys(c, 2), keys_B)].ravel() for c in conn_C])
    kept = np.intersect1d(B.nodes, outside)
    to_split = np.setdiff1d(B.nodes, kept)
    if not len(to_split):
        raise InputError(f"{where}: every node of '{B.name}' is shared with the bonded part; "
                         "nothing to split")

    # the opposite body: regions whose faces contain the boundary's facets
    normals, fcent = _facet_normals(mesh, etype, conn_B) if mesh.dim == 2 else (None, None)
    if mesh.dim == 2:
        faces = _Faces(mesh, B.nodes)
        hits, table = faces.match(conn_B, nc)
        owners = {int(table["region"][j]) for h in hits for j in h} if table else set()
    else:
        faces = _Faces(mesh, B.nodes)
        owners = set()
        for e in faces.by_nc.values():
            nodes = e["nodes"]
            for row in conn_B[:, :2]:
                hit = (nodes == row[0]).any(axis=1) & (nodes == row[1]).any(axis=1)
                owners.update(int(r) for r in e["region"][hit])
    if opposite is not None:
        opp = {mesh.region_id(o) for o in opposite}
        if not opp & owners:
            raise InputError(f"{where}.opposite: the curve '{B.name}' does not lie on "
                             f"{', '.join(opposite)}")
    elif len(owners) == 1:
        opp = owners
    else:
        raise InputError(f"{where}.opposite: the curve '{B.name}' lies on the regions "
                         f"{', '.join(sorted(mesh.regions[r] for r in owners))}; name the one "
                         "it is bonded to (opposite = \"...\")")

    if mesh.dim == 2:
        cent = np.zeros((len(conn_B), 2))
        for i, h in enumerate(hits):
            js = [j for j in h if table["region"][j] in opp]
            if not js:
                raise InputError(f"{where}: a facet of '{B.name}' is not on the opposite region")
            cent[i] = table["cent"][js[0]]
        sign = np.where(np.einsum("md,md->m", normals, fcent - cent) >= 0.0, 1.0, -1.0)
        normal0 = None
        mode = "surface"
    else:
        if normal is not None:
            normal0 = np.tile(np.asarray(normal, dtype=float) / np.linalg.norm(normal),
                              (len(conn_B), 1))
        else:
            normal0 = _surface_normals(mesh, conn_B, opp, where, B.name)
        sign = np.ones(len(conn_B))
        mode = "line"

    remap, new = _new_nodes(mesh, to_split)
    member = set(_keys_list(C))

    def on_side(name, et, conn):
        if et.dim != 1:
            return np.zeros(len(conn), dtype=bool)
        ks = _keys(conn, 2)
        inside = np.array([k in member for k in ks.tolist()])
        # a boundary follows the curve only if it lies on it entirely
        return np.full(len(conn), inside.all()) if name != curve else np.ones(len(conn), bool)

    _update_boundaries(mesh, B.name, remap, on_side)
    for name, bd in mesh.boundaries.items():   # named points on the split curve
        if not bd.facets and np.isin(bd.nodes, to_split).any():
            bd.nodes = np.sort(remap[bd.nodes])
    mesh._cache.clear()
    return Split(etype, conn_B.copy(), remap[conn_B], sign, normal0, new, to_split, kept, mode,
                 tuple(mesh.regions[r] for r in sorted(opp)))


def _keys_list(bd):
    return [k for _, c in bd.facets for k in _keys(c, 2).tolist()]


def _surface_normals(mesh, conn, opp, where, name):
    """Outward unit normal of the opposite regions' surface along each line facet (3D).

    A curve on an edge of the body (faces with normals more than 30 deg apart, e.g. a lead
    in a symmetry plane) is ambiguous: the case must give the normal."""
    faces = _Faces(mesh, np.unique(conn))
    out = np.zeros((len(conn), 3))
    lo = np.full(len(conn), 1.0)
    for e in faces.by_nc.values():
        keys, regions = e["keys"], e["region"]
        in_opp = np.isin(regions, list(opp))
        # exterior faces of the opposite body: their corner key occurs once among its faces
        ko = keys[in_opp]
        uniq, counts = np.unique(ko, return_counts=True)
        once = np.isin(keys, uniq[counts == 1]) & in_opp
        nodes = e["nodes"]
        nc = len(keys.dtype.names)
        for i, row in enumerate(conn[:, :2]):
            hit = once & (nodes == row[0]).any(axis=1) & (nodes == row[1]).any(axis=1)
            for j in np.flatnonzero(hit):
                X = mesh.points[nodes[j, :nc]]
                nrm = np.cross(X[1] - X[0], X[2] - X[0])
                if nrm @ (X.mean(axis=0) - e["cent"][j]) < 0:
                    nrm = -nrm
                nrm = nrm / np.linalg.norm(nrm)
                if out[i].any():
                    lo[i] = min(lo[i], float(nrm @ out[i]) / np.linalg.norm(out[i]))
                out[i] += nrm
    lengths = np.linalg.norm(out, axis=1)
    if np.any(lo < math.cos(math.radians(30.0))):
        raise InputError(f"{where}.normal: the curve '{name}' runs along an edge of "
                         f"{', '.join(mesh.regions[r] for r in sorted(opp))} (faces at an angle "
                         "meet there); give the bonded surface's normal, e.g. normal = [0, 1, 0]")
    if np.any(lengths == 0):
        raise InputError(f"{where}: the curve '{name}' does not lie on the surface of "
                         f"{', '.join(mesh.regions[r] for r in sorted(opp))}")
    return out / lengths[:, None]

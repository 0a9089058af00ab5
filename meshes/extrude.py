"""Stack a quad plan mesh into hexahedral layers (NumPy) and hand it back to Gmsh.

Used by the layered engine for 3D models built from a plan: Gmsh triangulates the plan (x, z)
with quadratic triangles, this module splits them into quads (quad4 or quad8), builds the
hexahedra of every slab, names the regions,
interfaces, platens, symmetry planes, lead curves and points, and writes everything into a
fresh Gmsh model as discrete entities (one per physical group), which ``gmsh.write`` saves.

Node numbering before compression: plan node p at level j is ``j * n_p + p``; the mid-level
node on the vertical edge above corner c in layer j (quadratic elements) is
``n_lev * n_p + j * n_c + corner_index[c]``.
"""

from dataclasses import dataclass

import numpy as np

#: Gmsh element type codes
HEX = {1: 5, 2: 17}
QUAD = {1: 3, 2: 16}
LINE = {1: 1, 2: 8}
POINT = 15


@dataclass
class PlanMesh:
    """The plan mesh as arrays.

    xz        : (n_p, 2) float64, plan coordinates (x, z), mm
    quads     : (n_q, 4 or 8) int64, plan node indices (Gmsh quad order), oriented so that
                extruding along +y gives positive hexahedra
    quad_cell : (n_q,) int64, plan cell index of each quad
    runs      : dict (curve name, run index) -> (n, 2 or 3) int64, plan line elements
                (a, b[, mid]) of a curve's horizontal run
    """

    xz: np.ndarray
    quads: np.ndarray
    quad_cell: np.ndarray
    runs: dict


def plan_mesh(plan, order):
    """Read the Gmsh plan mesh (tri6 and quad8, quadratic so that mid-edge nodes lie on the
    geometry) and split it into quads: PlanMesh of quad4 (order 1) or quad8 (order 2).

    Every triangle becomes three quads and every quad four (corner, edge midpoints, centre):
    an all-quad plan from a robust, deterministic triangulation (Gmsh's all-quad algorithms
    either leave triangles or change from run to run). New mid-edge nodes of split edges are
    the quarter points of the original quadratic edge (on the arc for a circle), so curved
    boundaries stay curved.
    """
    import gmsh

    tags, coords, _ = gmsh.model.mesh.getNodes()
    tags = tags.astype(np.int64)
    index = np.full(int(tags.max()) + 1, -1, dtype=np.int64)
    index[tags] = np.arange(len(tags))
    # Gmsh's high-order optimiser leaves last-bit noise that varies from run to run: round
    # it off (1e-12 mm) so that the same parameters give the same file
    xz = np.round(np.ascontiguousarray(coords.reshape(-1, 3)[:, [0, 2]]), 12)
    split = _Splitter(xz)
    kinds = {9: ([], []), 16: ([], [])}      # triangle6, quadrangle8: (connectivity, cell)
    for i, (_, tag) in enumerate(plan.cells):
        for etype, _, nodes in zip(*gmsh.model.mesh.getElements(2, tag)):
            if etype not in kinds:
                name = gmsh.model.mesh.getElementProperties(etype)[0]
                raise RuntimeError(f"plan face {tag}: unexpected {name} elements")
            conn = index[nodes.astype(np.int64)].reshape(-1, 6 if etype == 9 else 8)
            kinds[etype][0].append(conn)
            kinds[etype][1].append(np.full(len(conn), i, dtype=np.int64))
    quads, cells = [], []
    for etype, (conns, owner) in kinds.items():
        if conns:
            conn, owner = np.concatenate(conns), np.concatenate(owner)
            per = 3 if etype == 9 else 4    # children are stacked child-major
            quads.append(split.triangles(conn) if etype == 9 else split.quads(conn))
            cells.append(np.tile(owner, per))
    runs = {}
    for key, pieces in plan.runs.items():
        lines = []
        for _, tag in pieces:
            for _, _, nodes in zip(*gmsh.model.mesh.getElements(1, tag)):
                lines.append(split.lines(index[nodes.astype(np.int64)].reshape(-1, 3)))
        runs[key] = np.concatenate(lines)
    xz = split.coordinates()
    quads = _orient_down(np.concatenate(quads), xz)
    if order == 1:
        quads = quads[:, :4]
        runs = {k: v[:, :2] for k, v in runs.items()}
    return PlanMesh(xz, quads, np.concatenate(cells), runs)


class _Splitter:
    """Split quadratic plan elements into quad8, creating shared nodes once.

    New nodes: element centres, quarter points of original edges (keyed by the corner and
    the original mid-edge node), midpoints of the inner half-edges (keyed by the edge
    midpoint and the centre).
    """

    def __init__(self, xz):
        self.xz = [xz]
        self.n = len(xz)
        self.keyed = {}

    def _new(self, pts):
        ids = np.arange(self.n, self.n + len(pts))
        self.xz.append(np.asarray(pts, dtype=np.float64))
        self.n += len(pts)
        return ids

    def _keyed(self, a, b, pts):
        """Node ids for the unordered keys (a, b), created at ``pts`` the first time."""
        key = np.sort(np.column_stack([a, b]), axis=1)
        uniq, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        ids = np.empty(len(uniq), dtype=np.int64)
        fresh = []
        for i, (u, v) in enumerate(uniq.tolist()):
            got = self.keyed.get((u, v))
            if got is None:
                fresh.append(i)
            else:
                ids[i] = got
        if fresh:
            fresh = np.asarray(fresh)
            ids[fresh] = self._new(np.asarray(pts)[first[fresh]])
            for i in fresh.tolist():
                self.keyed[tuple(uniq[i].tolist())] = int(ids[i])
        return ids[inverse.ravel()]

    def coordinates(self):
        if len(self.xz) > 1:
            self.xz = [np.vstack(self.xz)]
        return self.xz[0]

    def _x(self, ids):
        return self.coordinates()[ids]

    def quarter(self, a, b, m):
        """Quarter points of quadratic edges (a, b, mid m) next to a: keyed (a, m)."""
        X = self._x
        pts = 0.375 * X(a) - 0.125 * X(b) + 0.75 * X(m)
        return self._keyed(a, m, pts)

    def half(self, a, b):
        """Midpoints of straight inner edges: keyed (a, b)."""
        return self._keyed(a, b, 0.5 * (self._x(a) + self._x(b)))

    def triangles(self, T):
        """tri6 (a, b, c, ab, bc, ca) -> 3 quad8 each."""
        a, b, c, ab, bc, ca = T.T
        X = self._x
        g = self._new(-(X(a) + X(b) + X(c)) / 9 + 4 * (X(ab) + X(bc) + X(ca)) / 9)
        out = []
        for p, m_next, m_prev, q, r in ((a, ab, ca, b, c), (b, bc, ab, c, a), (c, ca, bc, a, b)):
            # quad (p, m_next, g, m_prev); edges p-m_next (original edge p-q), m_next-g,
            # g-m_prev, m_prev-p (original edge p-r)
            out.append(np.column_stack([p, m_next, g, m_prev,
                                        self.quarter(p, q, m_next), self.half(m_next, g),
                                        self.half(g, m_prev), self.quarter(p, r, m_prev)]))
        return np.vstack(out)

    def quads(self, Q):
        """quad8 (c0..c3, m01, m12, m23, m30) -> 4 quad8 each."""
        c = Q[:, :4].T
        m = Q[:, 4:].T
        X = self._x
        g = self._new(-0.25 * sum(X(c[k]) for k in range(4)) + 0.5 * sum(X(m[k]) for k in range(4)))
        out = []
        for k in range(4):
            p, nxt, prv = c[k], c[(k + 1) % 4], c[(k + 3) % 4]
            m_next, m_prev = m[k], m[(k + 3) % 4]
            out.append(np.column_stack([p, m_next, g, m_prev,
                                        self.quarter(p, nxt, m_next), self.half(m_next, g),
                                        self.half(g, m_prev), self.quarter(p, prv, m_prev)]))
        return np.vstack(out)

    def lines(self, L):
        """line3 (a, b, m) -> 2 line3 (a, m, q) and (m, b, q')."""
        a, b, m = L.T
        return np.vstack([np.column_stack([a, m, self.quarter(a, b, m)]),
                          np.column_stack([m, b, self.quarter(b, a, m)])])


def _orient_down(quads, xz):
    """Reorder quads so that (q1 - q0) x (q3 - q0) points along +y: then a hexahedron with
    this quad at the bottom and its copy above has a positive Jacobian.

    For plan vectors u, v in (x, z): (u x v)_y = u_z v_x - u_x v_z.
    """
    u = xz[quads[:, 1]] - xz[quads[:, 0]]
    v = xz[quads[:, 3]] - xz[quads[:, 0]]
    flip = (u[:, 1] * v[:, 0] - u[:, 0] * v[:, 1]) < 0
    out = quads.copy()
    corner = [0, 3, 2, 1]
    mids = [7, 6, 5, 4]
    out[flip, :4] = quads[flip][:, corner]
    if quads.shape[1] == 8:
        out[flip, 4:] = quads[flip][:, mids]
    return out


class Stack:
    """The layered node and element numbering of a PlanMesh over ``slabs``.

    slabs : list of (y0, y1, n_layers)
    Y     : (n_lev,) level heights, mm; layer j lies between Y[j] and Y[j+1]
    slab_of_layer : (n_lev - 1,) slab index of each layer
    first_level   : (n_slabs + 1,) level index where each slab starts (and the top)
    """

    def __init__(self, pm, slabs, order):
        self.pm = pm
        self.order = order
        Y, slab_of, first = [slabs[0][0]], [], [0]
        for k, (y0, y1, n) in enumerate(slabs):
            Y.extend(y0 + (y1 - y0) * np.arange(1, n + 1) / n)
            slab_of.extend([k] * n)
            first.append(first[-1] + n)
        self.Y = np.asarray(Y)
        self.slab_of_layer = np.asarray(slab_of)
        self.first_level = np.asarray(first)
        self.n_p = len(pm.xz)
        self.n_lev = len(self.Y)
        corners = np.unique(pm.quads[:, :4])
        self.corner_index = np.full(self.n_p, -1, dtype=np.int64)
        self.corner_index[corners] = np.arange(len(corners))
        self.n_c = len(corners)

    def node(self, p, j):
        """Node ids of plan nodes ``p`` at level ``j``."""
        return j * self.n_p + np.asarray(p)

    def mid(self, c, j):
        """Node ids of the mid-level nodes above corners ``c`` in layer ``j``."""
        return self.n_lev * self.n_p + j * self.n_c + self.corner_index[np.asarray(c)]

    def coordinates(self, ids):
        """(n, 3) coordinates of node ids."""
        ids = np.asarray(ids)
        n_plain = self.n_lev * self.n_p
        out = np.empty((len(ids), 3))
        plain = ids < n_plain
        j, p = np.divmod(ids[plain], self.n_p)
        out[plain, 0] = self.pm.xz[p, 0]
        out[plain, 1] = self.Y[j]
        out[plain, 2] = self.pm.xz[p, 1]
        if (~plain).any():
            corners = np.flatnonzero(self.corner_index >= 0)
            j, c = np.divmod(ids[~plain] - n_plain, self.n_c)
            p = corners[c]
            out[~plain, 0] = self.pm.xz[p, 0]
            out[~plain, 1] = 0.5 * (self.Y[j] + self.Y[j + 1])
            out[~plain, 2] = self.pm.xz[p, 1]
        return out

    def hexes(self, q, j):
        """Hexahedra (Gmsh order) of plan quads ``q`` in layer ``j``: (n, 8 or 20)."""
        Q = self.pm.quads[q]
        lo = self.node(Q, j)
        hi = self.node(Q, j + 1)
        if self.order == 1:
            return np.hstack([lo[:, :4], hi[:, :4]])
        m = self.mid(Q[:, :4], j)
        # Gmsh hexahedron20: corners 0-3 (bottom), 4-7 (top), then edges 01 03 04 12 15 23 26
        # 37 45 47 56 67; quad8 mids are 01 12 23 30
        return np.column_stack([lo[:, :4], hi[:, :4], lo[:, 4], lo[:, 7], m[:, 0], lo[:, 5],
                                m[:, 1], lo[:, 6], m[:, 2], m[:, 3], hi[:, 4], hi[:, 7],
                                hi[:, 5], hi[:, 6]])

    def horizontal(self, q, j):
        """Plan quads ``q`` as facets at level ``j``: (n, 4 or 8)."""
        Q = self.pm.quads[q]
        return self.node(Q, j) if self.order == 2 else self.node(Q[:, :4], j)

    def vertical(self, edges, j):
        """Vertical facets over plan edges (n, 2 or 3: a, b[, mid]) in layer ``j``."""
        a, b = edges[:, 0], edges[:, 1]
        cols = [self.node(a, j), self.node(b, j), self.node(b, j + 1), self.node(a, j + 1)]
        if self.order == 2:
            cols += [self.node(edges[:, 2], j), self.mid(b, j), self.node(edges[:, 2], j + 1),
                     self.mid(a, j)]
        return np.column_stack(cols)

    def lines(self, lines, j):
        """Plan line elements at level ``j`` (Gmsh line order a, b[, mid])."""
        return self.node(lines, j)

    def column(self, p, j0, j1):
        """Vertical line elements above plan corner ``p`` from level j0 to j1."""
        j = np.arange(j0, j1)
        cols = [self.node(p, j), self.node(p, j + 1)]
        if self.order == 2:
            cols.append(self.mid(np.full(len(j), p), j))
        return np.column_stack(cols)

    def layers(self, k):
        return range(self.first_level[k], self.first_level[k + 1])


def edges_of(pm, order):
    """Unique plan edges: (n_e, 2 or 3) nodes (a, b[, mid]) and (n_e, 2) adjacent quads (-1)."""
    Q = pm.quads
    pairs = [(0, 1, 4), (1, 2, 5), (2, 3, 6), (3, 0, 7)]
    rows = []
    for a, b, m in pairs:
        cols = [Q[:, a], Q[:, b]] + ([Q[:, m]] if order == 2 else [])
        rows.append(np.column_stack(cols + [np.arange(len(Q))]))
    E = np.vstack(rows)
    key = np.sort(E[:, :2], axis=1)
    order_ = np.lexsort((key[:, 1], key[:, 0]))
    E, key = E[order_], key[order_]
    new = np.ones(len(E), dtype=bool)
    new[1:] = (key[1:] != key[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    n_e = group[-1] + 1
    first = np.flatnonzero(new)
    nodes = E[first, :-1]
    adj = np.full((n_e, 2), -1, dtype=np.int64)
    adj[:, 0] = E[first, -1]
    second = np.flatnonzero(~new)
    adj[group[second], 1] = E[second, -1]
    return nodes, adj


def groups(stack, layout, regions, eps):
    """Element arrays per physical group.

    Returns {"regions": {name: (n, 8|20)}, "facets": {name: (n, 4|8)},
             "lines": {name: (n, 2|3)}, "points": {name: node id}}
    regions[k][i]: region of plan cell i in slab k (None: void)
    """
    pm = stack.pm
    n_slabs = len(stack.first_level) - 1
    reg_ids = sorted({r for row in regions for r in row if r is not None})
    rid = {r: i for i, r in enumerate(reg_ids)}
    code = np.array([[rid[r] if r is not None else -1 for r in row] for row in regions])
    quad_code = code[:, pm.quad_cell]                      # (n_slabs, n_q)
    out = {"regions": {}, "facets": {}, "lines": {}, "points": {}}

    def put(kind, name, arr):
        if len(arr):
            out[kind].setdefault(name, []).append(arr)

    for k in range(n_slabs):
        for r in np.unique(quad_code[k]):
            if r < 0:
                continue
            q = np.flatnonzero(quad_code[k] == r)
            for j in stack.layers(k):
                put("regions", reg_ids[r], stack.hexes(q, j))
    if layout.bottom:
        put("facets", layout.bottom, stack.horizontal(np.flatnonzero(quad_code[0] >= 0), 0))
    if layout.top:
        put("facets", layout.top,
            stack.horizontal(np.flatnonzero(quad_code[-1] >= 0), stack.n_lev - 1))
    if layout.interfaces:   # horizontal: between slabs
        for k in range(1, n_slabs):
            lo, hi = quad_code[k - 1], quad_code[k]
            diff = (lo >= 0) & (hi >= 0) & (lo != hi)
            for a, b in set(zip(lo[diff].tolist(), hi[diff].tolist())):
                q = np.flatnonzero(diff & (lo == a) & (hi == b))
                put("facets", _pair(reg_ids[a], reg_ids[b]), stack.horizontal(q, stack.first_level[k]))
    E, adj = edges_of(pm, stack.order)
    inner = adj[:, 1] >= 0
    if layout.interfaces:   # vertical: between plan cells
        Ei, ai = E[inner], adj[inner]
        for k in range(n_slabs):
            c1, c2 = quad_code[k][ai[:, 0]], quad_code[k][ai[:, 1]]
            diff = (c1 >= 0) & (c2 >= 0) & (c1 != c2)
            pairs = set(zip(np.minimum(c1, c2)[diff].tolist(), np.maximum(c1, c2)[diff].tolist()))
            for a, b in pairs:
                sel = diff & (np.minimum(c1, c2) == a) & (np.maximum(c1, c2) == b)
                for j in stack.layers(k):
                    put("facets", _pair(reg_ids[a], reg_ids[b]), stack.vertical(Ei[sel], j))
    Eb, ab = E[~inner], adj[~inner, 0]
    for name, (axis, value) in layout.planes.items():
        col = 0 if axis == "x" else 1
        on = (np.abs(pm.xz[Eb[:, 0], col] - value) < 1e3 * eps) & \
             (np.abs(pm.xz[Eb[:, 1], col] - value) < 1e3 * eps)
        for k in range(n_slabs):
            sel = on & (quad_code[k][ab] >= 0)
            for j in stack.layers(k):
                put("facets", name, stack.vertical(Eb[sel], j))
    for name, y in layout.exposed.items():
        k = int(np.argmin([abs(stack.Y[stack.first_level[kk]] - y) for kk in range(1, n_slabs + 1)])) + 1
        above = quad_code[k] if k < n_slabs else np.full(len(pm.quads), -1)
        put("facets", name, stack.horizontal(np.flatnonzero((quad_code[k - 1] >= 0) & (above < 0)),
                                             stack.first_level[k]))
    for c in layout.curves:
        for k, (kind, a, b) in enumerate(c.runs()):
            if kind == "h":
                put("lines", c.name, stack.lines(pm.runs[(c.name, k)], _level(stack, b, eps)))
            else:
                p = _plan_node(pm, a, eps, f"curve '{c.name}'")
                put("lines", c.name, stack.column(p, _level(stack, b[0], eps),
                                                  _level(stack, b[1], eps)))
    for name, (pt, y) in layout.points.items():
        p = _plan_node(pm, pt, eps, f"point '{name}'")
        out["points"][name] = int(stack.node(p, _level(stack, y, eps)))
    for kind in ("regions", "facets", "lines"):
        out[kind] = {k: np.vstack(v) for k, v in out[kind].items()}
    return out


def _plan_node(pm, pt, eps, what):
    d = np.hypot(pm.xz[:, 0] - pt[0], pm.xz[:, 1] - (pt[1] if len(pt) > 1 else 0.0))
    p = int(np.argmin(d))
    if d[p] > 1e3 * eps:
        raise RuntimeError(f"{what}: {pt} is not a plan node (nearest {d[p]:.3g} mm)")
    return p


def _pair(a, b):
    a, b = sorted((a, b))
    return f"{a}/{b}"


def _level(stack, y, eps):
    j = int(np.argmin(np.abs(stack.Y - y)))
    if abs(stack.Y[j] - y) > 1e3 * eps:
        raise RuntimeError(f"no mesh level at y = {y}")
    return j


def write_discrete(stack, grp, order):
    """Put the stacked mesh into the current (empty) Gmsh model, one entity per group.

    Nodes are compressed to those the hexahedra use and live on the first volume entity;
    facets, lines and points reference them. Names must be unique across dimensions.
    """
    import gmsh

    used = np.unique(np.concatenate([a.ravel() for a in grp["regions"].values()]))
    top = max([int(used.max())] + [int(a.max()) for kind in ("facets", "lines")
                                   for a in grp[kind].values()] + list(grp["points"].values()))
    new = np.zeros(top + 1, dtype=np.int64)
    new[used] = np.arange(1, len(used) + 1)
    xyz = stack.coordinates(used)
    names = set()
    elem = 1
    first = True
    for n, (name, conn) in enumerate(sorted(grp["regions"].items()), start=1):
        gmsh.model.addDiscreteEntity(3, n)
        if first:
            gmsh.model.mesh.addNodes(3, n, np.arange(1, len(used) + 1), xyz.ravel())
            first = False
        elem = _add(3, n, HEX[order], new[conn], elem)
        gmsh.model.addPhysicalGroup(3, [n], name=name)
        names.add(name)
    for dim, kind, etype in ((2, "facets", QUAD[order]), (1, "lines", LINE[order])):
        for n, (name, conn) in enumerate(sorted(grp[kind].items()), start=1):
            conn = new[conn]
            if (conn == 0).any():
                raise RuntimeError(f"group '{name}' has nodes outside every region")
            _unique_name(name, names)
            gmsh.model.addDiscreteEntity(dim, n)
            elem = _add(dim, n, etype, _dedupe(conn), elem)
            gmsh.model.addPhysicalGroup(dim, [n], name=name)
    for n, (name, node) in enumerate(sorted(grp["points"].items()), start=1):
        _unique_name(name, names)
        if new[node] == 0:
            raise RuntimeError(f"point '{name}' is not on the meshed parts")
        gmsh.model.addDiscreteEntity(0, n)
        elem = _add(0, n, POINT, np.array([[new[node]]]), elem)
        gmsh.model.addPhysicalGroup(0, [n], name=name)


def _unique_name(name, names):
    if name in names:
        raise RuntimeError(f"physical name '{name}' used twice")
    names.add(name)


def _dedupe(conn):
    key = np.sort(conn, axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    return conn[np.sort(first)]


def _add(dim, tag, etype, conn, elem):
    import gmsh

    n = len(conn)
    gmsh.model.mesh.addElementsByType(tag, etype, np.arange(elem, elem + n), conn.ravel())
    return elem + n

"""Geometry of a contact surface: nodal areas, outward normals, owner elements, depths.

A surface is a mesh boundary of dimension dim - 1 (edges in 2D, faces in 3D) on the outside
of the mesh: every facet bounds exactly one element, its *owner*.

Nodal areas are the lumped facet areas of the formulation (length x thickness in plane
models, 2 pi r weighted when axisymmetric, mm^2), ``A_a = int H_a dA`` over the exact facet,
with H_a the hat functions of the facet's linear sub-cells: the shape functions themselves
for linear facets (the row sums of the facet mass matrix), the two halves of a 3-node edge
and the four sub-triangles of a 6-node triangle for quadratic ones. These areas are all
positive, where the quadratic row sums are not: zero at the corners of a 6-node triangle,
and zero at the axis node of a 3-node edge in axisymmetry, which leaves that node without
contact stiffness. 8-node quads (no centre node) use the diagonal (HRZ) lumping
``A_a ~ int N_a^2 dA`` scaled to the facet area.
"""

import numpy as np

from ..elements import ELEMENTS
from ..elements import quadrature as Q
from ..errors import InputError
from ..formulation import AXISYMMETRIC


def facet_rule(etype):
    """A quadrature rule exact for N_a N_b (and the 2 pi r weight) on a facet type."""
    if etype.shape == "line":
        return Q.gauss_line(4)
    if etype.shape == "quad":
        return Q.gauss_quad(4)
    return Q.simplex_triangle(5)


def facet_geometry(points, etype, conn, form, thickness, rule=None):
    """Shape values and weighted normals of facets.

    points : (n_nodes, dim) mm; conn : (m, k) facet connectivity
    Returns N (q, k), nw (m, q, dim): unnormalised normals with |nw| = dA at each point
    (mm^2, including the thickness or 2 pi r), x (m, q, dim) the points.
    """
    qp, qw = rule if rule is not None else facet_rule(etype)
    N, dN = etype.tabulate(qp)
    X = points[conn]                                        # (m, k, dim)
    T = np.einsum("mkd,qkr->mqdr", X, dN)                   # tangents (m, q, dim, dim - 1)
    x = np.einsum("qk,mkd->mqd", N, X)
    if points.shape[1] == 2:
        t = T[..., 0]
        n = np.stack([t[..., 1], -t[..., 0]], axis=-1)
        n = n * (2 * np.pi * x[..., :1] if form == AXISYMMETRIC else thickness)
    else:
        n = np.cross(T[..., 0], T[..., 1])
    return N, n * qw[None, :, None], x


#: quadratic facets lumped as their linear sub-cells (reference node lists, VTK order)
SUBCELLS = {"line3": ((0, 2), (2, 1)),
            "triangle6": ((0, 3, 5), (3, 1, 4), (5, 4, 2), (3, 4, 5))}


def lumping_rule(etype):
    """Composite quadrature over the facet's linear sub-cells and the sub-cells' hat
    functions there: points (q, d), weights (q,), H (q, k) with sum_k H = 1.

    Linear facets are their own single sub-cell (H = N). 3-node edges split at the mid node,
    6-node triangles into four; integrating H over the exact (curved, 2 pi r weighted)
    facet gives nodal areas that are all positive, also at a node on the axis of an
    axisymmetric model, where the row sum of a 3-node edge is exactly zero. 8-node quads
    (no centre node) return None: they use the diagonal (HRZ) lumping.
    """
    if etype.name == "quad8":
        return None
    ref = etype.nodes
    cells = SUBCELLS.get(etype.name, (tuple(range(etype.n_nodes)),))
    pts, wts, H = [], [], []
    for cell in cells:
        v = ref[list(cell)]
        if etype.shape == "line":
            t, w = Q.gauss_line(4)
            L = np.column_stack([(1 - t[:, 0]) / 2, (1 + t[:, 0]) / 2])
            scale = abs(v[1, 0] - v[0, 0]) / 2
        elif etype.shape == "triangle":
            ab, w = Q.simplex_triangle(5)
            L = np.column_stack([1 - ab[:, 0] - ab[:, 1], ab[:, 0], ab[:, 1]])
            e1, e2 = v[1] - v[0], v[2] - v[0]
            scale = abs(e1[0] * e2[1] - e1[1] * e2[0])   # Jacobian of the unit triangle
        else:  # linear quad: bilinear hats
            xy, w = Q.gauss_quad(4)
            x, y = xy[:, 0], xy[:, 1]
            L = np.column_stack([(1 - x) * (1 - y), (1 + x) * (1 - y), (1 + x) * (1 + y),
                                 (1 - x) * (1 + y)]) / 4
            pts.append(xy)
            wts.append(w)
            h = np.zeros((len(w), etype.n_nodes))
            h[:, list(cell)] = L
            H.append(h)
            continue
        pts.append(L @ v)
        wts.append(w * scale)
        h = np.zeros((len(w), etype.n_nodes))
        h[:, list(cell)] = L
        H.append(h)
    return np.concatenate(pts), np.concatenate(wts), np.concatenate(H)


def nodal_areas(points, boundary, form, thickness):
    """Lumped areas of the surface nodes.

    Returns nodes (n,) int64 sorted, A (n,) mm^2 (sum = surface area).
    """
    nodes = boundary.nodes
    A = np.zeros(len(nodes))
    for etype, conn in boundary.facets:
        rule = lumping_rule(etype)
        if rule is None:   # HRZ: the mass-matrix diagonal scaled to the facet area
            N, nw, _ = facet_geometry(points, etype, conn, form, thickness)
            dA = np.linalg.norm(nw, axis=-1)
            diag = np.einsum("qk,mq->mk", N * N, dA)
            rows = diag * (dA.sum(axis=1) / diag.sum(axis=1))[:, None]
        else:
            qp, qw, H = rule
            _, nw, _ = facet_geometry(points, etype, conn, form, thickness, (qp, qw))
            rows = np.einsum("qk,mq->mk", H, np.linalg.norm(nw, axis=-1))
        idx = np.searchsorted(nodes, conn)
        np.add.at(A, idx.ravel(), rows.ravel())
    return nodes, A


class PressureRecovery:
    """Nodal contact pressure (MPa) from nodal normal contact forces (N) on a surface.

    Linear facets: p_a = F_a / A_a with the row-sum areas (the lumped projection).
    Quadratic facets: the L2 projection M p = F with the consistent facet mass matrix
    M_ab = int N_a N_b dA (2 pi r weighted when axisymmetric): the pressure field whose
    consistent nodal forces are F. (Dividing by the positive sub-cell areas instead makes
    corner and mid-side pressures alternate by a factor of two.)
    """

    def __init__(self, points, boundary, form, thickness):
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        self.nodes = boundary.nodes
        n = len(self.nodes)
        self.linear = all(e.n_nodes == e.n_corner for e, _ in boundary.facets)
        if self.linear:
            self.A = nodal_areas(points, boundary, form, thickness)[1]
            return
        rows, cols, vals = [], [], []
        for etype, conn in boundary.facets:
            N, nw, _ = facet_geometry(points, etype, conn, form, thickness)
            dA = np.linalg.norm(nw, axis=-1)
            Me = np.einsum("qa,qb,mq->mab", N, N, dA)
            idx = np.searchsorted(self.nodes, conn)
            rows.append(np.repeat(idx, idx.shape[1], axis=1).ravel())
            cols.append(np.tile(idx, (1, idx.shape[1])).ravel())
            vals.append(Me.ravel())
        M = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n, n))
        self.lu = splu(M)

    def __call__(self, F):
        """F (n,) N -> p (n,) MPa."""
        if self.linear:
            return F / self.A
        return self.lu.solve(np.asarray(F, dtype=float))


def facet_owners(mesh, etype, conn, where, name):
    """(block index (m,), local element index (m,)) of the one element each facet bounds."""
    nc = ELEMENTS[etype.linear].n_nodes
    key_f = np.sort(conn[:, :nc], axis=1)
    keys, blk, loc = [], [], []
    for k, b in enumerate(mesh.blocks):
        ft = b.etype.face_type
        if ft is None or ELEMENTS[ft].shape != etype.shape:
            continue
        for face in b.etype.faces:
            keys.append(np.sort(b.conn[:, list(face[:nc])], axis=1))
            blk.append(np.full(b.n_el, k))
            loc.append(np.arange(b.n_el))
    if not keys:
        raise InputError(f"{where}: boundary '{name}': its facets are not faces of the mesh's "
                         "elements")
    keys = np.concatenate(keys)
    blk = np.concatenate(blk)
    loc = np.concatenate(loc)
    view = np.ascontiguousarray(keys).view([("", keys.dtype)] * nc).ravel()
    fview = np.ascontiguousarray(key_f).view([("", key_f.dtype)] * nc).ravel()
    order = np.argsort(view, kind="stable")
    sv = view[order]
    lo = np.searchsorted(sv, fview, side="left")
    hi = np.searchsorted(sv, fview, side="right")
    count = hi - lo
    if np.any(count == 0):
        raise InputError(f"{where}: boundary '{name}' has facets that are not faces of any "
                         "element")
    if np.any(count > 1):
        raise InputError(f"{where}: boundary '{name}' lies between two elements (an interface); "
                         "a platen acts on an outer surface of the mesh")
    pick = order[lo]
    return blk[pick], loc[pick]


def outward_normals(mesh, boundary, where):
    """Unit outward normal (m, dim) at the centre of every facet, per facet block (list)."""
    out = []
    for etype, conn in boundary.facets:
        blk, loc = facet_owners(mesh, etype, conn, where, boundary.name)
        centre = np.array([mesh.points[mesh.blocks[b].conn[e]].mean(axis=0)
                           for b, e in zip(blk, loc)]).reshape(-1, mesh.dim)
        # the normal at the facet's parametric centre
        if etype.shape == "line":
            rule = (np.zeros((1, 1)), np.ones(1))
        elif etype.shape == "quad":
            rule = (np.zeros((1, 2)), np.ones(1))
        else:
            rule = (np.full((1, 2), 1.0 / 3.0), np.ones(1))
        _, nw, x = facet_geometry(mesh.points, etype, conn, 1, 1.0, rule)
        n = nw[:, 0]
        n = n / np.linalg.norm(n, axis=1, keepdims=True)
        sign = np.where(np.einsum("md,md->m", n, x[:, 0] - centre) >= 0, 1.0, -1.0)
        out.append(n * sign[:, None])
    return out


def infer_normal(mesh, boundary, where, max_angle_deg=1.0):
    """The platen normal (into the body) of a flat surface: minus its mean outward normal.

    InputError if the facet normals spread more than ``max_angle_deg`` (a curved surface needs
    an explicit normal).
    """
    normals = np.concatenate(outward_normals(mesh, boundary, where))
    mean = normals.mean(axis=0)
    mean /= np.linalg.norm(mean)
    cos = normals @ mean
    if cos.min() < np.cos(np.radians(max_angle_deg)):
        raise InputError(f"{where}.normal: surface '{boundary.name}' is not flat (its facet "
                         f"normals differ by up to {np.degrees(np.arccos(np.clip(cos.min(), -1, 1))):.3g} "
                         "degrees): give the platen normal, the direction from the platen into "
                         "the body")
    return -mean


def node_depths_and_moduli(model, boundary, normal, where):
    """Per surface node: element depth h (mm) under it and the uniaxial modulus E_n (MPa) of
    the owner elements' materials along ``normal``, area-weighted over its facets.

    h of a facet is its owner element's volume over the facet's area (both with the same
    thickness or 2 pi r weight): the element's depth normal to the surface.
    """
    from ..formulation import THREE_D

    mesh = model.mesh
    nodes = boundary.nodes
    hsum = np.zeros(len(nodes))
    esum = np.zeros(len(nodes))
    wsum = np.zeros(len(nodes))
    n3 = np.zeros(3)
    n3[:mesh.dim] = normal
    s = np.array([n3[0] ** 2, n3[1] ** 2, n3[2] ** 2, n3[0] * n3[1], n3[1] * n3[2],
                  n3[0] * n3[2]])  # stress n (x) n in Voigt (tensor shear components)
    moduli = {}
    case = model.case
    Tref = getattr(model, "reference_temperature", None)
    if Tref is None:  # attach runs before the model stores it
        Tref = model.temperature_at_qp(case.reference_temperature or case.steps[0].temperature_start)
    for etype, conn in boundary.facets:
        blk, loc = facet_owners(mesh, etype, conn, where, boundary.name)
        _, nw, _ = facet_geometry(mesh.points, etype, conn, model.form, model.thickness)
        area = np.linalg.norm(nw, axis=-1).sum(axis=1)
        vol = np.array([model.assembler.geometry[b].dV[e].sum() for b, e in zip(blk, loc)])
        h = vol / area
        E = np.empty(len(conn))
        for b in np.unique(blk):
            if b not in moduli:
                bm = model.block_materials[b]
                T = float(np.mean(Tref[b]))
                D = np.asarray(bm.material.stiffness(np.array([T]), THREE_D, bm.R),
                               dtype=float).reshape(-1, 6, 6)[0]
                moduli[b] = 1.0 / float(s @ np.linalg.solve(D, s))
            E[blk == b] = moduli[b]
        idx = np.searchsorted(nodes, conn)
        w = np.repeat(area[:, None], conn.shape[1], axis=1)
        np.add.at(hsum, idx.ravel(), (w * h[:, None]).ravel())
        np.add.at(esum, idx.ravel(), (w * E[:, None]).ravel())
        np.add.at(wsum, idx.ravel(), w.ravel())
    return hsum / wsum, esum / wsum

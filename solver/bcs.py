"""Boundary conditions and loads: prescribed displacements, pressure, traction, forces.

Targets (boundary, region, point) are resolved to nodes once; loads become consistent nodal
force vectors integrated over the boundary facets with the facets' own shape functions.
"""

from dataclasses import dataclass

import numpy as np

from .elements import ELEMENTS
from .errors import InputError
from .formulation import AXISYMMETRIC, THREE_D


@dataclass(frozen=True, eq=False)
class Constraint:
    """Prescribed displacement components on a set of nodes.

    label : name used in reports; dofs : (n,) int64; values : (n,) float64 mm
    """

    label: str
    dofs: np.ndarray
    values: np.ndarray
    components: tuple


def target_nodes(target, mesh, case_path):
    """Node indices of a case Target (boundary, region or the node at a point)."""
    if target.kind == "boundary":
        return mesh.boundaries[target.name].nodes
    if target.kind == "region":
        return mesh.region_nodes(target.name)
    return np.array([node_at(mesh, target.point, f"{case_path}: {target.where}.point")])


def node_at(mesh, point, where):
    """The node at ``point`` (within 1e-6 of the model size); InputError if there is none."""
    x = np.asarray(point, dtype=float)
    d = np.linalg.norm(mesh.points - x, axis=1)
    k = int(np.argmin(d))
    size = np.ptp(mesh.points, axis=0).max()
    if d[k] > 1e-6 * size:
        near = ", ".join(f"{c:.6g}" for c in mesh.points[k])
        raise InputError(f"{where}: no mesh node at this point; the nearest node is at ({near}), "
                         f"{d[k]:.3g} mm away")
    return k


def constraints(fixes, mesh, layout, case_path):
    """Constraint records of a step's ``fix`` list; conflicting values are an error."""
    out = []
    seen = {}
    for f in fixes:
        nodes = target_nodes(f.target, mesh, case_path)
        dofs, values = [], []
        for comp, v in f.components.items():
            if comp >= layout.dim and np.any(layout.ndn[nodes] <= comp):
                raise InputError(f"{case_path}: {f.target.where}: rotations can only be fixed "
                                 "at nodes that carry them (beam nodes)")
            d = layout.dofs(nodes, comp)
            dofs.append(d)
            values.append(np.full(len(d), v))
        dofs = np.concatenate(dofs)
        values = np.concatenate(values)
        for d, v in zip(dofs.tolist(), values.tolist()):
            prev = seen.setdefault(d, (v, f.target))
            if prev[0] != v:
                node = int(np.searchsorted(layout.dof0, d, side="right") - 1)
                raise InputError(
                    f"{case_path}: {f.target.where}: node at ({', '.join(f'{c:.6g}' for c in mesh.points[node])}) "
                    f"is prescribed {v} here and {prev[0]} by {prev[1].where}")
        out.append(Constraint(f.target.label(), dofs, values, tuple(sorted(f.components))))
    return out


def merged(constraint_list):
    """All prescribed dofs (sorted, unique) and their values."""
    if not constraint_list:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    dofs = np.concatenate([c.dofs for c in constraint_list])
    vals = np.concatenate([c.values for c in constraint_list])
    u, idx = np.unique(dofs, return_index=True)
    return u, vals[idx]


# ----------------------------------------------------------------------------- loads
def load_vector(loads, mesh, layout, form, thickness, case_path):
    """Global external force vector (N) of a step's ``loads`` list at full value."""
    f = np.zeros(layout.n_dof)
    for load in loads:
        t = load.target
        where = f"{case_path}: {t.where}"
        if load.kind in ("force", "moment") and t.kind == "point":
            node = node_at(mesh, t.point, where + ".point")
            first = 0 if load.kind == "force" else layout.dim
            if first + len(load.value) > layout.ndn[node]:
                raise InputError(f"{where}: a moment needs a node with rotations (a beam node)")
            for c, v in enumerate(load.value):
                f[layout.dof0[node] + first + c] += v
            continue
        if t.kind == "region":   # a fluid filling the region pushes on all it touches
            boundary = region_surface(mesh, t.name)
            _add_surface_load(f, mesh, layout, form, thickness, boundary, where,
                              pressure=-load.value)
            continue
        boundary = mesh.boundaries[t.name]
        if not boundary.facets or boundary.dim != mesh.dim - 1:
            raise InputError(f"{where}: boundary '{t.name}' has no {'faces' if mesh.dim == 3 else 'edges'} "
                             "to carry a distributed load")
        if load.kind == "pressure":
            _add_surface_load(f, mesh, layout, form, thickness, boundary, where,
                              pressure=load.value)
        elif load.kind == "traction":
            _add_surface_load(f, mesh, layout, form, thickness, boundary, where,
                              traction=np.asarray(load.value))
        else:  # total force spread as a uniform traction over the boundary
            area = boundary_area(mesh, form, thickness, boundary)
            _add_surface_load(f, mesh, layout, form, thickness, boundary, where,
                              traction=np.asarray(load.value) / area)
    return f


def region_surface(mesh, region):
    """The faces that bound a region (not shared by two of its elements), as a Boundary."""
    from .mesh import Boundary

    facets = []
    for b in mesh.blocks_of(region):
        et = b.etype
        faces = np.concatenate([b.conn[:, list(face)] for face in et.faces])
        keys = np.sort(faces[:, :ELEMENTS[et.face_type].n_corner], axis=1)
        _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        outer = counts[inverse.ravel()] == 1
        facets.append((ELEMENTS[et.face_type], faces[outer]))
    nodes = np.unique(np.concatenate([c.ravel() for _, c in facets]))
    surface = Boundary(f"surface of {region}", mesh.dim - 1, facets, nodes)
    surface.outward = True   # element faces are numbered outwards from their element
    return surface


def _facet_geometry(mesh, etype, conn, form, thickness):
    """Shape values, unnormalised normals times weights (mm^2, including 2 pi r or thickness).

    Returns N (n_qp, k), n (n_facets, n_qp, dim) with |n| = dA.
    """
    N, dN = etype.tabulate(etype.qp)
    X = mesh.points[conn]                                   # (m, k, dim)
    T = np.einsum("mkd,qkr->mqdr", X, dN)                    # tangents (m, q, dim, dim-1)
    if mesh.dim == 2:
        t = T[..., 0]
        n = np.stack([t[..., 1], -t[..., 0]], axis=-1)
        if form == AXISYMMETRIC:
            r = np.einsum("qk,mk->mq", N, X[..., 0])
            n = n * (2 * np.pi * r)[..., None]
        else:
            n = n * thickness
    else:
        n = np.cross(T[..., 0], T[..., 1])
    return N, n * etype.qw[None, :, None]


def _outward_sign(mesh, boundary, where):
    """+1 or -1 per facet so that its normal points out of the element it bounds."""
    signs = []
    for etype, conn in boundary.facets:
        owner = _facet_owners(mesh, etype, conn, where, boundary.name)
        xc_facet = mesh.points[conn].mean(axis=1)
        _, n = _facet_geometry(mesh, etype, conn, THREE_D if mesh.dim == 3 else 1, 1.0)
        nsum = n.sum(axis=1)
        out = np.einsum("md,md->m", nsum, xc_facet - owner)
        signs.append(np.where(out >= 0, 1.0, -1.0))
    return signs


def _facet_owners(mesh, etype, conn, where, name):
    """Centroid of the one element each facet bounds; interfaces are refused."""
    nc = ELEMENTS[etype.linear].n_nodes  # corner nodes identify a face
    key_f = np.sort(conn[:, :nc], axis=1)
    keys, cents = [], []
    for b in mesh.blocks:
        for face in b.etype.faces:
            corners = np.sort(b.conn[:, list(face[:nc])], axis=1)
            keys.append(corners)
            cents.append(mesh.points[b.conn].mean(axis=1))
    keys = np.concatenate(keys)
    cents = np.concatenate(cents)
    view = np.ascontiguousarray(keys).view([("", keys.dtype)] * nc).ravel()
    fview = np.ascontiguousarray(key_f).view([("", key_f.dtype)] * nc).ravel()
    order = np.argsort(view, kind="stable")
    sv = view[order]
    lo = np.searchsorted(sv, fview, side="left")
    hi = np.searchsorted(sv, fview, side="right")
    count = hi - lo
    if np.any(count == 0):
        raise InputError(f"{where}: boundary '{name}' has facets that are not faces of any element")
    if np.any(count > 1):
        raise InputError(f"{where}: boundary '{name}' lies between two elements (an interface); "
                         "a pressure or traction needs an outer surface")
    return cents[order[lo]]


def _add_surface_load(f, mesh, layout, form, thickness, boundary, where, pressure=None,
                      traction=None):
    if pressure is None:
        signs = None
    elif getattr(boundary, "outward", False):
        signs = [np.ones(len(conn)) for _, conn in boundary.facets]
    else:
        signs = _outward_sign(mesh, boundary, where)
    for k, (etype, conn) in enumerate(boundary.facets):
        N, n = _facet_geometry(mesh, etype, conn, form, thickness)
        if pressure is not None:
            q = -pressure * signs[k][:, None, None] * n            # (m, q, dim) force density
        else:
            dA = np.linalg.norm(n, axis=-1)
            q = dA[..., None] * traction[None, None, :]
        fe = np.einsum("qk,mqd->mkd", N, q)
        for c in range(mesh.dim):
            np.add.at(f, layout.dofs(conn, c).ravel(), fe[..., c].ravel())


def boundary_area(mesh, form, thickness, boundary):
    """Area (mm^2; length x thickness in plane models, 2 pi r weighted when axisymmetric)."""
    total = 0.0
    for etype, conn in boundary.facets:
        _, n = _facet_geometry(mesh, etype, conn, form, thickness)
        total += np.linalg.norm(n, axis=-1).sum()
    return total

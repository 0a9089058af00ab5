"""A group of beam elements on one physical curve, with its rotation ties to the continuum.

Topology: every ``line`` cell of the curve is a 2-node beam; a ``line3`` cell becomes two
beams (end - mid - end). All beam nodes carry rotations (rz in 2D; rx, ry, rz in 3D) after
their displacements; translations of beam nodes that are continuum nodes are the continuum's
(shared node ids). Ends: ``tied`` ends get a rotation tie (tie.py) to every continuum element
around the node, ``free`` ends (the default) are pinned.

State: plastic strain and equivalent plastic strain per fibre per Gauss point (committed only
on convergence); in 3D also the rotation matrix of every beam node, updated multiplicatively
from the increments of the rotation dofs between successive evaluations (left spins), so the
rotation dofs of a 3D model are accumulated incremental rotation vectors (the true rotation
vector when the axis stays fixed). A new Newton solve (a new ``Context``) restarts from the
committed state.
"""

import logging

import numpy as np

from ..analysis.groups import Group
from ..errors import InputError
from . import beam2d, beam3d, tie
from .rotation import logm, update_rotations

log = logging.getLogger(__name__)

VTK_LINE = 3


def two_node_elements(boundary):
    """(n_el, 2) node pairs of a curve's line / line3 cells (line3 split at its mid node)."""
    pairs = []
    for etype, conn in boundary.facets:
        conn = np.asarray(conn, dtype=np.int64)
        if etype.name == "line":
            pairs.append(conn[:, :2])
        else:   # line3, VTK / meshio order: end, end, mid
            pairs.append(np.concatenate([conn[:, [0, 2]], conn[:, [2, 1]]]))
    conn = np.concatenate(pairs)
    key = np.sort(conn, axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    return conn[np.sort(first)]


def polylines(conn):
    """Node sequences covering every element once: open chains between nodes whose degree
    is not 2 (ends, branch points), then closed loops."""
    adj = {}
    for e, (a, b) in enumerate(conn.tolist()):
        adj.setdefault(a, []).append((e, b))
        adj.setdefault(b, []).append((e, a))
    used = np.zeros(len(conn), dtype=bool)
    lines = []

    def walk(start):
        for e, nxt in adj[start]:
            if used[e]:
                continue
            used[e] = True
            seq = [start, nxt]
            node = nxt
            while len(adj[node]) == 2:
                e2, n2 = next(((ee, nn) for ee, nn in adj[node] if not used[ee]), (None, None))
                if e2 is None:
                    break
                used[e2] = True
                seq.append(n2)
                node = n2
            lines.append(seq)

    for node in sorted(adj, key=lambda n: (len(adj[n]) == 2, n)):
        if len(adj[node]) != 2:
            walk(node)
    for node in sorted(adj):
        if any(not used[e] for e, _ in adj[node]):
            walk(node)
    return lines


class BeamGroup(Group):
    """Beams of one [[beams]] table (spec: solver.structural.spec.BeamSpec)."""


    def __init__(self, spec, case, mesh):
        self.spec = spec
        self.name = spec.name
        self.case = case
        self.mesh = mesh
        self.dim = dim = mesh.dim
        self.nr = 1 if dim == 2 else 3          # rotation dofs per node
        self.m = dim + self.nr                   # dofs per beam node
        self.material = spec.material
        self.section = spec.section
        self.plastic = spec.material.key == "j2-plastic"
        if self.plastic:
            self.curve_e = np.ascontiguousarray(spec.material.curve_e, dtype=float)
            self.curve_s = np.ascontiguousarray(spec.material.curve_s, dtype=float)
        else:
            self.curve_e, self.curve_s = np.zeros(1), np.ones(1)
        where = spec.where
        conn = two_node_elements(mesh.boundaries[spec.curve])
        self.conn = np.ascontiguousarray(conn)
        self.nodes = np.unique(conn)
        self.conn_local = np.ascontiguousarray(np.searchsorted(self.nodes, conn))
        X = mesh.points[conn]                                   # (n_el, 2, dim)
        d = X[:, 1] - X[:, 0]
        self.L0 = np.linalg.norm(d, axis=1)
        if np.any(self.L0 <= 1e-12 * max(np.ptp(mesh.points, axis=0).max(), 1.0)):
            raise InputError(f"{where}.curve: curve '{spec.curve}' has an element of zero length")
        self.X = np.ascontiguousarray(X)
        if dim == 2:
            self.beta0 = np.arctan2(d[:, 1], d[:, 0])
        else:
            self.R0 = self._frames(d, where)
        xg, wg = np.polynomial.legendre.leggauss(spec.points)
        self.xi = (xg + 1) / 2
        self.wg = wg / 2
        self.xg = X[:, :1, :] + self.xi[None, :, None] * d[:, None, :]   # (n_el, n_gp, dim)
        n_el, n_gp, n_f = len(conn), spec.points, self.section.n_fibres
        self.ep = np.zeros((n_el, n_gp, n_f))
        self.alpha = np.zeros((n_el, n_gp, n_f))
        self.sig = np.zeros((n_el, n_gp, n_f))
        self.sec = np.zeros((n_el, n_gp, 2 if dim == 2 else 4))
        self.fe = np.zeros((n_el, 2 * self.m))
        self.lines = polylines(conn)
        # ends: named points and the remaining degree-1 nodes
        degree = np.bincount(self.conn_local.ravel(), minlength=len(self.nodes))
        in_continuum = np.zeros(mesh.n_nodes, dtype=bool)
        for b in mesh.blocks:
            in_continuum[b.conn.ravel()] = True
        self.ends = {}
        for pname, mode in spec.ends.items():
            pnodes = mesh.boundaries[pname].nodes
            if len(pnodes) != 1:
                raise InputError(f"{where}.ends.{pname}: physical point '{pname}' has "
                                 f"{len(pnodes)} nodes; an end is one node")
            node = int(pnodes[0])
            k = np.searchsorted(self.nodes, node)
            if k >= len(self.nodes) or self.nodes[k] != node:
                raise InputError(f"{where}.ends.{pname}: point '{pname}' is not a node of "
                                 f"curve '{spec.curve}'")
            if mode == "tied" and not in_continuum[node]:
                raise InputError(f"{where}.ends.{pname}: point '{pname}' belongs to no "
                                 "continuum element, so there is nothing to tie its rotation "
                                 "to; make it free or put it on the meshed parts")
            self.ends[pname] = (node, mode)
        named = {n for n, _ in self.ends.values()}
        points = {int(b.nodes[0]): n for n, b in sorted(mesh.boundaries.items())
                  if b.dim == 0 and len(b.nodes) == 1}
        for k in np.flatnonzero(degree == 1):   # unlisted ends: free, named by their point
            node = int(self.nodes[k])
            if node not in named:
                self.ends[points.get(node, f"end-{len(self.ends) + 1}")] = (node, "free")
        self.in_continuum = in_continuum[self.nodes]
        self.ties = self._find_ties([n for n, mode in self.ends.values() if mode == "tied"])
        self._ctx = None
        self._trial = None
        if dim == 3:
            nn = len(self.nodes)
            self.U = np.broadcast_to(np.eye(3), (nn, 3, 3)).copy()   # committed rotations
            self.rot = np.zeros((nn, 3))                              # their dof values
            self.Ut = self.U.copy()
            self.rot_t = self.rot.copy()

    # ------------------------------------------------------------------ setup
    def _frames(self, d, where):
        e1 = d / np.linalg.norm(d, axis=1)[:, None]
        o = self.spec.orientation
        if o is None:   # circle: any normal; the one closest to global z (or y)
            o = np.where(np.abs(e1[:, 2:3]) < 0.9, [0.0, 0.0, 1.0], [0.0, 1.0, 0.0])
        o = np.broadcast_to(np.asarray(o, dtype=float), e1.shape)
        e3 = o - e1 * np.einsum("ij,ij->i", e1, o)[:, None]
        n3 = np.linalg.norm(e3, axis=1)
        bad = np.flatnonzero(n3 < 1e-6 * np.linalg.norm(o, axis=1))
        if len(bad):
            x = self.mesh.points[self.conn[bad[0]]].mean(axis=0)
            raise InputError(f"{where}.orientation: parallel to the beam axis at the element "
                             f"near ({', '.join(f'{c:.4g}' for c in x)}); the width axis must "
                             "be normal to the beam")
        e3 = e3 / n3[:, None]
        e2 = np.cross(e3, e1)
        return np.ascontiguousarray(np.stack([e1, e2, e3], axis=-1))   # columns e1 e2 e3

    def _find_ties(self, tied_nodes):
        """One record per (tied node, adjacent continuum element)."""
        ties = []
        mesh = self.mesh
        for node in tied_nodes:
            found = []
            for k, b in enumerate(mesh.blocks):
                rows, cols = np.nonzero(b.conn == node)
                for e, a in zip(rows.tolist(), cols.tolist()):
                    found.append((k, e, a))
            for k, e, a in found:
                b = mesh.blocks[k]
                et = b.etype
                _, dN = et.tabulate(et.nodes[a][None])          # (1, n_en, dim)
                Xe = mesh.points[b.conn[e]]
                J = Xe.T @ dN[0]                                # dX_i / dxi_j
                G = dN[0] @ np.linalg.inv(J)                    # dN_a / dX
                ties.append({"node": node, "conn": b.conn[e].copy(), "G": G,
                             "share": 1.0 / len(found)})
        return ties

    def connectivity(self):
        return [self.conn] + [t["conn"][None, :] for t in self.ties]

    def extra_dofs(self):
        return {int(n): self.nr for n in self.nodes}

    def attach(self, model):
        self.model = model
        a = model.assembler
        lay = model.layout
        self.layout = lay
        self.assembler = a
        self.emap = a.element_map(self.conn)
        self.dofs = (lay.dof0[self.conn][:, :, None]
                     + np.arange(self.m)).reshape(len(self.conn), -1)
        self.node_dofs = lay.dof0[self.nodes][:, None] + np.arange(self.m)
        case = self.case
        region = self.spec.temperature_region
        xg = self.xg.reshape(-1, self.dim)
        shape = self.xg.shape[:2]
        ref = case.reference_temperature or case.steps[0].temperature_start
        self.Tref = np.asarray(model.temperature_at(ref, xg, region)).reshape(shape)
        for step in case.steps:   # fail now, not in the middle of a step
            model.temperature_at(step.temperature_start, xg, region)
            model.temperature_at(step.temperature_end, xg, region)
        E_ref = self.material.E(self.Tref)
        I_max = max(self.section.Iz, self.section.Iy)
        for t in self.ties:
            node = t["node"]
            el = np.flatnonzero((self.conn == node).any(axis=1))
            L_end = self.L0[el].min()
            E_end = E_ref[el].max()
            t["k"] = self.spec.tie_penalty * 4.0 * E_end * I_max / L_end * t["share"]
            rot = lay.dof0[node] + self.dim + np.arange(self.nr)
            disp = (lay.dof0[t["conn"]][:, None] + np.arange(self.dim)).ravel()
            t["dofs"] = np.concatenate([rot, disp])
            t["pos"] = self._csr_positions(t["dofs"])
            t["psi"] = 0.0

    def _csr_positions(self, dofs):
        a = self.assembler
        pos = np.empty((len(dofs), len(dofs)), dtype=np.int64)
        for i, r in enumerate(dofs):
            lo, hi = a.indptr[r], a.indptr[r + 1]
            cols = a.indices[lo:hi]
            j = np.searchsorted(cols, dofs)
            if np.any(cols[np.minimum(j, len(cols) - 1)] != dofs):
                raise RuntimeError("tie dofs missing from the sparsity pattern")
            pos[i] = lo + j
        return pos

    # ------------------------------------------------------------------ evaluation
    def _temperatures(self, ctx):
        if getattr(self, "_T_ctx", None) is not ctx:
            x = self.xg.reshape(-1, self.dim)
            T = np.asarray(ctx.temperature(x, self.spec.temperature_region), dtype=float)
            self._T = np.broadcast_to(T, (len(x),)).reshape(self.xg.shape[:2]).copy()
            self._T_ctx = ctx
        return self._T

    def evaluate(self, u, ctx, want_tangent, f, fabs, data):
        if ctx is not self._ctx:          # a new Newton solve: restart from the committed state
            self._ctx = ctx
            if self.dim == 3:
                self.Ut = self.U.copy()
                self.rot_t = self.rot.copy()
        T = self._temperatures(ctx)
        mat = self.material
        E = np.ascontiguousarray(mat.E(T))
        eth = np.ascontiguousarray(mat.expansion.strain(T, self.Tref)[..., 0])
        n_el, n_gp, n_f = self.ep.shape
        fe = np.zeros((n_el, 2 * self.m))
        Ke = np.zeros((n_el, 2 * self.m, 2 * self.m))
        ep1 = np.empty_like(self.ep)
        a1 = np.empty_like(self.alpha)
        sig = np.empty_like(self.sig)
        sec = np.empty_like(self.sec)
        status = np.zeros(n_el, dtype=np.int64)
        scale = np.zeros((n_el, 2))
        s = self.section
        if self.dim == 2:
            ue = np.ascontiguousarray(u[self.dofs])
            beam2d.elements(self.X, ue, self.L0, self.beta0, self.xi, self.wg, s.y, s.z, s.area,
                            E, eth, self.curve_e, self.curve_s, self.plastic, self.ep,
                            self.alpha, want_tangent, fe, Ke, ep1, a1, sig, sec, scale, status)
        else:
            un = u[self.node_dofs]
            rot = un[:, 3:]
            update_rotations(self.Ut, np.ascontiguousarray(rot - self.rot_t))
            self.rot_t = rot.copy()
            x = np.ascontiguousarray(self.mesh.points[self.nodes] + un[:, :3])
            nu = mat.nu(T)
            GJ = np.ascontiguousarray((E / (2 * (1 + nu))).mean(axis=1) * s.J)
            beam3d.elements(x, self.Ut, self.conn_local, self.R0, self.L0, self.xi, self.wg,
                            s.y, s.z, s.area, GJ, E, eth, self.curve_e, self.curve_s,
                            self.plastic, self.ep, self.alpha, want_tangent, True, fe, Ke, ep1,
                            a1, sig, sec, scale, status)
        if np.any(status):
            bad = int(np.flatnonzero(status)[0])
            xc = self.mesh.points[self.conn[bad]].mean(axis=0)
            what = "the fibre plasticity update failed" if status[bad] == 1 else \
                "an element collapsed to zero length"
            return (f"{what} in beam element near ({', '.join(f'{c:.4g}' for c in xc)})")
        a = self.assembler
        a.scatter_vectors(fe, self.conn, self.m, f)
        # convergence scale: |element forces| plus the forces the element carries (a free end
        # has one element, whose end force alone would be the whole residual)
        per_node = np.repeat(scale, [self.dim, self.nr], axis=1)
        a.scatter_vectors(np.abs(fe) + np.tile(per_node, 2), self.conn, self.m, fabs)
        if want_tangent:
            a.scatter_matrices(Ke, self.conn, self.m, self.emap, data)
        tie_psi = self._ties(u, f, fabs, data, want_tangent)
        self._trial = (ep1, a1, sig, sec, fe, tie_psi, u.copy())
        return ""

    def _ties(self, u, f, fabs, data, want_tangent):
        out = []
        dim = self.dim
        for t in self.ties:
            nd = len(t["dofs"])
            ue = np.ascontiguousarray(u[t["dofs"][self.nr:]].reshape(-1, dim))
            fe = np.zeros(nd)
            Ke = np.zeros((nd, nd))
            if dim == 2:
                psi = tie.tie2d(float(u[t["dofs"][0]]), t["G"], ue, t["k"], fe, Ke)
            else:
                k = np.searchsorted(self.nodes, t["node"])
                psi = tie.tie3d(self.Ut[k], t["G"], ue, t["k"], True, fe, Ke)
            np.add.at(f, t["dofs"], fe)
            np.add.at(fabs, t["dofs"], np.abs(fe))
            if want_tangent:
                np.add.at(data, t["pos"].ravel(), Ke.ravel())
            out.append((abs(psi), fe[:self.nr].copy()))
        return out

    def commit(self):
        if self._trial is None:
            return
        self.ep, self.alpha, self.sig, self.sec, self.fe, tie_psi, self._u_out = self._trial
        for t, (psi, m) in zip(self.ties, tie_psi):
            t["psi"], t["moment"] = psi, m
        if self.dim == 3:
            self.U = self.Ut.copy()
            self.rot = self.rot_t.copy()

    # ------------------------------------------------------------------ output
    def _node_forces(self):
        """Beam internal forces summed per group node (n_nodes, m): what the surroundings
        apply to the beams at that node (N; moments N mm)."""
        out = np.zeros((len(self.nodes), self.m))
        fe = self.fe.reshape(len(self.conn), 2, self.m)
        np.add.at(out, self.conn_local[:, 0], fe[:, 0])
        np.add.at(out, self.conn_local[:, 1], fe[:, 1])
        return out

    def _rotation(self, u, k):
        if self.dim == 2:
            return [float(u[self.node_dofs[k, 2]])]
        return logm(self.U[k]).tolist()

    def results(self):
        u = self._last_u()
        dim = self.dim
        disp = u[self.node_dofs[:, :dim]]
        x = self.mesh.points[self.nodes] + disp
        nf = self._node_forces()
        ends = {}
        for pname, (node, mode) in self.ends.items():
            k = int(np.searchsorted(self.nodes, node))
            ends[pname] = {"mode": mode, "on_continuum": bool(self.in_continuum[k]),
                           "position": x[k].tolist(), "displacement": disp[k].tolist(),
                           "rotation": self._rotation(u, k),
                           "force": nf[k, :dim].tolist(), "moment": nf[k, dim:].tolist()}
        lines = [[x[np.searchsorted(self.nodes, n)].tolist() for n in seq] for seq in self.lines]
        sec = self.sec
        out = {"elements": len(self.conn), "nodes": len(self.nodes),
               "material": self.material.name, "section": self.section.to_json(),
               "max_equivalent_plastic_strain": float(self.alpha.max(initial=0.0)),
               "max_fibre_stress": float(np.abs(self.sig).max(initial=0.0)),
               "max_axial_force": float(np.abs(sec[..., 0]).max(initial=0.0)),
               "max_bending_moment": float(np.abs(sec[..., 1:3]).max(initial=0.0)),
               "ends": ends, "polyline": lines}
        if self.ties:   # per tied end: the moment the ties put on the beam, the mismatch
            ties = {}
            for pname, (node, mode) in self.ends.items():
                mine = [t for t in self.ties if t["node"] == node]
                if mine:
                    ties[pname] = {
                        "moment": np.sum([t.get("moment", np.zeros(self.nr)) for t in mine],
                                         axis=0).tolist(),
                        "rotation_mismatch": float(max(t["psi"] for t in mine)),
                        "elements": len(mine)}
            out["ties"] = ties
        return out

    def _last_u(self):
        u = getattr(self, "_u_out", None)
        if u is None:
            return np.zeros(self.layout.n_dof)
        return u

    def vtk(self, u):
        sec = self.sec.mean(axis=1)
        cd = {"beam_axial_force": sec[:, 0],
              "beam_equivalent_plastic_strain": self.alpha.max(axis=(1, 2))}
        if self.dim == 2:
            cd["beam_bending_moment"] = sec[:, 1]
        else:
            cd["beam_bending_moment"] = sec[:, 1:3]
            cd["beam_torque"] = sec[:, 3]
        return self.nodes, [(VTK_LINE, self.conn_local)], cd

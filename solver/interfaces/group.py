"""CohesiveInterface: the element group of one releasable bond (see solver.analysis.groups).

State per integration point: the committed damage d (rate independent, never decreasing) and
the regularized damage dv the traction uses (equal to d without viscosity). ``evaluate``
works from the committed state; ``commit`` accepts the last evaluation (a converged increment).

Tangent: the exact element tangent (``element_forces``, checked against finite differences)
is not symmetric while damage grows under mixed mode or while the corotational normal turns
under load; pkgfem's linear solvers factorize symmetric matrices (PARDISO on the upper
triangle), so the group assembles its symmetric part (Ke + Ke^T) / 2. The forces, hence the
converged solutions, are exact; only the Newton rate can suffer. Measured on the Kendall peel,
the exact tangent solved with SuperLU needed the same 6-7 iterations per increment: the
iterations go into the elements that switch from elastic to softening, not into the asymmetry.
"""

import numpy as np

from ..analysis.groups import Group
from ..formulation import AXISYMMETRIC
from . import elements
from .law import PEELED

#: VTK cell types: facet type -> (vtk type, local node order into [opposite..., side...])
_VTK = {
    "line": (9, (0, 1, 3, 2)),                       # VTK_QUAD
    "line3": (30, (0, 1, 4, 3, 2, 5)),               # VTK_QUADRATIC_LINEAR_QUAD
    "triangle": (13, (0, 1, 2, 3, 4, 5)),            # VTK_WEDGE
    "triangle6": (13, (0, 1, 2, 6, 7, 8)),           # corners only
    "quad": (12, (0, 1, 2, 3, 4, 5, 6, 7)),          # VTK_HEXAHEDRON
    "quad8": (12, (0, 1, 2, 3, 8, 9, 10, 11)),       # corners only
}


class CohesiveInterface(Group):
    """Interface elements along one split boundary.

    spec : InterfaceSpec (validated case-file table); split : surgery.Split;
    params : law parameter array; initial : (n_el,) initial damage; thickness : depth of a
    plane model, mm (the default width of a 2D interface); form : formulation code
    """

    def __init__(self, spec, split, params, initial, thickness, form):
        self.spec = spec
        self.name = spec.name
        self.split = split
        self.p = params
        self.etype = split.etype
        self.k = self.etype.n_nodes
        self.conn = np.ascontiguousarray(np.hstack([split.opposite, split.side]), dtype=np.int64)
        self.mode = elements.SURFACE if split.mode == "surface" else elements.LINE3D
        self.qp, self.qw = elements.rule(self.etype, spec.integration)
        self.N, self.dN = self.etype.tabulate(self.qp)
        self.thickness = thickness
        self.form = form
        n_el, n_qp = len(self.conn), len(self.qw)
        self.d = np.repeat(initial[:, None], n_qp, axis=1).astype(float)
        self.dv = self.d.copy()
        self.d0 = self.d.copy()
        self._trial = None
        self._out = np.zeros((n_el, n_qp, 4))
        self._force = np.zeros(3)

    def follow(self, old, new):
        """A later split gave the side new copies ``new`` of nodes ``old`` (e.g. the shared
        node where this interface met the next bonded segment): use them on the side."""
        remap = dict(zip(np.asarray(old).tolist(), np.asarray(new).tolist()))
        side = self.split.side
        self.split.side = np.vectorize(lambda n: remap.get(int(n), int(n)), otypes=[np.int64])(side)
        self.conn = np.ascontiguousarray(np.hstack([self.split.opposite, self.split.side]),
                                         dtype=np.int64)

    # ------------------------------------------------------------------ setup
    def connectivity(self):
        return [self.conn]

    def attach(self, model):
        self.model = model
        self.layout = model.layout
        self.assembler = model.assembler
        self.dim = model.mesh.dim
        self.emap = model.assembler.element_map(self.conn)
        X = model.mesh.points[self.split.opposite]
        self.dL = elements.reference_measure(X, self.N, self.dN, self.qw)   # mm or mm^2
        if self.dim == 2 and self.form == AXISYMMETRIC:
            r = np.einsum("qk,ek->eq", self.N, X[..., 0])
            self.dA = self.dL * 2.0 * np.pi * r
        elif self.mode == elements.LINE3D or self.dim == 2:
            self.dA = self.dL * self.spec.width_or(self.thickness)
        else:
            self.dA = self.dL.copy()
        self.sign = np.asarray(self.split.sign, dtype=np.float64)
        self.N0 = (np.asarray(self.split.normal0, dtype=np.float64)
                   if self.split.normal0 is not None else np.zeros((len(self.conn), self.dim)))
        self.initial_peeled = self.d0 >= PEELED
        self.total = float(self.dL.sum())
        self.bonded = float(self.dL[~self.initial_peeled].sum())

    # ------------------------------------------------------------------ per iteration
    def _positions(self, u):
        U = self.layout.displacement(u)
        X = self.model.mesh.points
        k = self.k
        xo = X[self.conn[:, :k]] + U[self.conn[:, :k]]
        xs = X[self.conn[:, k:]] + U[self.conn[:, k:]]
        return np.ascontiguousarray(xo), np.ascontiguousarray(xs)

    def element_forces(self, u, dt=1.0, want_tangent=True):
        """Element vectors (n_el, 2k dim), exact matrices (n_el, 2k dim, 2k dim) and the trial
        state (d, dv, out) at the dof vector u, from the committed state."""
        xo, xs = self._positions(u)
        n_el, n_qp = self.d.shape
        nd = 2 * self.k * self.dim
        fe = np.zeros((n_el, nd))
        Ke = np.zeros((n_el, nd, nd) if want_tangent else (1, 1, 1))
        d_new = np.empty_like(self.d)
        dv_new = np.empty_like(self.d)
        out = np.empty((n_el, n_qp, 4))
        visc = self.spec.viscosity
        phi = dt / (visc + dt) if visc > 0.0 and dt > 0.0 else 1.0
        elements.interface_forces(xo, xs, self.N, self.dN, self.mode, self.sign, self.N0,
                                  self.dA, self.p, self.d, self.dv, phi, want_tangent,
                                  fe, Ke, d_new, dv_new, out)
        return fe, Ke, (d_new, dv_new, out)

    def evaluate(self, u, ctx, want_tangent, f, fabs, data):
        fe, Ke, trial = self.element_forces(u, ctx.dt, want_tangent)
        if not np.all(np.isfinite(fe)):
            return "interface forces are not finite (a facet collapsed?)"
        a = self.assembler
        a.scatter_vectors(fe, self.conn, self.dim, f)
        a.scatter_vectors(np.abs(fe), self.conn, self.dim, fabs)
        if want_tangent and data is not None:
            Ks = 0.5 * (Ke + Ke.transpose(0, 2, 1))
            a.scatter_matrices(Ks, self.conn, self.dim, self.emap, data)
        self._trial = (*trial, fe)
        return ""

    def commit(self):
        if self._trial is None:
            return
        self.d, self.dv, self._out, fe = self._trial
        k, dim = self.k, self.dim
        # resultant cohesive force on the side (N): the force pulling it off the opposite body
        self._force = fe[:, k * dim:].reshape(-1, k, dim).sum(axis=(0, 1))
        self._trial = None

    # ------------------------------------------------------------------ results
    def state(self):
        """Measures of the committed state (lengths in mm, or areas in mm^2 for surfaces)."""
        peeled = (self.dv >= PEELED) & ~self.initial_peeled
        damaged = (self.dv > 0.0) & ~self.initial_peeled
        length = float(self.dL[peeled].sum())
        out = self._out
        open_n = out[..., 0]
        tn = out[..., 2]
        ts = out[..., 3]
        return {
            "peeled": bool(peeled.any()),
            "peeled_measure": length,
            "peeled_fraction": length / self.bonded if self.bonded > 0 else 0.0,
            "damaged_measure": float(self.dL[damaged].sum()),
            "max_damage": float(self.dv[~self.initial_peeled].max(initial=0.0)),
            "max_opening": float(open_n.max(initial=0.0)),
            "max_sliding": float(out[..., 1].max(initial=0.0)),
            "max_normal_traction": float(tn.max(initial=0.0)),
            "max_shear_traction": float(ts.max(initial=0.0)),
        }

    def _measure_name(self):
        return "area" if (self.dim == 3 and self.mode == elements.SURFACE) else "length"

    def history(self):
        s = self.state()
        m = self._measure_name()
        out = {f"{self.name}.peeled_{m}": s["peeled_measure"],
               f"{self.name}.peeled_fraction": s["peeled_fraction"],
               f"{self.name}.max_damage": s["max_damage"],
               f"{self.name}.max_opening": s["max_opening"]}
        for c in range(self.dim):
            out[f"{self.name}.force_{'xyz'[c]}"] = float(self._force[c])
        return out

    def results(self):
        s = self.state()
        m = self._measure_name()
        unit = "mm^2" if m == "area" else "mm"
        return {"kind": "cohesive-interface",
                "boundary": self.spec.boundary,
                "side": list(self.spec.side),
                "opposite": list(self.split.opposite_regions),
                "elements": int(len(self.conn)),
                "peeled": s["peeled"],
                f"peeled_{m}": s["peeled_measure"],
                "peeled_fraction": s["peeled_fraction"],
                f"bonded_{m}": self.bonded,
                f"damaged_{m}": s["damaged_measure"],
                "max_damage": s["max_damage"],
                "max_opening": s["max_opening"],
                "max_sliding": s["max_sliding"],
                "max_normal_traction": s["max_normal_traction"],
                "max_shear_traction": s["max_shear_traction"],
                "force": [float(v) for v in self._force[:self.dim]],
                "units": {m: unit, "opening": "mm", "traction": "MPa", "force": "N"},
                "law": {"model": "bilinear (Camanho-Davila, BK)",
                        "stiffness": float(self.p[0]), "strength": self.spec.strength,
                        "shear_strength": self.spec.shear_strength,
                        "fracture_energy": self.spec.fracture_energy,
                        "shear_fracture_energy": self.spec.shear_fracture_energy,
                        "bk_exponent": self.spec.bk_exponent,
                        "viscosity": self.spec.viscosity}}

    def vtk(self, u):
        """One cell per interface element on its own points (both copies): a quad in 2D
        (quadratic-linear for line3 facets), a wedge or hexahedron in 3D, with the damage, the
        normal opening, the sliding (mm) and the normal / shear traction (MPa) averaged over
        the element as cell data."""
        vtk_type, order = _VTK[self.etype.name]
        conn = self.conn[:, list(order)]
        nodes, inverse = np.unique(conn, return_inverse=True)
        local = inverse.reshape(conn.shape)
        w = self.dL / np.maximum(self.dL.sum(axis=1, keepdims=True), 1e-300)
        out = self._out
        cd = {"damage": (w * self.dv).sum(axis=1),
              "opening": (w * out[..., 0]).sum(axis=1),
              "sliding": (w * out[..., 1]).sum(axis=1),
              "cohesive_traction": np.column_stack([(w * out[..., 2]).sum(axis=1),
                                                    (w * out[..., 3]).sum(axis=1)])}
        return nodes, [(vtk_type, local)], cd

"""A rigid planar platen acting on a mesh surface: an element group of the nonlinear analysis.

The platen adds one virtual node (its reference point on the plane) whose dofs are the
platen's translation u_p. Every surface node is paired with it; the pair's force is the
node's contact force A t (solver.contact.law) with its consistent tangent. Per step the
platen is

* displacement controlled: u_p is prescribed, ramped from its value at the start of the step
  to the step's ``displacement``; the reaction at u_p is the platen force;
* force controlled: u_p is free; the residual at u_p balances the sum of the contact forces
  against the step's ``force`` (ramped from the platen force at the start of the step).

Modes: ``contact`` (unilateral, frictionless or Coulomb), ``held`` (the surface follows the
platen in every direction: a vacuum chuck), ``released`` (contact while the platen moves
away; by default back to where it started).

Constraint enforcement: penalty plus augmentation. Within a Newton solve the multipliers
(and the stick/slip state) are fixed: an exact, symmetric tangent, so Newton converges
quadratically once the contact set settles (except while nodes slide, see law.py); after
it converges ``augment`` updates them and asks the analysis to solve the increment again
until the constraint error (penetration, held offset, stick slip, change of a sliding
node's traction) is below ``tolerance`` times the element depth under each node at every
node (Uzawa's algorithm). Which nodes are closed follows the Newton iterate for the first
FREEZE_AFTER iterations of a solve and is then frozen; the outer loop corrects a frozen node
that pulls or penetrates (an active-set step) and solves again. Grazing nodes (on the platen,
next to no pressure: a held sheet let go in place) would otherwise open and close from one
iteration to the next without end.

Release: a ``held`` platen switched to ``contact`` or ``released`` lets its hold go over the
step (its tractions ramped to zero as a load, as the analysis does with the reactions of a
removed support) while contact takes over, starting open; ``released`` without a motion
takes a displacement-controlled platen back to where it started and leaves a
force-controlled one where it floated (a release in place).

Sign conventions: ``force`` is the force the platen exerts on the body (N, global axes);
``normal_force`` = force . n, positive in compression; the gap is positive when open.
"""

import logging
import os

import numpy as np

from ..analysis.groups import Group
from ..errors import InputError
from ..formulation import AXISYMMETRIC
from . import law
from .surface import PressureRecovery, infer_normal, nodal_areas, node_depths_and_moduli
from .spec import AUTO_FACTOR

log = logging.getLogger(__name__)

#: augmentation passes per increment before the analysis accepts the state with a warning
MAX_AUGMENTATIONS = 30
#: tangent-only regularisation of a force-controlled platen (fraction of its full stiffness)
FORCE_STABILISATION = 1e-6
#: Newton iterations of a solve in which the contact state (open / closed) of every node
#: follows the iterate; after them it is frozen for the rest of the solve and only the outer
#: (augmentation) loop changes it
FREEZE_AFTER = 2
#: a held surface let go starts open: a node closes once it penetrates by more than this
#: fraction of the augmentation tolerance
RELEASE_MARGIN = 0.5
AXES = "xyz"
VTK_TYPES = {"line": 3, "line3": 21, "triangle": 5, "triangle6": 22, "quad": 9, "quad8": 23}


class PlatenGroup(Group):
    """One rigid platen (see the module docstring). spec : solver.contact.spec.PlatenSpec."""

    #: opt out of Newton's backtracking line search (read by the nonlinear analysis): its
    #: merit, the largest per-dof force ratio, sits near 1 at contact nodes far from
    #: equilibrium, so it backtracks good steps and makes contact solves crawl
    line_search = False

    def __init__(self, spec, case, mesh):
        self.spec = spec
        self.name = spec.name
        self.case_path = case.path
        self.where = f"{case.path}: {spec.where}"
        self.mesh = mesh
        self.dim = mesh.dim
        self.form = case.mesh.form
        self.axisymmetric = self.form == AXISYMMETRIC
        self.thickness = case.mesh.thickness if mesh.dim == 2 else 1.0
        self.boundary = mesh.boundaries[spec.surface]
        if spec.normal is not None:
            self.normal = np.array(spec.normal, dtype=float)
        else:
            self.normal = infer_normal(mesh, self.boundary, self.where)
            if self.axisymmetric and abs(self.normal[0]) > 1e-9:
                raise InputError(f"{self.where}.normal: surface '{spec.surface}' is not a "
                                 "plane z = const; an axisymmetric platen needs one")
            if self.axisymmetric:
                self.normal = np.array([0.0, np.sign(self.normal[1])])
        self._check_forces()
        self.nodes, self.A = nodal_areas(mesh.points, self.boundary, self.form, self.thickness)
        self.recovery = PressureRecovery(mesh.points, self.boundary, self.form, self.thickness)
        X = mesh.points[self.nodes]
        s = X @ self.normal
        s0 = s.min() - spec.gap
        self.g0 = s - s0                                  # initial normal gaps (>= gap)
        c = X.mean(axis=0)
        self.Xp = c + (s0 - c @ self.normal) * self.normal
        self.X = X
        n, dim = len(self.nodes), self.dim
        # committed state
        self.up = np.zeros(dim)              # platen displacement, mm
        self.force = np.zeros(dim)           # force of the platen on the body, N
        self.lam = np.zeros((n, dim))        # multipliers = converged tractions, MPa
        self.d = np.zeros((n, dim))          # relative displacement u - u_p, mm
        self.anchor = np.zeros((n, dim))     # held offset / stick anchor, mm
        self.gN = self.g0.copy()
        self.pN = np.zeros(n)                # normal traction of the law (multiplier scale)
        self.pressure = np.zeros(n)          # recovered contact pressure, MPa
        self.traction = np.zeros((n, dim))   # converged traction on the body, MPa
        self._p_scale = 0.0                  # largest normal traction so far, MPa
        self.status = np.zeros(n, dtype=np.int8)
        self.slipping = np.zeros(n, dtype=bool)   # frozen friction state (outer loop)
        self.mode = spec.steps[0].mode if spec.steps else "contact"
        self.records = []                    # per converged increment (history, plot)
        self._release = None                 # held tractions being let go (held -> contact)
        self._fraction = 0.0
        self.profiles = []                   # nodal state at the end of every step
        self._next = 0
        self._step = None
        self._trial = None
        self._vnode = None

    def _check_forces(self):
        for i, a in enumerate(self.spec.steps):
            if a.control == "force" and a.mode == "contact" and self.spec.friction == 0:
                v = np.array(a.value)
                tangential = v - (v @ self.normal) * self.normal
                if np.linalg.norm(tangential) > 1e-9 * max(np.linalg.norm(v), 1e-300):
                    raise InputError(f"{self.case_path}: steps[{i}].platens.{self.name}.force: "
                                     "a frictionless platen can only push along its normal "
                                     f"({', '.join(f'{c:.4g}' for c in self.normal)})")

    # ------------------------------------------------------------------ set-up
    def virtual_nodes(self):
        # the model appends these points right after this call: remember our node number
        self._vnode = self.mesh.n_nodes
        return self.Xp[None, :]

    def connectivity(self):
        return [np.column_stack([self.nodes, np.full(len(self.nodes), self._vnode)])]

    def attach(self, model):
        if model.virtual_nodes.get(self) is None or model.virtual_nodes[self][0] != self._vnode:
            raise RuntimeError(f"platen {self.name}: virtual node numbering out of step")
        self.model = model
        layout = model.layout
        dim = self.dim
        self.udofs = layout.dof0[self.nodes][:, None] + np.arange(dim)[None, :]
        self.pdofs = layout.dof0[self._vnode] + np.arange(dim)
        self.conn = self.connectivity()[0]
        self.emap = model.assembler.element_map(self.conn)
        h, E = node_depths_and_moduli(model, self.boundary, self.normal, self.where)
        self.h = h
        self.E = E
        self.k = np.full(len(self.nodes), self.spec.stiffness) if self.spec.stiffness \
            else AUTO_FACTOR * E / h
        self.tol = self.spec.tolerance * h
        log.info("platen %s: %d nodes on '%s', normal %s, area %.4g mm^2, penalty %.3g-%.3g "
                 "N/mm^3", self.name, len(self.nodes), self.spec.surface, self.normal,
                 self.A.sum(), self.k.min(), self.k.max())

    # ------------------------------------------------------------------ steps
    def _touching(self):
        return (self.gN <= self.tol) | (self.pN > 0)

    def supports(self):
        """Surface dofs this platen holds during the coming step (it is displacement
        controlled): all components when held or with friction, the normal components of a
        frictionless platen, only at nodes touching it. None for a force-controlled or
        released platen, which does not hold the body. (The platen's own prescribed dofs are
        left out: its reference point is connected to the body, and a frictionless platen
        does not hold the body sideways.)"""
        if self._next >= len(self.spec.steps):
            return np.zeros(0, dtype=np.int64)
        a = self.spec.steps[self._next]
        if a.control == "force" or a.mode == "released":
            return np.zeros(0, dtype=np.int64)
        out = [np.zeros(0, dtype=np.int64)]
        if a.mode == "held":
            out.append(self.udofs.ravel())
        else:
            touch = self._touching()
            comps = np.arange(self.dim) if self.spec.friction > 0 else \
                np.flatnonzero(np.abs(self.normal) > 1e-6)
            out.append(self.udofs[touch][:, comps].ravel())
        return np.concatenate(out).astype(np.int64)

    def begin_step(self, step_index, step):
        a = self.spec.steps[step_index]
        self._next = step_index + 1
        was_held = self.mode == "held" and self._step is not None
        self._step = step_index
        self._step_name = step.name
        self.action = a
        self.up_start = self.up.copy()
        self.force_start = self.force.copy()
        if not (a.mode == "held" and was_held):
            self.anchor = self.d.copy()      # tie (held) or stick (friction) from here on
        self._release = None
        if was_held and a.mode != "held":
            # the vacuum is switched off over the step: the held tractions decay linearly
            # to zero while unilateral contact takes over, so a body stretched by the chuck
            # springs back gradually, not in one jump. Contact starts open at every node:
            # its multipliers start where a node closes only once it penetrates by
            # RELEASE_MARGIN of the tolerance beyond where the hold left it. (From zero
            # multipliers, the hold's own offsets, up to the tolerance, would be pressed out
            # at once, and the nodes the hold left on the platen, open or closed by
            # round-off, would start the Newton iterations glued to it.) The first update of
            # the outer loop replaces them by the law's (non-negative) pressures.
            self._release = self.lam.copy()
            start = self.k * np.minimum(self.gN - RELEASE_MARGIN * self.tol, 0.0)
            self.lam = start[:, None] * self.normal[None, :]
            self.slipping[:] = False
        self.mode = a.mode
        self._step_augmentations = 0
        if a.control == "force" and a.mode != "held" and not np.any(self._touching()):
            raise InputError(
                f"{self.case_path}: steps[{step_index}].platens.{self.name}: the platen is "
                f"force controlled but does not touch surface '{self.spec.surface}' at the "
                f"start of step '{step.name}' (smallest gap {self.gN.min():.4g} mm); bring it "
                "into contact first (a displacement-controlled step, or gap = 0)")

    def prescribed(self, ctx):
        """Platen motion of the increment (displacement control); resets the multipliers
        of a retried increment to the converged ones."""
        self._lam_trial = self.lam.copy()
        self._slip_trial = self.slipping.copy()
        self._update = None
        self._augmentations = 0
        self._closed = None       # frozen contact state (None: follows the iterate)
        self._evals = 0           # Newton iterations of the current solve
        lam_ = ctx.fraction
        self._fraction = lam_
        a = self.action
        if a.control == "displacement":
            end = self.up_start if a.value is None else np.array(a.value)
            target = self.up_start + lam_ * (end - self.up_start)
            self._applied = None
            return self.pdofs, target
        self._applied = self.force_start + lam_ * (np.array(a.value) - self.force_start)
        if self.axisymmetric:  # no radial rigid motion in axisymmetry
            return self.pdofs[:1], np.zeros(1)
        return np.zeros(0, dtype=np.int64), np.zeros(0)

    # ------------------------------------------------------------------ forces
    def _law(self, u, closed=None):
        self._up_trial = u[self.pdofs].copy()
        d = u[self.udofs] - self._up_trial[None, :]
        out = law.tractions(self.mode == "held", d, self.g0, self.normal, self.k,
                            self._lam_trial, self.anchor, self.spec.friction, self._slip_trial,
                            closed=closed)
        return d, out

    def evaluate(self, u, ctx, want_tangent, f, fabs, data):
        if want_tangent and self.mode != "held":
            # a Newton iteration. The contact state follows the iterate for FREEZE_AFTER
            # iterations (semi-smooth Newton), then it is frozen for the rest of the solve:
            # a frozen closed node may pull, a frozen open one penetrate, and the outer loop
            # (augment) corrects them and solves again. Nodes lying on the platen with next
            # to no pressure (a thin sheet let go in place) otherwise open and close from one
            # iteration to the next and Newton never settles.
            self._evals += 1
            if self._closed is None and self._evals > FREEZE_AFTER:
                self._closed = self._law(u)[1][4] > 0
        d, (t, C, gN, pN, status) = self._law(u, self._closed)
        fn = self.A[:, None] * (t + self._letting_go())  # force on the body nodes, N
        f[self.udofs] -= fn                              # surface nodes are unique
        fabs[self.udofs] += np.abs(fn)
        total = fn.sum(axis=0)
        f[self.pdofs] += total
        fabs[self.pdofs] += np.abs(fn).sum(axis=0)
        if self._applied is not None:
            f[self.pdofs] -= self._applied
            fabs[self.pdofs] += np.abs(self._applied)
        if want_tangent:
            dim = self.dim
            AC = self.A[:, None, None] * C
            Ke = np.empty((len(self.nodes), 2 * dim, 2 * dim))
            Ke[:, :dim, :dim] = AC
            Ke[:, :dim, dim:] = -AC
            Ke[:, dim:, :dim] = -AC
            Ke[:, dim:, dim:] = AC
            if self._applied is not None:   # keep the free platen's block regular
                full = (self.A * self.k).sum()
                extra = FORCE_STABILISATION * full * np.eye(dim)
                if self.mode != "held" and not np.any(status):
                    # nothing touches: step as if every node did (modified Newton)
                    extra = extra + full * np.outer(self.normal, self.normal)
                Ke[0, dim:, dim:] += extra
            self.model.assembler.scatter_matrices(Ke, self.conn, dim, self.emap, data)
        self._trial = (d, t, gN, pN, status)
        return ""

    def _letting_go(self):
        """Tractions (n, dim) MPa of a held surface being let go in this step, or 0."""
        if self._release is None:
            return 0.0
        return (1.0 - self._fraction) * self._release

    def augment(self, u, ctx):
        """Uzawa update after a converged solve; True: solve the increment again."""
        d, (t, C, gN, pN, status) = self._law(u, self._closed)
        self._trial = (d, t, gN, pN, status)
        t_new, slipping, err = law.update(self.mode == "held", d, self.g0, self.normal, self.k,
                                          self._lam_trial, self.anchor, self.spec.friction,
                                          self._slip_trial)
        self._update = (t_new, slipping)
        if self._closed is not None:
            # a frozen contact state: also the tractions the solve balanced must be the
            # law's (no pull at a closed node, no penetration at an open one)
            err = np.maximum(err, np.linalg.norm(t_new - t, axis=1) / self.k)
        if log.isEnabledFor(logging.DEBUG):
            w = int(np.argmax(err / self.tol))
            log.debug("platen %s: pass %d, constraint error %.3g x tolerance at node %d, %d "
                      "sliding, %d changed state", self.name, self._augmentations,
                      err[w] / self.tol[w], w, int(slipping.sum()),
                      int((slipping != self._slip_trial).sum()))
        if np.all(err <= self.tol):
            return False
        if self._augmentations >= MAX_AUGMENTATIONS:
            worst = int(np.argmax(err / self.tol))
            log.warning("platen %s: augmentation stopped after %d passes; constraint error %.3g "
                        "mm at node (%s), tolerance %.3g mm", self.name, self._augmentations,
                        err[worst], ", ".join(f"{c:.4g}" for c in self.X[worst]), self.tol[worst])
            return False
        self._lam_trial = t_new
        self._slip_trial = slipping
        self._closed = None      # the next solve starts with the state following the iterate
        self._evals = 0
        self._augmentations += 1
        self._step_augmentations += 1
        return True

    def commit(self):
        d, t, gN, pN, status = self._trial   # t: the tractions the equations balanced
        if self._update is not None:         # next multipliers: the last outer update
            lam, slipping = self._update
        else:
            lam, slipping = t, status == law.SLIP
        self.lam = lam.copy()
        self.d = d
        if self.mode != "held":
            self.anchor = d.copy()
        closed = status > 0
        self.slipping = slipping & closed
        self.status = np.where(closed, np.where(self.slipping, law.SLIP, law.STICK),
                               law.OPEN).astype(np.int8)
        self.gN, self.pN = gN, pN
        t_all = t + self._letting_go()
        self.traction = t_all
        self.pressure = self.recovery(self.A * (t_all @ self.normal))
        self.up = self._up_trial.copy()
        self.force = (self.A[:, None] * t_all).sum(axis=0)
        if self.axisymmetric:
            self.force[0] = 0.0   # radial tractions have no resultant in axisymmetry
        self.records.append(self._record())

    def _record(self):
        closed = self.status > 0
        self._p_scale = max(self._p_scale, float(np.abs(self.pN).max(initial=0.0)))
        touching = closed & (self.pN > 1e-9 * self._p_scale) if self.mode != "held" else closed
        rec = {"step": self._step, "step_name": self._step_name, "mode": self.mode,
               "displacement": self.up.copy(), "force": self.force.copy(),
               "normal_force": float(self.force @ self.normal),
               "gap": float(self.gN.min()),
               "contact_nodes": int(touching.sum()),
               "contact_area": float(self.A[touching].sum()),
               "max_pressure": float(self.pressure.max(initial=0.0)),
               "sliding_nodes": int((self.status == law.SLIP).sum()),
               "augmentations": self._augmentations}
        return rec

    def history(self):
        r = self.records[-1]
        out = {}
        p = self.name
        for c in range(self.dim):
            out[f"{p}.displacement_{AXES[c]}"] = float(r["displacement"][c])
        for c in range(self.dim):
            out[f"{p}.force_{AXES[c]}"] = float(r["force"][c])
        out[f"{p}.normal_force"] = r["normal_force"]
        out[f"{p}.gap"] = r["gap"]
        out[f"{p}.contact_nodes"] = r["contact_nodes"]
        out[f"{p}.contact_area"] = r["contact_area"]
        out[f"{p}.max_pressure"] = r["max_pressure"]
        if self.spec.friction > 0:
            out[f"{p}.sliding_nodes"] = r["sliding_nodes"]
        out[f"{p}.augmentations"] = r["augmentations"]
        return out

    def results(self):
        r = self.records[-1] if self.records else self._record()
        fn = self.A * np.maximum(self.pN, 0.0)
        centre = (fn @ (self.X + self.d + self.up)) / fn.sum() if fn.sum() > 0 else None
        # in-memory nodal state at the end of every step (tests, post-processing scripts)
        self.profiles.append({"step": self._step, "x": self.X + self.d + self.up,
                              "pressure": self.pressure.copy(), "area": self.A.copy(),
                              "force": self.A[:, None] * self.traction,
                              "gap": self.gN.copy(), "status": self.status.copy()})
        moved = np.any(self.up != self.up_start)
        if self.mode == "released" and moved and r["contact_nodes"]:
            # (a platen let go in place may well still carry the body where it pushes up)
            log.warning("platen %s: released at the end of step '%s' but %d node(s) still touch "
                        "it", self.name, self._step_name, r["contact_nodes"])
        out = {"mode": self.mode, "control": self.action.control,
               "surface": self.spec.surface, "normal": self.normal.tolist(),
               "displacement": r["displacement"].tolist(), "force": r["force"].tolist(),
               "normal_force": r["normal_force"], "contact_area": r["contact_area"],
               "contact_nodes": r["contact_nodes"], "min_gap": r["gap"],
               "max_penetration": float(max(0.0, -self.gN.min())) if self.mode != "held" else 0.0,
               "max_pressure": r["max_pressure"],
               "centre_of_pressure": centre.tolist() if centre is not None else None,
               "augmentations": self._step_augmentations}
        if self.spec.friction > 0:
            out["friction"] = self.spec.friction
            out["sliding_nodes"] = r["sliding_nodes"]
        return out

    def vtk(self, u):
        # one cell block per facet block; the cell data run over the blocks in order
        cells = [(VTK_TYPES[etype.name], np.searchsorted(self.nodes, conn))
                 for etype, conn in self.boundary.facets]
        pressure = np.concatenate([self.pressure[idx].mean(axis=1) for _, idx in cells])
        gap = np.concatenate([self.gN[idx].mean(axis=1) for _, idx in cells])
        return (self.nodes, cells, {"contact_pressure": pressure, "contact_gap": gap})

    def finish(self, outdir):
        """Write <name>-force.png: platen force against platen displacement."""
        if not self.records or not self.model.case.output.plots:
            return None
        from .plot import plot_platen

        return plot_platen(self, os.path.join(outdir, f"{_safe(self.name)}-force.png"))


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)

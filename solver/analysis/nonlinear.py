"""Nonlinear static analysis: finite strain, nonlinear materials, automatic increments.

Each step ramps loads, prescribed displacements and temperature linearly in time from their
values at the end of the previous step; time advances by increments chosen by
IncrementController, each solved by Newton. A step that cannot converge after the allowed
cutbacks raises ConvergenceError; every converged increment is already written.

A displacement constraint of the previous step that a step no longer has (a release) is not
dropped at once: its reaction at the end of the previous step is applied as an external force
scaled by (1 - lambda) over the step, so the release is a smooth load path that the increment
control can cut back (as Abaqus ramps the reactions of removed boundary conditions down).

An increment in which a fusible element's temperature crosses its solidus or liquidus ends at
the crossing (ContinuumBlock.prepare returns where), so that the element changes phase at the
start of the next increment in its configuration at the crossing.
"""

import dataclasses
import logging
import time

import numpy as np

from .. import bcs, post
from ..errors import ConvergenceError
from ..io.results import Increment
from ..solvers.linear import LinearSolver, SingularSystemError
from ..solvers.newton import NewtonSettings, newton
from ..solvers.stepping import IncrementController
from .continuum import ContinuumBlock, choose_formulation
from .groups import Context
from .static import _reaction, probe_values, reaction_columns

log = logging.getLogger(__name__)


class NonlinearAnalysis:
    """Runs the steps of a case with Newton iterations; hands increments to a writer."""

    def __init__(self, model, writer, progress):
        self.model = model
        self.writer = writer
        self.progress = progress
        case = model.case
        a = model.assembler
        regions = model.mesh.regions
        self.blocks = [ContinuumBlock(model, k, choose_formulation(
            model, k, case.elements.get(regions[b.region])),
            active=regions[b.region] not in case.inactive)
            for k, b in enumerate(model.mesh.blocks)]
        self.solver = LinearSolver.for_model(model, case.solver.linear, rtol=case.solver.rtol,
                                             definite=False)
        s = case.solver
        self.settings = NewtonSettings(max_iterations=s.max_iterations, tolerance=s.tolerance,
                                       # groups may opt out (platens: measured 2 % more
                                       # iterations with it)
                                       line_search=s.line_search and all(
                                           getattr(g, "line_search", True) for g in model.groups),
                                       length_scale=float(np.ptp(model.mesh.points, axis=0).max()),
                                       convergence=s.convergence,
                                       energy_tolerance=s.energy_tolerance)
        self.timings = {"assembly": 0.0, "solve": 0.0, "stress": 0.0, "output": 0.0}
        self.solver_calls = 0
        for blk in self.blocks:
            log.info("block %d: %s", blk.k, blk.describe())

    # ------------------------------------------------------------------ system
    def _system(self, T, ctx, f_ext):
        a = self.model.assembler
        groups = self.model.groups

        def system(u, want_tangent):
            t0 = time.perf_counter()
            f = np.zeros(a.n_dof)
            fabs = np.zeros(a.n_dof)
            data = a.shared_matrix_data() if want_tangent else None
            # forces only (line-search trials): the kernels want an array, never touched
            kdata = data if want_tangent else _NO_MATRIX
            reason = ""
            for blk, Tb in zip(self.blocks, T):
                status = blk.evaluate(u, Tb, ctx.dt, want_tangent, f, fabs, kdata)
                if status:
                    reason = _REASONS[status] + f" ({blk.describe()})"
                    break
            for g in groups if not reason else ():
                reason = g.evaluate(u, ctx, want_tangent, f, fabs, data)
                if reason:
                    reason = f"{g.name}: {reason}"
                    break
            self.timings["assembly"] += time.perf_counter() - t0
            if reason:
                return None, None, None, reason
            return f - f_ext, fabs + np.abs(f_ext), data, ""
        return system

    def _with_group_dofs(self, fixed, target, ctx):
        """Step displacements plus the dofs groups prescribe (platen motion ...)."""
        dofs, values = [fixed], [target]
        for g in self.model.groups:
            d, v = g.prescribed(ctx)
            if len(d):
                dofs.append(np.asarray(d, dtype=np.int64))
                values.append(np.asarray(v, dtype=float))
        if len(dofs) == 1:
            return fixed, target
        d = np.concatenate(dofs)
        v = np.concatenate(values)
        u_, idx = np.unique(d, return_index=True)
        return u_, v[idx]

    def _augment(self, system, res, ctx, fixed, target, max_passes=50):
        """Uzawa outer loop: while a group updates its multipliers after a converged solve
        (platen contact), solve the increment again from the converged state. These solves
        take full Newton steps: a multiplier update is a small change of a converged state."""
        passes = 0
        settings = dataclasses.replace(self.settings, line_search=False)
        while res.converged and passes < max_passes and \
                any([g.augment(res.u, ctx) for g in self.model.groups]):
            passes += 1
            before = res.iterations
            res = newton(system, res.u, fixed, target, self._solve, settings,
                         load_scale=self._load_scale)
            res.iterations += before
        return res

    def _context(self, si, step, t_total, t0, t1):
        m = self.model
        lam = t1 / step.duration

        def temperature(x, region=None):
            return ((1 - lam) * m.temperature_at(step.temperature_start, x, region)
                    + lam * m.temperature_at(step.temperature_end, x, region))
        return Context(si, lam, t_total + t1, t1 - t0, temperature)

    def _solve(self, data, rhs, fixed, values):
        try:
            du, info = self.solver.solve(data, rhs, fixed, values)
        except SingularSystemError as exc:
            raise _SingularTangent(str(exc)) from None
        self.timings["solve"] += info["seconds"]
        self.solver_calls += 1
        self._last_solver = info
        return du

    def _prepare_blocks(self, step, T0, T1, t0, t1):
        """Activation state of every block for the increment (t0, t1) of ``step`` (T0, T1:
        per-block temperatures at the step's start and end); returns the increment's end, cut
        back to where a fusible element first reaches its solidus or liquidus, so that it
        changes phase at the start of the next increment in the configuration of that moment
        (an increment controller's event: the controller's increment size is kept)."""
        d = step.duration
        lam0, lam1 = t0 / d, t1 / d
        first = t0 == 0.0
        s = 1.0
        for blk, a_, b_ in zip(self.blocks, T0, T1):
            region = self.model.mesh.regions[blk.block.region]
            s = min(s, blk.prepare((1 - lam0) * a_ + lam0 * b_, (1 - lam1) * a_ + lam1 * b_,
                                   activate=first and region in step.activate,
                                   deactivate=first and region in step.deactivate))
        if s < 1.0:
            cut = t0 + s * (t1 - t0)
            log.info("step %s: increment (%.6g, %.6g) ends at %.6g where a fusible region "
                     "reaches its solidus or liquidus", step.name, t0, t1, cut)
            t1 = cut
        return t1

    # ------------------------------------------------------------------ steps
    def run(self):
        m = self.model
        case = m.case
        u = np.zeros(m.layout.n_dof)
        f_prev = np.zeros(m.layout.n_dof)
        t_total = 0.0
        fixed_prev = np.zeros(0, dtype=np.int64)
        R_prev = None     # out-of-balance forces (reactions at fixed dofs) at the last converged state
        s = case.solver
        for si, step in enumerate(case.steps):
            t_step = time.perf_counter()
            cons = bcs.constraints(step.fix, m.mesh, m.layout, case.path)
            fixed, values = bcs.merged(cons)
            m.check_held(fixed)
            f_end = bcs.load_vector(step.loads, m.mesh, m.layout, m.form, m.thickness, case.path)
            T0 = m.temperature_at_qp(step.temperature_start)
            T1 = m.temperature_at_qp(step.temperature_end)
            P0 = m.temperature_at_points(step.temperature_start)
            P1 = m.temperature_at_points(step.temperature_end)
            u_start = u[fixed].copy()
            # released constraints: their reactions, ramped down to zero over the step
            released = np.setdiff1d(fixed_prev, fixed)
            f_release = np.zeros(m.layout.n_dof)
            if len(released) and R_prev is not None:
                f_release[released] = R_prev[released]
                log.info("step %s: %d constraint(s) released, reactions ramped down "
                         "(largest %.3g N)", step.name, len(released),
                         float(np.abs(f_release).max()))
            for g in m.groups:
                g.begin_step(si, step)
            d = step.duration
            ctrl = IncrementController(d, d / step.increments, d * step.min_increment,
                                       d * step.max_increment, cutback=s.cutback,
                                       growth=s.growth, easy_iterations=s.easy_iterations,
                                       easy=s.easy_increments)
            self.progress.start_step(step.name, step.increments)
            n_inc = 0
            record_iterations = []
            result = None
            R = None
            while not ctrl.done:
                t0, t_next = ctrl.next()
                t1 = self._prepare_blocks(step, T0, T1, t0, t_next)
                lam = t1 / d
                T = [(1 - lam) * a + lam * b for a, b in zip(T0, T1)]
                f_ext = f_prev + lam * (f_end - f_prev) + (1 - lam) * f_release
                free = np.ones(m.layout.n_dof, dtype=bool)
                free[fixed] = False
                self._load_scale = float(np.linalg.norm(f_ext[free]))
                target = u_start + lam * (values - u_start)
                ctx = self._context(si, step, t_total, t0, t1)
                all_fixed, all_target = self._with_group_dofs(fixed, target, ctx)
                try:
                    system = self._system(T, ctx, f_ext)
                    res = newton(system, u, all_fixed, all_target, self._solve, self.settings,
                                 load_scale=self._load_scale)
                    res = self._augment(system, res, ctx, all_fixed, all_target)
                except _SingularTangent as exc:
                    res = None
                    reason = f"singular tangent ({exc})"
                if res is not None and res.converged:
                    u = res.u
                    R = res.reaction
                    for blk in self.blocks:
                        blk.commit()
                    history = reaction_columns(cons, R, m)
                    for g in m.groups:
                        g.commit()
                        history.update(g.history())
                    ctrl.converged(t1, res.iterations)
                    n_inc += 1
                    record_iterations.append(res.iterations)
                    last_newton = res
                    last = ctrl.done
                    result = self._output(si, step, n_inc, t_total + t1, lam, u, P0, P1, res, last,
                                          history)
                    self.progress.increment(min(n_inc, step.increments))
                    continue
                reason = res.reason if res is not None else reason
                log.info("step %s: increment at t=%.4g (dt=%.3g) failed: %s", step.name, t1,
                         t1 - t0, reason)
                if not ctrl.failed(t1 - t0 if t1 < t_next else None):
                    self.progress.end_step()
                    raise ConvergenceError(
                        f"step '{step.name}' did not converge at time {t0:.6g} of {d:g} s "
                        f"({lam * 100:.1f} % of the step) after {ctrl.cutbacks} cutbacks: "
                        f"{reason}. The {n_inc} converged increment(s) are written; try more "
                        "increments, a smaller min_increment, or check supports and loads")
            reactions = {c.label: _reaction(c, R, m) for c in cons}
            fields = self.writer.nodal_fields(result)
            record = {"name": step.name, "increments": n_inc,
                      "iterations": record_iterations,
                      # the Newton sequences of the step's last increment
                      "newton": {"force_ratio": last_newton.residuals,
                                 "residual_norm": last_newton.norms,
                                 "energy": last_newton.energies,
                                 "line_searches": last_newton.line_searches},
                      "time": t_total + d,
                      "probes": probe_values(m, result, fields),
                      "regions": post.region_extremes(m.mesh, m.view, fields["stress"]),
                      "reactions": reactions,
                      "max_displacement": float(np.abs(fields["displacement"]).max()),
                      "seconds": time.perf_counter() - t_step,
                      "elements": {m.mesh.regions[b.block.region]: b.formulation
                                   for b in self.blocks}}
            for g in m.groups:
                record.setdefault("groups", {})[g.name] = g.results()
            if m.reports:
                record["reports"] = _report_record(m, fields, u, step.name)
            self.writer.step_done(record)
            self.progress.end_step()
            t_total += d
            f_prev = f_end
            fixed_prev, R_prev = fixed, R

    def _output(self, si, step, n_inc, time_now, lam, u, P0, P1, res, last, history):
        t = time.perf_counter()
        extra = {}
        if any(not b.epoch.active.all() for b in self.blocks) or \
                any(b.melting is not None or not b.plain for b in self.blocks):
            extra["active"] = [b.active_field() for b in self.blocks]
        # material state worth seeing: (output name, model key, state column)
        for name, key, col in (("network_fraction", "two-network", 0),
                               ("equivalent_plastic_strain", "j2-plastic", 9)):
            if any(getattr(b.material, "key", "") == key for b in self.blocks):
                extra[name] = [b.state_field(col) if getattr(b.material, "key", "") == key
                               else np.zeros(b.shape) for b in self.blocks]
        inc = Increment(si, step.name, n_inc, time_now, lam, u, (1 - lam) * P0 + lam * P1,
                        [b.log_strain_voigt() for b in self.blocks],
                        [b.cauchy_voigt() for b in self.blocks],
                        res.iterations, res.residuals[-1] if res.residuals else 0.0,
                        getattr(self, "_last_solver", None), extra=extra)
        inc.groups = [g.vtk(u) for g in self.model.groups]
        due = last or (n_inc % max(1, self.model.case.output.every) == 0)
        fields = None
        if self.model.reports:
            fields = self.writer.nodal_fields(inc)
            history = dict(history, **self.model.evaluate_reports(fields, u))
        inc.history = history
        self.writer.increment(inc, write_vtk=due, fields=fields)
        self.timings["output"] += time.perf_counter() - t
        return inc


def _report_record(model, fields, u, step_name):
    """{report name: {quantity: value}} for summary.json, at the end of step ``step_name``."""
    out = {}
    for key, v in model.evaluate_reports(fields, u).items():
        name, q = key.split(".", 1)
        out.setdefault(name, {})[q] = v
    for rep in model.reports:
        rep.end_step(step_name)
    return out


_NO_MATRIX = np.zeros(0)


class _SingularTangent(Exception):
    pass


_REASONS = {1: "an element turned inside out (J <= 0)",
            2: "the material update failed"}

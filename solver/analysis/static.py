"""Linear static thermoelastic analysis, step after step.

Each increment solves K(T) u = f_ext - f_int(u = 0, T): the internal force at zero
displacement carries the thermal load. Loads, prescribed displacements and temperatures ramp
linearly over a step from their values at the end of the previous step.
"""

import logging
import time

import numpy as np

from .. import bcs, post
from ..errors import ConvergenceError
from ..io.results import Increment
from ..solvers.linear import LinearSolver, SingularSystemError

log = logging.getLogger(__name__)


class StaticAnalysis:
    """Runs the steps of a case on a Model and hands converged increments to a writer."""

    def __init__(self, model, writer, progress):
        self.model = model
        self.writer = writer
        self.progress = progress
        self.solver = LinearSolver.for_model(model, model.case.solver.linear,
                                             rtol=model.case.solver.rtol)
        self.timings = {"assembly": 0.0, "solve": 0.0, "stress": 0.0, "output": 0.0}

    def run(self):
        m = self.model
        case = m.case
        u = np.zeros(m.layout.n_dof)
        f_prev = np.zeros(m.layout.n_dof)
        t_total = 0.0
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
            self.progress.start_step(step.name, step.increments)
            solver_stats = []
            for inc in range(1, step.increments + 1):
                lam = inc / step.increments
                T = [(1 - lam) * a + lam * b for a, b in zip(T0, T1)]
                f_ext = f_prev + lam * (f_end - f_prev)
                u_fix = u_start + lam * (values - u_start)
                u, eps, sig, f_int, info = self.solve_increment(T, f_ext, fixed, u_fix, step.name,
                                                                inc)
                residual = self._residual(f_int, f_ext, fixed)
                solver_stats.append(info)
                t_now = t_total + lam * step.duration
                t_out = time.perf_counter()
                result = Increment(si, step.name, inc, t_now, lam, u,
                                   (1 - lam) * P0 + lam * P1, eps, sig, 1, residual, info)
                fields = None
                result.history = reaction_columns(cons, f_int - f_ext, m)
                if m.reports:
                    fields = self.writer.nodal_fields(result)
                    result.history.update(m.evaluate_reports(fields, u))
                fields = self.writer.increment(result, fields=fields)
                self.timings["output"] += time.perf_counter() - t_out
                self.progress.increment(inc)
            reactions = {c.label: _reaction(c, f_int - f_ext, m) for c in cons}
            if fields is None:
                fields = self.writer.nodal_fields(result)
            record = {"name": step.name, "increments": step.increments,
                      "time": t_total + step.duration,
                      "probes": probe_values(m, result, fields),
                      "regions": post.region_extremes(m.mesh, m.view, fields["stress"]),
                      "reactions": reactions,
                      "max_displacement": float(np.abs(fields["displacement"]).max()),
                      "equilibrium_residual": residual,
                      "solver": solver_stats,
                      "seconds": time.perf_counter() - t_step}
            if m.reports:
                from .nonlinear import _report_record

                record["reports"] = _report_record(m, fields, u, step.name)
            self.writer.step_done(record)
            self.progress.end_step()
            t_total += step.duration
            f_prev = f_end

    def solve_increment(self, T, f_ext, fixed, u_fix, step_name, inc):
        """Assemble at temperatures T, solve, recover strain, stress and internal force."""
        m = self.model
        a = m.assembler
        t0 = time.perf_counter()
        data = a.shared_matrix_data()
        f0 = np.zeros(a.n_dof)
        zero = np.zeros(a.n_dof)
        for k in range(len(m.mesh.blocks)):
            a.add_stiffness(data, k, m.tangent(k, T[k]))
            sig0 = m.stress(k, a.strain(k, zero), T[k])
            a.add_internal_force(f0, k, sig0)
        self.timings["assembly"] += time.perf_counter() - t0
        try:
            u, info = self.solver.solve(data, f_ext - f0, fixed, u_fix)
        except SingularSystemError as exc:
            m.check_held(fixed)  # names the floating body when there is one
            raise ConvergenceError(f"step '{step_name}', increment {inc}: the stiffness matrix "
                                   f"is singular ({exc}); check supports and material data") from None
        self.timings["solve"] += info["seconds"]
        t0 = time.perf_counter()
        eps, sig = [], []
        f_int = np.zeros(a.n_dof)
        for k in range(len(m.mesh.blocks)):
            e = a.strain(k, u)
            s = m.stress(k, e, T[k])
            a.add_internal_force(f_int, k, s)
            eps.append(m.output_strain(k, e, T[k]))
            sig.append(s)
        self.timings["stress"] += time.perf_counter() - t0
        return u, eps, sig, f_int, info

    @staticmethod
    def _residual(f_int, f_ext, fixed):
        """Relative out-of-balance force at the free dofs."""
        r = f_int - f_ext
        free = np.ones(len(r), dtype=bool)
        free[fixed] = False
        scale = max(np.abs(f_ext).max(initial=0.0), np.abs(f_int).max(initial=0.0), 1e-30)
        return float(np.abs(r[free]).max(initial=0.0) / scale)


def _reaction(constraint, r, model):
    """Reaction force components (N) summed over a constraint's nodes."""
    layout = model.layout
    nodes = np.unique(np.searchsorted(layout.dof0, constraint.dofs, side="right") - 1)
    return [float(r[layout.dofs(nodes, c)].sum()) for c in range(layout.dim)]


def reaction_columns(constraints, r, model):
    """history.csv columns of one increment: ``reaction.<label>.x|y|z`` (N) per constraint."""
    return {f"reaction.{c.label}.{'xyz'[k]}": v for c in constraints
            for k, v in enumerate(_reaction(c, r, model))}


def probe_values(model, result, fields):
    """Probe values at the end of a step: name -> list of components."""
    out = {}
    mesh = model.mesh
    for p in model.case.probes:
        loc = post.locate(mesh, p.point, p.region, f"{model.case.path}: probes.{p.name}.point")
        conn = dict(model.view.blocks)[loc.block]
        N, _ = mesh.blocks[loc.block].etype.tabulate(loc.xi[None])
        pts = conn[loc.element]
        key = {"displacement": "displacement", "stress": "stress", "temperature": "temperature",
               "von-mises": "von_mises", "strain": "strain"}[p.field]
        v = N[0] @ fields[key][pts]
        out[p.name] = np.atleast_1d(v).tolist()
    return out


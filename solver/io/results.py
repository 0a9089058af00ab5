"""Result files of a run: .vtu per output increment, .pvd, history.csv, summary.json.

Every file is replaced atomically after each converged increment (the summary after each
step), so what a failed run leaves behind is readable and complete up to the failure.
"""

import csv
import io
import json
import logging
import os
from dataclasses import dataclass

import numpy as np

from .. import __version__, post
from ..materials.voigt import principal, von_mises
from .atomic import write_text
from .vtk import write_vtu, write_pvd

log = logging.getLogger(__name__)

HISTORY_COLUMNS = ("step", "step_name", "increment", "time", "step_fraction", "iterations",
                   "residual", "max_displacement", "linear_solver", "solve_seconds")


@dataclass(eq=False)
class Increment:
    """A converged increment.

    u : (n_dof,) mm; temperature_points : (n_out,) deg C at output points
    eps, sig : lists per block of (n_el, n_qp, 6); fields : extra point data
    """

    step: int
    step_name: str
    increment: int
    time: float
    fraction: float
    u: np.ndarray
    temperature_points: np.ndarray
    eps: list
    sig: list
    iterations: int = 1
    residual: float = 0.0
    solver: dict = None
    extra: dict = None    # name -> list per block of (n_el, n_qp) quadrature values
    groups: list = None   # per group: (mesh nodes, [(vtk_type, conn)], cell data) or None
    history: dict = None  # extra history.csv columns (platen force, gap ...)


class ResultWriter:
    """Writes the outputs of one run into ``outdir`` with file names starting ``stem``."""

    def __init__(self, outdir, stem, model, write_vtk=True):
        os.makedirs(outdir, exist_ok=True)
        self.outdir = outdir
        self.stem = stem
        self.model = model
        self.write_vtk = write_vtk
        self.pvd_entries = []
        self.history = []
        self.steps = []
        self.files = []

    # ------------------------------------------------------------------ per increment
    def nodal_fields(self, inc):
        """Point data at output points: displacement, temperature, strain, stress, ..."""
        m = self.model
        view = m.view
        disp = m.layout.displacement(inc.u)[view.nodes]
        if disp.shape[1] == 2:
            disp = np.column_stack([disp, np.zeros(len(disp))])
        sig = view.average(m.mesh, post.extrapolate(m.mesh, inc.sig))
        eps = view.average(m.mesh, post.extrapolate(m.mesh, inc.eps))
        fields = {"displacement": disp, "temperature": inc.temperature_points, "strain": eps,
                  "stress": sig, "von_mises": von_mises(sig), "principal_stress": principal(sig)}
        for name, per_block in (inc.extra or {}).items():
            nodal = post.extrapolate(m.mesh, [v[..., None] for v in per_block])
            fields[name] = view.average(m.mesh, nodal)[:, 0]
        return fields

    def increment(self, inc, write_vtk=True, fields=None):
        """Record a converged increment: history row, and a .vtu plus .pvd when asked.

        fields : point data already computed for this increment (else computed if needed)."""
        umax = float(np.abs(self.model.layout.displacement(inc.u)).max(initial=0.0))
        solver = inc.solver or {}
        self.history.append({"step": inc.step + 1, "step_name": inc.step_name,
                             "increment": inc.increment, "time": inc.time,
                             "step_fraction": inc.fraction, "iterations": inc.iterations,
                             "residual": inc.residual, "max_displacement": umax,
                             "linear_solver": solver.get("method", ""),
                             "solve_seconds": solver.get("seconds", 0.0),
                             **(inc.history or {})})
        self._write_history()
        if self.write_vtk and write_vtk:
            fields = fields if fields is not None else self.nodal_fields(inc)
            name = f"{self.stem}-{len(self.pvd_entries):04d}.vtu"
            self._write_vtu(os.path.join(self.outdir, name), fields, inc)
            self.pvd_entries.append((inc.time, name))
            write_pvd(os.path.join(self.outdir, f"{self.stem}.pvd"), self.pvd_entries)
            if name not in self.files:
                self.files.append(name)
        return fields

    def _write_vtu(self, path, fields, inc):
        """Continuum cells per region, then group cells (beams ...) on their own points.

        Group points carry the displacement and temperature; tensor fields are zero there
        and their own results are cell data (zero on continuum cells).
        """
        m = self.model
        view = m.view
        cells, region, element = [], [], []
        for k, conn in view.blocks:
            b = m.mesh.blocks[k]
            cells.append((b.etype.vtk_type, conn))
            region.append(np.full(b.n_el, b.region, dtype=np.int32))
            element.append(b.ids + 1)
        pts = m.mesh.points[view.nodes]
        cell_data = {"region": np.concatenate(region),
                     "element_id": np.concatenate(element).astype(np.int64)}
        n_cont = len(cell_data["region"])
        groups = [g for g in (inc.groups or []) if g is not None]
        if groups:
            fields = dict(fields)
            extra_pts, group_cd = [], {}
            n_pts = len(pts)
            n_cells = n_cont
            for nodes, gcells, cd in groups:
                disp = m.layout.displacement(inc.u)[nodes]
                if disp.shape[1] == 2:
                    disp = np.column_stack([disp, np.zeros(len(disp))])
                extra_pts.append((nodes, disp))
                # a group's cell data runs over all its cell blocks, in their order
                n_group = sum(len(conn) for _, conn in gcells)
                cd = {k: np.asarray(v, dtype=float).reshape(n_group, -1) for k, v in cd.items()}
                first = 0
                for vtk_type, conn in gcells:
                    cells.append((vtk_type, conn + n_pts))
                    n_here = len(conn)
                    for name, values in cd.items():
                        group_cd.setdefault(name, []).append(
                            (n_cells, values[first:first + n_here]))
                    n_cells += n_here
                    first += n_here
                n_pts += len(nodes)
            all_nodes = np.concatenate([n for n, _ in extra_pts])
            pts = np.vstack([pts, m.mesh.points[all_nodes]])
            for name, values in list(fields.items()):
                pad = np.zeros((len(all_nodes),) + values.shape[1:])
                if name == "displacement":
                    pad = np.vstack([d for _, d in extra_pts])
                fields[name] = np.concatenate([values, pad])
            cell_data["region"] = np.concatenate([cell_data["region"],
                                                  np.full(n_cells - n_cont, -1, dtype=np.int32)])
            cell_data["element_id"] = np.concatenate([cell_data["element_id"],
                                                      np.zeros(n_cells - n_cont, dtype=np.int64)])
            for name, parts in group_cd.items():
                k = parts[0][1].shape[1]
                full = np.zeros((n_cells, k))
                for start, vals in parts:
                    full[start:start + len(vals)] = vals
                cell_data[name] = full[:, 0] if k == 1 else full
        write_vtu(path, pts, cells, point_data=fields, cell_data=cell_data)

    def _write_history(self):
        buf = io.StringIO()
        extra = [k for row in self.history for k in row if k not in HISTORY_COLUMNS]
        columns = list(HISTORY_COLUMNS) + list(dict.fromkeys(extra))
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", restval="")
        w.writeheader()
        for row in self.history:
            w.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in row.items()})
        write_text(os.path.join(self.outdir, "history.csv"), buf.getvalue())

    # ------------------------------------------------------------------ per step
    def step_done(self, record):
        self.steps.append(record)

    def summary(self, extra):
        """Write summary.json: version, resolved case, per-step results, timings."""
        data = {"pkgfem_version": __version__, **extra, "steps": self.steps,
                "files": {"vtk": self.files, "pvd": f"{self.stem}.pvd" if self.files else None,
                          "history": "history.csv"}}
        write_text(os.path.join(self.outdir, "summary.json"),
                   json.dumps(_jsonable(data), indent=2) + "\n")
        return data


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, os.PathLike):
        return os.fspath(x)
    return x

"""Run a case file end to end: read, mesh, check, solve, write."""

import logging
import os
import platform
import time
from pathlib import Path

import numpy as np

from . import __version__
from .analysis.static import StaticAnalysis
from .case import check_against_mesh, load_case
from .errors import PkgfemError
from .io.gmsh import read_gmsh
from .io.results import ResultWriter
from .model import Model
from .progress import NullProgress
from .quality import check_elements, orient_elements, quality

log = logging.getLogger(__name__)


def default_outdir(case_path):
    p = Path(case_path)
    return p.parent / f"{p.stem}-results"


def load_mesh(case):
    """The mesh of a case: its file, or the family builder's (cached) output."""
    from .structural import beam_curves

    spec = case.mesh
    keep = beam_curves(case)   # beam-only nodes of [[beams]] curves stay in the mesh
    if spec.file is not None:
        return read_gmsh(spec.file, keep_curves=keep)
    from meshes import build_mesh

    path = build_mesh(spec.family, spec.params, dim=spec.dim, order=spec.order, size=spec.size,
                      where=f"{case.path}: mesh")
    return read_gmsh(path, keep_curves=keep)


def make_analysis(model, writer, progress):
    """The analysis procedure a case needs: nonlinear (finite strain, Newton) or linear."""
    nonlinear = model.case.solver.nonlinear
    case = model.case
    needs = (bool(model.groups) or bool(case.inactive)
             or any(s.activate or s.deactivate for s in case.steps)
             or _melts(model))
    if nonlinear == "auto":
        nonlinear = any(m.nonlinear for m in model.materials.values()) or needs
    elif not nonlinear and needs:
        from .errors import InputError

        raise InputError(f"{model.case.path}: solver.nonlinear: beams, interfaces, platens, "
                         "activation and melting need the nonlinear analysis (remove "
                         "nonlinear = false)")
    if nonlinear:
        from .analysis.nonlinear import NonlinearAnalysis
        from .errors import InputError
        from .formulation import PLANE_STRESS

        if model.form == PLANE_STRESS:
            raise InputError(f"{model.case.path}: mesh.formulation: plane stress is available "
                             "for linear analyses only; use plane-strain, axisymmetric or 3d")
        return NonlinearAnalysis(model, writer, progress)
    return StaticAnalysis(model, writer, progress)


def _melts(model):
    """True when some step takes a fusible region up to its liquidus."""
    for k, b in enumerate(model.mesh.blocks):
        melting = getattr(model.block_materials[k].material, "melting", None)
        if melting is None:
            continue
        for step in model.case.steps:
            for field in (step.temperature_start, step.temperature_end):
                if np.max(model.temperature_at_qp(field)[k]) >= melting[1]:
                    return True
    return False


def run_case(case_path, outdir=None, progress=None):
    """Solve a case file; returns the summary dictionary (also written to summary.json)."""
    timings = {}
    t0 = time.perf_counter()
    progress = progress or NullProgress()
    case = load_case(case_path)
    outdir = Path(outdir) if outdir is not None else default_outdir(case_path)

    t = time.perf_counter()
    mesh = load_mesh(case)
    timings["mesh"] = time.perf_counter() - t
    check_against_mesh(case, mesh)
    flipped = orient_elements(mesh)
    if flipped:
        log.info("%s: reversed the node order of %d mirrored element(s)", mesh.source, flipped)
    check_elements(mesh)

    t = time.perf_counter()
    model = Model(case, mesh)
    timings["setup"] = time.perf_counter() - t

    writer = ResultWriter(str(outdir), Path(case_path).stem, model, write_vtk=case.output.vtk)
    analysis = make_analysis(model, writer, progress)
    extra = {
        "analysis": type(analysis).__name__,
        "case": {"file": str(case.path), "input": case.raw,
                 "materials": {r: m.to_json() | {"name": m.name}
                               for r, m in model.materials.items()}},
        "mesh": {"file": mesh.source, "nodes": mesh.n_nodes, "elements": mesh.n_elements,
                 "dofs": model.layout.n_dof, "formulation": case.mesh.formulation,
                 "regions": mesh.regions, "boundaries": sorted(mesh.boundaries),
                 "quality": quality(mesh)},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    status = "ok"
    try:
        analysis.run()
    except PkgfemError as exc:
        status = f"failed: {exc}"
        raise
    finally:
        timings.update(analysis.timings)
        timings["total"] = time.perf_counter() - t0
        extra["status"] = status
        extra["timings"] = timings
        if model.reports and case.output.plots and writer.history:
            from .reports import plot_history

            extra["plots"] = [os.path.basename(p) for p in
                              plot_history(str(outdir), writer.history, model.reports)]
        for g in model.groups:  # run-end hook: group plots (platen force-displacement ...)
            try:
                png = g.finish(str(outdir))
            except Exception as exc:  # a plot must not hide the run's own outcome
                log.warning("%s: plot not written: %s", g.name, exc)
                png = None
            if png:
                extra.setdefault("plots", []).append(os.path.basename(png))
        summary = writer.summary(extra)
    log.info("pkgfem %s: %s done in %.2f s", __version__, case_path, timings["total"])
    return summary

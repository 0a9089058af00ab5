"""Process results a package engineer decides on, evaluated at every converged increment.

``[[reports]]`` tables in the case file, each with a ``name`` and a ``kind``:

- ``gap``: mean distance along ``axis`` between two boundaries (``from`` -> ``to``); reported
  as the current gap and its change from the start (chip lift: chip face to dielectric).
- ``height``: extent along ``axis`` of every connected piece of a region (one per pad), as a
  height (mm) and a percentage of its initial height (pad recovery).
- ``max``: the largest value of a point field (``von_mises``, ``equivalent_plastic_strain``,
  ``network_fraction`` ...) in a region (worst lead strain).
- ``warpage``: of a boundary surface, the largest minus the smallest displacement along
  ``axis`` (warpage) and the largest distance from the best-fit plane (coplanarity).
- ``interface``: the largest peel (normal) and shear stress along an interface boundary, on
  the side of ``region``.
- ``shape``: the deformed shape of a region (a lead): per increment its largest displacement
  along ``axis`` (``rise``) and largest displacement magnitude (``max_displacement``), mm; at
  the end of every step the deformed positions of its nodes, drawn in
  ``report-<name>-shape.png`` (one colour per step, the initial shape in grey).

``axis`` (x, y or z; r in axisymmetric models) defaults to y, the height in every pkgfem mesh
builder: the stacking axis of the 2D sections, the axial direction of axisymmetric ones, and
the vertical of the 3D package models (their plan is x-z).

Every report adds columns ``<name>.<quantity>`` to history.csv and a dictionary to
``summary["steps"][i]["reports"][name]``; ``plot_history`` draws them against time.
"""

import difflib

import numpy as np

from .errors import InputError

KINDS = ("gap", "height", "max", "warpage", "interface", "shape")
AXES = {"x": 0, "y": 1, "z": 2, "r": 0}
#: the height axis of every mesh the builders (meshes/) make, in 2D, axisymmetric and 3D
DEFAULT_AXIS = "y"


class Report:
    """One report: ``evaluate(fields, model, u)`` -> {quantity: value}."""

    def __init__(self, name, kind, spec, model, where):
        self.name, self.kind, self.spec, self.where = name, kind, spec, where
        self.model = model
        mesh = model.mesh
        self.axis = AXES.get(spec.get("axis", DEFAULT_AXIS))
        if self.axis is None or self.axis >= mesh.dim:
            raise InputError(f"{where}.axis: one of {', '.join(list(AXES)[:mesh.dim])}")
        if kind == "gap":
            self.a = self._boundary_nodes(spec, "from")
            self.b = self._boundary_nodes(spec, "to")
            self.initial = None
        elif kind == "height":
            self.pieces = _pieces(mesh, self._region(spec))
            X = mesh.points[:, self.axis]
            self.h0 = np.array([np.ptp(X[p]) for p in self.pieces])
        elif kind == "max":
            self.region = self._region(spec)
            self.field = spec.get("field", "von_mises")
        elif kind == "warpage":
            self.nodes = self._boundary_nodes(spec, "surface")
        elif kind == "interface":
            self.nodes = self._boundary_nodes(spec, "boundary")
            self.region = self._region(spec)
        elif kind == "shape":
            rid = self._region(spec)
            self.nodes = np.unique(np.concatenate([b.conn.ravel() for b in mesh.blocks_of(rid)]))
            self.current = None     # deformed node positions at the last evaluation
            self.shapes = []        # (step name, deformed positions) at the end of each step

    def _region(self, spec):
        name = spec.get("region")
        regions = self.model.mesh.regions
        if name not in regions:
            close = difflib.get_close_matches(str(name), regions, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (regions: {', '.join(regions)})"
            raise InputError(f"{self.where}.region: no region '{name}'{hint}")
        return regions.index(name)

    def _boundary_nodes(self, spec, key):
        name = spec.get(key)
        b = self.model.mesh.boundaries
        if name not in b:
            close = difflib.get_close_matches(str(name), list(b), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputError(f"{self.where}.{key}: no boundary '{name}'{hint}")
        return b[name].nodes

    def evaluate(self, fields, u_nodes, view):
        """fields : point data at output points; u_nodes : (n_nodes, dim) displacements."""
        x = self.model.mesh.points[:u_nodes.shape[0]]
        k = self.axis
        if self.kind == "gap":
            gap = (x[self.b, k] + u_nodes[self.b, k]).mean() - (x[self.a, k] + u_nodes[self.a, k]).mean()
            if self.initial is None:
                self.initial = (x[self.b, k]).mean() - (x[self.a, k]).mean()
            return {"gap": float(gap), "change": float(gap - self.initial)}
        if self.kind == "height":
            h = np.array([np.ptp(x[p, k] + u_nodes[p, k]) for p in self.pieces])
            out = {"min_percent": float((100 * h / self.h0).min()),
                   "max_percent": float((100 * h / self.h0).max())}
            for i, (hi, h0) in enumerate(zip(h, self.h0)):
                out[f"piece{i + 1}_percent"] = float(100 * hi / h0)
            return out
        if self.kind == "max":
            if self.field not in fields:
                return {"max": 0.0}
            sel = view.region == self.region
            return {"max": float(np.max(fields[self.field][:len(view.nodes)][sel], initial=0.0))}
        if self.kind == "warpage":
            w = u_nodes[self.nodes, k]
            others = [d for d in range(x.shape[1]) if d != k]
            A = np.column_stack([x[self.nodes][:, others] + u_nodes[self.nodes][:, others],
                                 np.ones(len(self.nodes))])
            z = x[self.nodes, k] + w
            coef = np.linalg.lstsq(A, z, rcond=None)[0]
            return {"warpage": float(np.ptp(w)), "coplanarity": float(np.abs(z - A @ coef).max())}
        if self.kind == "shape":
            d = u_nodes[self.nodes]
            self.current = x[self.nodes] + d
            return {"rise": float(d[:, k].max()),
                    "max_displacement": float(np.linalg.norm(d, axis=1).max())}
        # interface: stresses on the side of the region, at the boundary's nodes
        sel = (view.region == self.region) & np.isin(view.nodes, self.nodes)
        sig = fields["stress"][:len(view.nodes)][sel]
        if not len(sig):
            return {"peel_max": 0.0, "peel_min": 0.0, "shear_max": 0.0}
        normal = sig[:, k]
        return {"peel_max": float(normal.max()), "peel_min": float(normal.min()),
                "shear_max": float(_shear_on_plane(sig, k).max())}


    def end_step(self, step_name):
        """Keep the shape of the last evaluation as the one at the end of ``step_name``."""
        if self.kind == "shape" and self.current is not None:
            self.shapes.append((step_name, self.current.copy()))


def _shear_on_plane(sig, k):
    """Magnitude of the shear traction on a plane of normal axis k (Voigt XX YY ZZ XY YZ XZ)."""
    pairs = {0: (3, 5), 1: (3, 4), 2: (5, 4)}[k]
    return np.hypot(sig[:, pairs[0]], sig[:, pairs[1]])


def _pieces(mesh, rid):
    """Node sets of the connected pieces of region rid (elements sharing a node)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows, cols = [], []
    for b in mesh.blocks_of(rid):
        rows.append(np.repeat(b.conn[:, :1], b.conn.shape[1], axis=1).ravel())
        cols.append(b.conn.ravel())
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    n = mesh.n_nodes
    _, labels = connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)),
                                     directed=False)
    nodes = np.unique(c)
    order = np.argsort(mesh.points[nodes, 0])   # number pieces from left (smallest x)
    seen = []
    for lab in labels[nodes[order]]:
        if lab not in seen:
            seen.append(lab)
    return [nodes[labels[nodes] == lab] for lab in seen]


def build_reports(case, model):
    """Report objects of the case's [[reports]] tables (validated)."""
    out = []
    names = set()
    for i, t in enumerate(case.raw.get("reports", [])):
        where = f"{case.path}: reports[{i}]"
        if not isinstance(t, dict):
            raise InputError(f"{where}: expected a table")
        allowed = {"name", "kind", "axis", "from", "to", "region", "field", "surface",
                   "boundary"}
        unknown = sorted(set(t) - allowed)
        if unknown:
            raise InputError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")
        kind = t.get("kind")
        if kind not in KINDS:
            raise InputError(f"{where}.kind: one of {', '.join(KINDS)}")
        name = t.get("name")
        if not isinstance(name, str) or name in names:
            raise InputError(f"{where}.name: a unique name is needed")
        names.add(name)
        out.append(Report(name, kind, t, model, where))
    return out


def plot_history(outdir, history, reports):
    """One PNG per report: its quantities against time (history rows). Returns the paths."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    t = np.array([row["time"] for row in history])
    for rep in reports:
        cols = [k for k in (history[-1] if history else {}) if k.startswith(rep.name + ".")]
        if not cols:
            continue
        fig, ax = plt.subplots(figsize=(7, 4))
        for c in cols:
            ax.plot(t, [row.get(c, np.nan) for row in history], ".-", ms=3, label=c)
        ax.set_xlabel("time (s)")
        ax.set_title(f"{rep.name} ({rep.kind})")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        paths.append(_save(fig, outdir, f"report-{rep.name}.png"))
        if rep.kind == "shape" and rep.shapes:
            paths.append(_plot_shapes(rep, outdir, plt))
    return paths


def _save(fig, outdir, name):
    """Write the figure atomically to outdir/name and close it; returns the path."""
    import os

    import matplotlib.pyplot as plt

    path = os.path.join(outdir, name)
    tmp = os.path.join(outdir, f".tmp-{name}")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    plt.close(fig)
    return path


def _plot_shapes(rep, outdir, plt):
    """report-<name>-shape.png: the region's nodes, initial and at the end of every step, in
    the plane of the height axis and the first other axis (x in plan)."""
    k = rep.axis
    h = 0 if k != 0 else 1
    fig, ax = plt.subplots(figsize=(7, 4))
    x0 = rep.model.mesh.points[rep.nodes]
    ax.plot(x0[:, h], x0[:, k], ".", ms=2, color="0.7", label="initial")
    for name, xy in rep.shapes:
        ax.plot(xy[:, h], xy[:, k], ".", ms=2, label=name)
    ax.set_xlabel(f"{'xyz'[h]} (mm)")
    ax.set_ylabel(f"{'xyz'[k]} (mm)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(f"{rep.name}: shape at the end of each step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, markerscale=4)
    fig.tight_layout()
    return _save(fig, outdir, f"report-{rep.name}-shape.png")

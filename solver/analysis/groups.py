"""Element groups beyond the continuum blocks: beams, interfaces, platens, ties.

A group adds forces and tangent terms to the nonlinear system. The analysis calls, in order:
``virtual_nodes`` (points the group adds to the mesh, e.g. a rigid platen's reference point),
``connectivity`` and ``extra_dofs`` (before the sparsity pattern exists), ``attach`` (once
the assembler exists), ``supports`` (for the check that every body is held), then per step
``begin_step``, per increment ``prescribed`` (dofs the group drives, e.g. a platen's motion),
per Newton iteration ``evaluate``, after a converged solve ``augment`` (True: solve the
increment again with updated multipliers), per converged increment ``commit`` and ``history``
(columns of history.csv), at the end of a step ``results`` (summary.json) and ``vtk`` (cells
for the .vtu files), and at the end of the run ``finish`` (plots).

Groups are created from top-level case-file tables by the builders in ``GROUP_KEYS``: the key
(e.g. ``beams`` for ``[[beams]]``) maps to a function ``build(case, mesh, tables) -> list``.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class Context:
    """What a group needs to know about the current increment.

    step : index; fraction : of the step at the end of the increment; time : s (absolute);
    dt : s; temperature(x, region) -> deg C at points x (n, dim) of a region name
    """

    step: int
    fraction: float
    time: float
    dt: float
    temperature: object


class Group:
    """Base class with do-nothing defaults; subclasses override what they need."""

    name = "group"

    def virtual_nodes(self):
        """Coordinates (k, dim) of points to add to the mesh; their node numbers are
        ``model.virtual_nodes[self]`` after attach."""
        return np.zeros((0, 0))

    def connectivity(self):
        """Node connectivity arrays (n, k) that the sparsity pattern must hold."""
        return []

    def extra_dofs(self):
        """node -> number of dofs beyond the displacements (rotations)."""
        return {}

    def attach(self, model):
        """Called once the dof layout and assembler exist."""

    def supports(self):
        """Dofs this group holds (contact surfaces, ties), for the floating-body check."""
        return np.zeros(0, dtype=np.int64)

    def begin_step(self, step_index, step):
        """Called before the first increment of every step."""

    def prescribed(self, ctx):
        """(dofs, values): displacements this group prescribes at the end of the increment."""
        return np.zeros(0, dtype=np.int64), np.zeros(0)

    def history(self):
        """name -> value columns for history.csv after a converged increment."""
        return {}

    def evaluate(self, u, ctx, want_tangent, f, fabs, data):
        """Add internal forces (into f, magnitudes into fabs) and the tangent (into CSR data
        when want_tangent). Returns "" or the reason the state is unacceptable."""
        return ""

    def augment(self, u, ctx):
        """After a converged Newton solve at u: update multipliers (augmented Lagrangian);
        True asks the analysis to solve the increment again."""
        return False

    def commit(self):
        """Accept the last evaluated state."""

    def results(self):
        """Step results for summary.json (a JSON-able dict)."""
        return {}

    def vtk(self, u):
        """Extra output cells: (mesh node ids (n,), [(vtk_type, conn into them)], cell data
        dict: name -> values over all the cell blocks, in their order) or None."""
        return None

    def finish(self, outdir):
        """Called once at the end of the run (also after a failed step): write plots."""


#: case-file key -> "module:function" building the groups of its [[key]] tables, in the order
#: they are built: interfaces first (they may split mesh nodes that beams then use)
BUILDERS = {
    "interfaces": "solver.interfaces:build_interface_groups",
    "beams": "solver.structural:build_beam_groups",
    "platens": "solver.contact:build_platen_groups",
}
GROUP_KEYS = tuple(BUILDERS)


def build_groups(case, mesh):
    """All groups the case asks for (builders may modify the mesh, e.g. split nodes)."""
    import importlib

    groups = []
    for key, target in BUILDERS.items():
        tables = case.raw.get(key)
        if tables:
            module, function = target.split(":")
            groups += getattr(importlib.import_module(module), function)(case, mesh, tables)
    return groups


def merge_extra_dofs(groups):
    extra = {}
    for g in groups:
        for node, k in g.extra_dofs().items():
            extra[int(node)] = max(extra.get(int(node), 0), k)
    return extra


def connectivity(groups):
    return [np.asarray(c, dtype=np.int64) for g in groups for c in g.connectivity()]

"""The discrete model: mesh, formulation, materials per block, reference temperatures.

Built once per case; analysis steps read it and carry their own state.
"""

import logging
from dataclasses import dataclass

import numpy as np

from .assembly import Assembler
from .dofs import DofLayout
from .errors import InputError
from .formulation import AXISYMMETRIC, PLANE_STRESS, THREE_D
from .materials import voigt
from .materials import library
from .post import RegionView

log = logging.getLogger(__name__)


@dataclass(eq=False)
class BlockMaterial:
    """Material of one element block with its orientation R (3, 3) or None."""

    material: object
    R: np.ndarray | None


class Model:
    """Everything an analysis needs that does not change from step to step.

    case : CaseSpec; mesh : Mesh (already checked against the case)
    """

    def __init__(self, case, mesh):
        self.case = case
        self.mesh = mesh
        self.form = case.mesh.form
        self.thickness = case.mesh.thickness if mesh.dim == 2 else 1.0
        if self.form == AXISYMMETRIC:
            rmin = mesh.points[:, 0].min()
            if rmin < -1e-9 * max(1.0, np.ptp(mesh.points[:, 0])):
                raise InputError(f"{mesh.source}: an axisymmetric mesh must lie in x = r >= 0 "
                                 f"(smallest x is {rmin:g})")
        self.materials = self._resolve_materials()
        self.block_materials = [BlockMaterial(self.materials[mesh.regions[b.region]],
                                              case.orientations.get(mesh.regions[b.region]))
                                for b in mesh.blocks]
        from .analysis.groups import build_groups, connectivity, merge_extra_dofs

        self.groups = build_groups(case, mesh)
        self.virtual_nodes = {}
        for g in self.groups:
            pts = np.asarray(g.virtual_nodes(), dtype=float).reshape(-1, mesh.dim)
            if len(pts):
                first = mesh.n_nodes
                mesh.points = np.vstack([mesh.points, pts])
                self.virtual_nodes[g] = np.arange(first, first + len(pts))
        extra = merge_extra_dofs(self.groups)
        layout = DofLayout.with_extra(mesh.n_nodes, mesh.dim, extra) if extra else None
        self.group_conn = connectivity(self.groups)
        self.assembler = Assembler(mesh, self.form, self.thickness, layout, self.group_conn)
        self.layout = self.assembler.layout
        for g in self.groups:
            g.attach(self)
        self.view = RegionView.build(mesh)
        from .reports import build_reports

        self.reports = build_reports(case, self)
        first = case.steps[0].temperature_start
        ref = case.reference_temperature or first
        self.reference_temperature = self.temperature_at_qp(ref)
        self.reference_temperature_points = self.temperature_at_points(ref)

    # ------------------------------------------------------------------ materials
    def _resolve_materials(self):
        out = {}
        for region, (label, table, where) in self.case.materials.items():
            if table is None:
                out[region] = library.load(label, f"{self.case.path}: {where}")
            else:
                name = table.pop("name", region) if isinstance(table, dict) else region
                out[region] = library.build(name, table, f"{self.case.path}: {where}")
        for region, mat in out.items():
            if region in self.case.orientations and mat.isotropic:
                log.info("region %s: orientation ignored for isotropic material %s", region,
                         mat.name)
            if not mat.isotropic and self.mesh.dim == 2 and region not in self.case.orientations:
                # a laminate's through-thickness axis silently out of plane is a classic error
                raise InputError(
                    f"{self.case.path}: orientations.{region}: region '{region}' has the "
                    f"orthotropic material '{mat.name}'; in a 2D model say where its material "
                    f"axis 3 lies, e.g. [orientations] {region} = {{ thickness_axis = \"y\" }}")
        return out

    def tangent(self, k, T):
        """Stiffness data of block ``k`` at quadrature temperatures T (n_el, n_qp)."""
        bm = self.block_materials[k]
        if bm.material.isotropic:
            lam, mu = bm.material.lame(T, self.form)
            return ("isotropic", lam, mu)
        return ("general", bm.material.stiffness(T, self.form, bm.R))

    def stress(self, k, eps, T):
        """Stress (n_el, n_qp, 6) MPa of block ``k`` from strain and temperature."""
        bm = self.block_materials[k]
        return bm.material.stress(eps, T, self.reference_temperature[k], self.form, bm.R)

    def evaluate_reports(self, fields, u):
        """Report columns (name.quantity -> value) for a converged state."""
        out = {}
        disp = self.layout.displacement(u)
        for rep in self.reports:
            for q, v in rep.evaluate(fields, disp, self.view).items():
                out[f"{rep.name}.{q}"] = v
        return out

    def output_strain(self, k, eps, T):
        """Strain for output: tensor components (shears halved); in plane stress the
        out-of-plane strain follows from sigma_zz = 0."""
        out = voigt.engineering_to_tensor(eps)
        if self.form == PLANE_STRESS:
            bm = self.block_materials[k]
            D = bm.material.stiffness(T, THREE_D, bm.R)
            eth = bm.material.thermal_strain(T, self.reference_temperature[k], bm.R)
            mech = eps - eth
            mech[..., 2] = 0.0
            out[..., 2] = eth[..., 2] - np.einsum("...j,...j->...", D[..., 2, :], mech) / D[..., 2, 2]
        return out

    # ------------------------------------------------------------------ temperature
    def temperature_at_qp(self, field):
        """Temperature (n_el, n_qp) deg C per block from a TemperatureField."""
        names = self.case.coordinate_names()
        out = []
        for k, b in enumerate(self.mesh.blocks):
            xq = self.assembler.geometry[k].xq
            rid = np.full(xq.shape[:2], b.region)
            out.append(field.evaluate(xq, self.mesh.regions, rid, names))
        return out

    def temperature_at(self, field, x, region=None):
        """Temperature (n,) at points x (n, dim) of a region name (None: outside every
        region; a per-region table then needs a 'default')."""
        names = self.case.coordinate_names()
        regions = list(self.mesh.regions)
        if region is None:
            if field.regions is not None and "default" not in field.regions:
                raise InputError(f"{self.case.path}: a per-region temperature table needs a "
                                 "'default' for beams and other parts outside the regions")
            regions = regions + ["default"]
            rid = np.full(len(x), len(regions) - 1)
        else:
            rid = np.full(len(x), regions.index(region))
        return field.evaluate(np.asarray(x, dtype=float), regions, rid, names)

    def temperature_at_points(self, field):
        """Temperature at the output points (one copy of interface nodes per region)."""
        names = self.case.coordinate_names()
        x = self.mesh.points[self.view.nodes]
        return field.evaluate(x, self.mesh.regions, self.view.region, names)

    # ------------------------------------------------------------------ supports
    def check_held(self, fixed_dofs):
        """Raise InputError when a connected body can move as a rigid body.

        Dofs held by groups (contact surfaces, ties) count as supports."""
        held = [np.asarray(g.supports(), dtype=np.int64) for g in self.groups]
        fixed_dofs = np.unique(np.concatenate([np.asarray(fixed_dofs, dtype=np.int64)] + held))
        labels = self.mesh.components(self.group_conn)
        pts = self.mesh.points
        modes, names = _rigid_modes(pts, self.form)
        fixed_nodes = np.searchsorted(self.layout.dof0, fixed_dofs, side="right") - 1
        fixed_comp = fixed_dofs - self.layout.dof0[fixed_nodes]
        region_of_node = self._node_region()
        for body in np.unique(labels):
            sel = labels[fixed_nodes] == body
            nodes = fixed_nodes[sel]
            comps = fixed_comp[sel]
            Rm = modes(nodes, comps)  # (n_fixed_in_body, n_modes)
            n_modes = len(names)
            if len(nodes):
                scale = np.abs(Rm).max(axis=0, initial=0.0) + 1e-300
                s = np.linalg.svd(Rm / scale, compute_uv=False)
                rank = int(np.sum(s > 1e-8 * max(s.max(), 1e-300)))
            else:
                rank = 0
            if rank < n_modes:
                if len(nodes):
                    _, _, vt = np.linalg.svd(Rm / scale)
                    free = vt[rank:]
                else:
                    free = np.eye(n_modes)
                motions = sorted({names[int(np.argmax(np.abs(v)))] for v in free})
                regions = sorted({self.mesh.regions[r]
                                  for r in np.unique(region_of_node[labels == body]) if r >= 0})
                raise InputError(
                    f"{self.case.path}: the body made of region(s) {', '.join(regions)} is not "
                    f"held: it can {' and '.join(motions)} freely (a singular system). Fix "
                    "displacement components on its boundaries or points in the step's fix list")

    def _node_region(self):
        out = np.full(self.mesh.n_nodes, -1, dtype=np.int64)
        for b in self.mesh.blocks:
            out[b.conn.ravel()] = b.region
        return out


def _rigid_modes(points, form):
    """Rigid-body motions of the formulation: a function (nodes, components) -> rows, names."""
    # comps >= dim are rotation dofs (beam nodes): a rigid rotation turns them by the angle
    if form == AXISYMMETRIC:
        def modes(nodes, comps):
            return (comps == 1).astype(float)[:, None]
        return modes, ["translate along the axis (z)"]
    if form == THREE_D:
        def modes(nodes, comps):
            x = points[nodes]
            R = np.zeros((len(nodes), 6))
            for c in range(3):
                R[comps == c, c] = 1.0
            # rotation about axis a moves a point by e_a x r
            R[:, 3] = np.where(comps == 1, -x[:, 2], np.where(comps == 2, x[:, 1], 0.0))
            R[:, 4] = np.where(comps == 0, x[:, 2], np.where(comps == 2, -x[:, 0], 0.0))
            R[:, 5] = np.where(comps == 0, -x[:, 1], np.where(comps == 1, x[:, 0], 0.0))
            for k in range(3):
                R[comps == 3 + k, 3 + k] = 1.0
            return R
        return modes, ["translate in x", "translate in y", "translate in z", "rotate about x",
                       "rotate about y", "rotate about z"]

    def modes(nodes, comps):
        x = points[nodes]
        R = np.zeros((len(nodes), 3))
        R[comps == 0, 0] = 1.0
        R[comps == 1, 1] = 1.0
        R[:, 2] = np.where(comps == 0, -x[:, 1], np.where(comps == 1, x[:, 0], 1.0))
        return R
    return modes, ["translate in x", "translate in y", "rotate in plane"]

"""Finite-strain continuum contribution of one element block: forces, tangent, state.

Each block keeps the material state at the start (s0) and end (s1) of the increment, per
quadrature point. ``evaluate`` works on s0 and a trial displacement; ``commit`` makes the
trial state the converged one.
"""

import logging

import numpy as np

from .. import config
from ..elements import SHORT_NAME
from ..kernels import finite_strain as fs

log = logging.getLogger(__name__)

STANDARD = "standard"
MEAN_DILATATION = "mean-dilatation"
OK, INVERTED, MATERIAL_FAILED = 0, 1, 2


class ContinuumBlock:
    """One mesh block in a finite-strain analysis.

    model : solver.model.Model; k : block index; formulation : "standard" or
    "mean-dilatation" (pressure constant per element, condensed)
    """

    def __init__(self, model, k, formulation):
        self.model = model
        self.k = k
        self.geo = model.assembler.geometry[k]
        self.block = self.geo.block
        bm = model.block_materials[k]
        self.material = bm.material
        self.R = bm.R
        self.formulation = formulation
        self.Tref = model.reference_temperature[k]
        n_el, n_qp = self.geo.dV.shape
        self.shape = (n_el, n_qp)
        self.s0 = self.material.initial_state(n_el * n_qp)
        self.s1 = self.s0
        self.tau = np.zeros((n_el, n_qp, 3, 3))
        self.J = np.ones((n_el, n_qp))
        self.F = np.broadcast_to(np.eye(3), (n_el, n_qp, 3, 3)).copy()
        self._trial = None

    def evaluate(self, u, T, dt, want_tangent, f, fabs, data):
        """Add internal forces (and tangent) at displacement u, temperatures T (n_el, n_qp).

        Returns a status: OK, INVERTED (some J <= 0) or MATERIAL_FAILED.
        """
        a_ = self.model.assembler
        g = self.geo
        form = a_.form
        F = fs.deformation_gradient(g.dNdX, g.N, g.xq, u, form, self.block.conn, a_.layout.dof0)
        grad, hoop, J, ok = fs.spatial_gradients(g.dNdX, g.N, g.xq, F, form)
        if not ok:
            return INVERTED
        n = self.shape[0] * self.shape[1]
        Tf = T.reshape(n)
        Tr = np.broadcast_to(self.Tref, self.shape).reshape(n)
        md = self.formulation == MEAN_DILATATION
        tau, a, s1, status = self._update(F.reshape(n, 3, 3), Tf, Tr, dt, md)
        if np.any(status):
            return MATERIAL_FAILED
        tau = tau.reshape(self.shape + (3, 3))
        a = a.reshape(self.shape + (9, 9))
        n_el = self.shape[0]
        if md:
            theta, V = fs.element_dilatation(J, g.dV)
            th = np.repeat(theta, self.shape[1])
            dU, d2U = self.material.volumetric(th, Tf, Tr)
            w = g.dV / V[:, None]
            pbar = (dU.reshape(self.shape) * w).sum(axis=1)
            kbar = (d2U.reshape(self.shape) * w).sum(axis=1) / V
        else:
            pbar = kbar = np.zeros(n_el)
        fs.force_tangent(grad, hoop, g.dV, J, tau, a, pbar, kbar, form, want_tangent,
                         self.block.conn, g.emap, a_.indptr, a_.goff, a_.layout.dof0, g.order,
                         g.cptr, config.COLOUR_BLOCK, data, f, fabs)
        if md:
            tau = tau + (pbar[:, None] * J)[..., None, None] * np.eye(3)
        self._trial = (F, tau, J, s1)
        return OK

    def _update(self, F, T, Tref, dt, md):
        m = self.material
        if m.split:
            return m.update(F, T, Tref, dt, self.s0, volumetric=not md)
        return m.update(F, T, Tref, dt, self.s0, R=self.R)

    def commit(self):
        """Accept the last evaluated state as converged."""
        F, tau, J, s1 = self._trial
        self.F, self.tau, self.J = F, tau, J
        self.s0 = s1

    def cauchy_voigt(self):
        """Cauchy stress (n_el, n_qp, 6) MPa of the converged state."""
        sig = self.tau / self.J[..., None, None]
        return np.stack([sig[..., 0, 0], sig[..., 1, 1], sig[..., 2, 2], sig[..., 0, 1],
                         sig[..., 1, 2], sig[..., 0, 2]], axis=-1)

    def log_strain_voigt(self):
        """Logarithmic (Hencky) strain ln(V) (n_el, n_qp, 6), tensor components."""
        b = self.F @ np.swapaxes(self.F, -1, -2)
        w, v = np.linalg.eigh(b)
        h = np.einsum("...ik,...k,...jk->...ij", v, 0.5 * np.log(w), v)
        return np.stack([h[..., 0, 0], h[..., 1, 1], h[..., 2, 2], h[..., 0, 1],
                         h[..., 1, 2], h[..., 0, 2]], axis=-1)

    def state_field(self, column):
        """A column of the material state reshaped to (n_el, n_qp), or None."""
        if self.s0.shape[1] <= column:
            return None
        return self.s0[:, column].reshape(self.shape)

    def describe(self):
        return (f"{SHORT_NAME.get(self.block.etype.name, self.block.etype.name)} "
                f"{self.formulation} in region {self.model.mesh.regions[self.block.region]}")


def choose_formulation(model, k, requested):
    """The element formulation of block k: the case's choice, or automatic.

    Automatic: mean dilatation for nearly incompressible materials that allow it.
    """
    b = model.mesh.blocks[k]
    m = model.block_materials[k].material
    region = model.mesh.regions[b.region]
    if requested:
        if requested == MEAN_DILATATION and not getattr(m, "split", False):
            from ..errors import InputError

            raise InputError(f"{model.case.path}: elements.{region}: material '{m.name}' has no "
                             "volumetric/isochoric split; mean dilatation needs a hyperelastic "
                             "or plastic material")
        return requested
    T = model.reference_temperature[k]
    if getattr(m, "split", False) and m.nearly_incompressible(T):
        if b.etype.name in ("triangle", "tetra"):
            log.warning("region %s: nearly incompressible material on linear %s elements "
                        "locks even with a constant pressure; use tri6/tet10", region,
                        b.etype.shape)
        return MEAN_DILATATION
    return STANDARD

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
from ..materials.hyperelastic import mooney_rivlin

log = logging.getLogger(__name__)

STANDARD = "standard"
MEAN_DILATATION = "mean-dilatation"
OK, INVERTED, MATERIAL_FAILED = 0, 1, 2


class ContinuumBlock:
    """One mesh block in a finite-strain analysis.

    model : solver.model.Model; k : block index; formulation : "standard" or
    "mean-dilatation" (pressure constant per element, condensed); active : whether the
    block's region is active at the start.

    Activation (a region that joins mid-process, a solder that solidifies) starts a new
    epoch for an element: its material sees F_eff = F F_a^-1 relative to the configuration F_a
    where it was activated, with the stress-free temperature T_a of that moment, and its stress
    per reference volume is J_a tau(F_eff). Inactive elements (not yet activated, deactivated,
    molten) are carried along by a very soft neo-Hookean material that resists nothing.
    """

    def __init__(self, model, k, formulation, active=True):
        self.model = model
        self.k = k
        self.geo = model.assembler.geometry[k]
        self.block = self.geo.block
        bm = model.block_materials[k]
        self.material = bm.material
        self.R = bm.R
        self.formulation = formulation
        n_el, n_qp = self.geo.dV.shape
        self.shape = (n_el, n_qp)
        self.s0 = self.material.initial_state(n_el * n_qp)
        self.tau = np.zeros((n_el, n_qp, 3, 3))
        self.J = np.ones((n_el, n_qp))
        self.F = np.broadcast_to(np.eye(3), (n_el, n_qp, 3, 3)).copy()
        self.melting = getattr(self.material, "melting", None)
        Tref = np.broadcast_to(model.reference_temperature[k], self.shape)
        # committed epoch: whether active, reference configuration and temperature
        self.epoch = Epoch(np.full(n_el, bool(active)), None, np.ones(self.shape),
                           Tref.copy(), np.ones(n_el), molten=np.zeros(n_el, dtype=bool))
        if self.melting is not None:   # molten at the start: inactive
            hot = Tref.mean(axis=1) >= self.melting[1]
            self.epoch.molten = self.epoch.active & hot
            self.epoch.active &= ~hot
        self.plain = bool(self.epoch.active.all())
        self.soft_mu = model.case.solver.inactive_stiffness * _shear_modulus(self.material, Tref)
        self._pending = self.epoch
        self._trial = None
        # work arrays reused by every evaluation (fresh 100 MB-class arrays cost their page
        # faults each time): the tangent a, and two Kirchhoff stresses, one of which may be the
        # committed self.tau (index _tau_committed), so the next evaluation writes the other
        self._work = {}
        self._tau_trial = self._tau_committed = None
        self._grad = None    # spatial gradients buffer (3D), reused by every evaluate

    # ------------------------------------------------------------------ epochs
    def prepare(self, T0, T1, activate=False, deactivate=False):
        """Activation state for the next increment (a trial until commit); returns where in the
        increment a fusible element first reaches its solidus or liquidus.

        T0, T1 : (n_el, n_qp) temperatures at the start and end of the increment, deg C;
        activate / deactivate : the step switches the whole region (first increment).

        Returns s in (0, 1]: the fraction of the increment at which the first element's mean
        temperature crosses its solidus (molten, cooling) or liquidus (solid, heating); 1.0 when
        none does. An element changes phase only at the start of an increment, in the
        configuration of that moment, so the analysis ends the increment at s: the element
        reaches the solidus still molten and freezes at the start of the next increment, in
        its shape at the solidus and stress-free at the solidus (melting likewise). The state
        prepared here stays valid for the shortened increment.
        """
        ep = self.epoch
        n_el = self.shape[0]
        switch_on = np.zeros(n_el, dtype=bool)
        switch_off = np.zeros(n_el, dtype=bool)
        Ton = T0.copy()
        if activate:
            switch_on |= ~ep.active
        if deactivate:
            switch_off |= ep.active
        freeze = melt = np.zeros(n_el, dtype=bool)
        s = 1.0
        if self.melting is not None:
            freeze, melt, s = self._phase_changes(T0, T1, switch_on, switch_off)
            switch_on |= freeze
            switch_off |= melt
            Ton[freeze] = self.melting[0]   # stress-free at the temperature where it solidified
        if not (switch_on.any() or switch_off.any()):
            self._pending = ep
            return s
        new = ep.copy()
        changed = switch_on | switch_off
        Fa_inv = new.Fa_inv if new.Fa_inv is not None else \
            np.broadcast_to(np.eye(3), self.shape + (3, 3)).copy()
        Fa_inv[changed] = np.linalg.inv(self.F[changed])
        new.Fa_inv = Fa_inv
        new.Ja[changed] = self.J[changed]
        new.theta_a[changed] = (self.J[changed] * self.geo.dV[changed]).sum(axis=1) / \
            self.geo.dV[changed].sum(axis=1)
        new.Ta[switch_on] = Ton[switch_on]
        new.active[switch_on] = True
        new.active[switch_off] = False
        new.molten[changed] = False
        new.molten[melt] = True
        new.reset = switch_on
        self._pending = new
        self.plain = False
        names = self.model.mesh.regions[self.block.region]
        if switch_on.any():
            log.info("region %s: %d element(s) activated%s", names, int(switch_on.sum()),
                     f" ({int(freeze.sum())} solidified)" if freeze.any() else "")
        if switch_off.any():
            log.info("region %s: %d element(s) deactivated%s", names, int(switch_off.sum()),
                     f" ({int(melt.sum())} molten)" if melt.any() else "")
        return s

    def _phase_changes(self, T0, T1, switch_on, switch_off):
        """Which elements freeze or melt at the start of the increment, and the fraction s of
        the increment where the next one would (see ``prepare``).

        A molten element freezes when its mean temperature is below the solidus, or at it and
        cooling, or (mushy alloy) holding at it; a solid one melts when above the liquidus, or
        at it and heating, or (mushy) holding at it. "At" means within PHASE_TOL, or within
        PHASE_BAND of the start when the increment crosses the line. A molten element that
        touches the solidus and turns back (or a solid one the liquidus) keeps its phase.
        """
        solidus, liquidus = self.melting
        tol, band = config.PHASE_TOL, config.PHASE_BAND
        m0, m1 = T0.mean(axis=1), T1.mean(axis=1)
        mushy = liquidus - solidus > tol
        molten = self.epoch.molten & ~switch_on & ~switch_off
        solid = (self.epoch.active | switch_on) & ~switch_off
        c0, c1 = m0 - solidus, m1 - solidus
        d0, d1 = m0 - liquidus, m1 - liquidus
        freeze = molten & ((c0 < -tol) | ((c0 <= band) & (c1 < -tol))
                           | (mushy & (np.abs(c0) <= tol) & (np.abs(c1) <= tol)))
        melt = solid & ((d0 > tol) | ((d0 >= -band) & (d1 > tol))
                        | (mushy & (np.abs(d0) <= tol) & (np.abs(d1) <= tol)))
        # crossings inside the increment, beyond the band of its end: there c0 > band (d0 <
        # -band), so 0 < s < 1
        s = 1.0
        cool = ((molten & ~freeze) | melt) & (c0 > band) & (c1 < -band)
        heat = ((solid & ~melt) | freeze) & (d0 < -band) & (d1 > band)
        if cool.any():
            s = min(s, float(np.min(c0[cool] / (c0[cool] - c1[cool]))))
        if heat.any():
            s = min(s, float(np.min(d0[heat] / (d0[heat] - d1[heat]))))
        return freeze, melt, s

    def _buffer(self, name, shape):
        """The block's work array ``name`` of this shape (kept between evaluations)."""
        b = self._work.get(name)
        if b is None or b.shape != shape:
            b = self._work[name] = np.empty(shape)
        return b

    def evaluate(self, u, T, dt, want_tangent, f, fabs, data):
        """Add internal forces (and tangent) at displacement u, temperatures T (n_el, n_qp).

        Returns a status: OK, INVERTED (some J <= 0) or MATERIAL_FAILED.
        """
        a_ = self.model.assembler
        g = self.geo
        form = a_.form
        F = fs.deformation_gradient(g.dNdX, g.N, g.xq, u, form, self.block.conn, a_.layout.dof0)
        # the gradients are not kept past this call: one buffer serves every iteration
        grad, hoop, J, ok = fs.spatial_gradients(g.dNdX, g.N, g.xq, F, form, out=self._grad)
        self._grad = grad
        if not ok:
            return INVERTED
        n_el, n_qp = self.shape
        n = n_el * n_qp
        ep = self._pending
        md = self.formulation == MEAN_DILATATION
        s0 = self.s0
        if ep.reset is not None and ep.reset.any():
            s0 = s0.copy()
            rows = np.repeat(ep.reset, n_qp)
            s0[rows] = self.material.initial_state(int(rows.sum()))
        Feff = F if ep.Fa_inv is None else np.einsum("eqij,eqjk->eqik", F, ep.Fa_inv)
        Tf = T.reshape(n)
        Ta = ep.Ta.reshape(n)
        # the stress goes to the tau buffer that is not the committed stress
        k_tau = 1 if self._tau_committed == 0 else 0
        out = (self._buffer(f"tau{k_tau}", (n, 3, 3)), self._buffer("a", (n, 9, 9)))
        self._tau_trial = None
        if ep.active.all():
            tau, a, s1, status = self._update(Feff.reshape(n, 3, 3), Tf, Ta, dt, md, s0, out)
        else:
            act_q = np.repeat(ep.active, n_qp)
            tau, a = out
            s1 = s0.copy()
            status = np.zeros(n, dtype=np.int8)
            Fq = Feff.reshape(n, 3, 3)
            if act_q.any():
                t_, a_a, s_, st = self._update(Fq[act_q], Tf[act_q], Ta[act_q], dt, md, s0[act_q])
                tau[act_q], a[act_q], s1[act_q], status[act_q] = t_, a_a, s_, st
            off = ~act_q
            m = int(off.sum())
            tau_off = np.empty((m, 3, 3))
            a_off = np.empty((m, 9, 9))
            # the soft carrier: neo-Hookean, nu about 0.29 so it never locks
            mooney_rivlin(np.ascontiguousarray(Fq[off]), np.full(1, 0.5 * self.soft_mu),
                          np.zeros(1), np.full(1, 2.0 * self.soft_mu), np.ones(1), True,
                          tau_off, a_off)
            tau[off], a[off] = tau_off, a_off
        if np.any(status):
            self._trial = None    # its stress may be in the buffer just overwritten
            return MATERIAL_FAILED
        if tau is out[0]:
            self._tau_trial = k_tau
        tau = tau.reshape(self.shape + (3, 3))
        a = a.reshape(self.shape + (9, 9))
        if not self.plain:   # tau and a are this evaluation's own arrays: scale in place
            Ja = ep.Ja[..., None, None]
            tau *= Ja
            a *= Ja
        if md:
            theta, V = fs.element_dilatation(J, g.dV)
            theta_eff = theta / ep.theta_a
            th = np.repeat(theta_eff, n_qp)
            dU, d2U = self.material.volumetric(th, Tf, Ta)
            w = g.dV / V[:, None]
            pbar = (dU.reshape(self.shape) * w).sum(axis=1) * ep.active
            kbar = (d2U.reshape(self.shape) * w).sum(axis=1) / (ep.theta_a * V) * ep.active
        else:
            pbar = kbar = np.zeros(n_el)
        fs.force_tangent(grad, hoop, g.dV, J, tau, a, pbar, kbar, form, want_tangent,
                         self.block.conn, g.emap, a_.indptr, a_.goff, a_.layout.dof0, g.order,
                         g.cptr, config.COLOUR_BLOCK, data, f, fabs)
        if md:
            tau = tau + (pbar[:, None] * J)[..., None, None] * np.eye(3)
            self._tau_trial = None
        self._trial = (F, Feff, tau, J, s1)
        return OK

    def _update(self, F, T, Tref, dt, md, s0, out=None):
        """The material pass; out = (tau, a) work arrays the material may fill."""
        m = self.material
        kw = {"out": out} if out is not None and getattr(m, "fills_out", False) else {}
        if m.split:
            return m.update(F, T, Tref, dt, s0, volumetric=not md, **kw)
        return m.update(F, T, Tref, dt, s0, R=self.R, **kw)

    def commit(self):
        """Accept the last evaluated state (and activation changes) as converged."""
        if self._trial is None:
            raise RuntimeError("commit without a successful evaluation")
        F, Feff, tau, J, s1 = self._trial
        self.F, self.Feff, self.tau, self.J = F, Feff, tau, J
        self._tau_committed = self._tau_trial
        self.s0 = s1
        self.epoch = self._pending
        self.epoch.reset = None
        self._pending = self.epoch

    def cauchy_voigt(self):
        """Cauchy stress (n_el, n_qp, 6) MPa of the converged state."""
        sig = self.tau / self.J[..., None, None]
        return np.stack([sig[..., 0, 0], sig[..., 1, 1], sig[..., 2, 2], sig[..., 0, 1],
                         sig[..., 1, 2], sig[..., 0, 2]], axis=-1)

    def log_strain_voigt(self):
        """Logarithmic strain ln(V) (n_el, n_qp, 6), tensor components, measured from the
        configuration where the element was (last) activated."""
        Fe = getattr(self, "Feff", self.F)
        b = Fe @ np.swapaxes(Fe, -1, -2)
        w, v = np.linalg.eigh(b)
        h = np.einsum("...ik,...k,...jk->...ij", v, 0.5 * np.log(w), v)
        return np.stack([h[..., 0, 0], h[..., 1, 1], h[..., 2, 2], h[..., 0, 1],
                         h[..., 1, 2], h[..., 0, 2]], axis=-1)

    def active_field(self):
        """1 for active elements, 0 for inactive ones, per quadrature point."""
        return np.repeat(self.epoch.active.astype(float)[:, None], self.shape[1], axis=1)

    def state_field(self, column):
        """A column of the material state reshaped to (n_el, n_qp), or None."""
        if self.s0.shape[1] <= column:
            return None
        return self.s0[:, column].reshape(self.shape)

    def describe(self):
        return (f"{SHORT_NAME.get(self.block.etype.name, self.block.etype.name)} "
                f"{self.formulation} in region {self.model.mesh.regions[self.block.region]}")


def _shear_modulus(material, T):
    """Largest small-strain shear modulus of a material over temperatures T, MPa."""
    if hasattr(material, "shear_modulus"):
        return float(np.max(material.shear_modulus(T)))
    if material.isotropic:
        return float(np.max(material.lame(T, 0)[1]))
    return float(np.max(material.stiffness(T, 0)[..., 3, 3]))


class Epoch:
    """Activation state of a block's elements.

    active : (n_el,) bool; Fa_inv : (n_el, n_qp, 3, 3) inverse reference configuration or None
    (the original one); Ja : (n_el, n_qp) its volume ratio; Ta : (n_el, n_qp) stress-free
    temperature, deg C; theta_a : (n_el,) element volume ratio at activation; reset : elements
    whose material state starts afresh in the pending increment; molten : (n_el,) bool,
    inactive because molten (only these solidify; a region not yet activated or deactivated
    does not)
    """

    def __init__(self, active, Fa_inv, Ja, Ta, theta_a, reset=None, molten=None):
        self.active, self.Fa_inv, self.Ja, self.Ta, self.theta_a = active, Fa_inv, Ja, Ta, theta_a
        self.reset = reset
        self.molten = np.zeros(len(active), dtype=bool) if molten is None else molten

    def copy(self):
        return Epoch(self.active.copy(), None if self.Fa_inv is None else self.Fa_inv.copy(),
                     self.Ja.copy(), self.Ta.copy(), self.theta_a.copy(),
                     molten=self.molten.copy())


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

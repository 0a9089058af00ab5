"""The written-out neo-Hookean kernel against the generic Mooney-Rivlin path (same bits), and
the finite-strain block's reused work arrays (a committed stress is never overwritten)."""

import numpy as np
import pytest
from numba import njit

from solver.materials.hyperelastic import (_isochoric_b, _mooney_rivlin_iso, _volumetric,
                                           mooney_rivlin)
from solver.materials.tensor import add_geometric, add_volumetric


@njit
def _generic(F, C10, C01, K, Jth, with_volumetric, tau, a):
    """The generic path at every point, whatever C01."""
    bbar = np.empty((3, 3))
    b2 = np.empty((3, 3))
    tiso = np.empty((3, 3))
    for p in range(F.shape[0]):
        J = _isochoric_b(F[p], bbar)
        tp = tau[p]
        ap = a[p]
        tp[:, :] = 0.0
        ap[:, :] = 0.0
        _mooney_rivlin_iso(bbar, C10[p], C01[p], tp, ap, 1.0, b2, tiso)
        add_geometric(tp, ap)
        if with_volumetric:
            dU, d2U = _volumetric(J, K[p], Jth[p])
            add_volumetric(J, dU, d2U, tp, ap)


def _points(n, seed=0):
    rng = np.random.default_rng(seed)
    F = np.eye(3) + 0.3 * rng.uniform(-1.0, 1.0, (n, 3, 3))
    F[np.linalg.det(F) < 0.2] = np.eye(3)
    C10 = rng.uniform(0.1, 2.0, n)
    C01 = np.where(rng.random(n) < 0.3, rng.uniform(0.05, 0.5, n), 0.0)
    K = rng.uniform(10.0, 2000.0, n)
    Jth = 1.0 + 0.01 * rng.random(n)
    return F, C10, C01, K, Jth


@pytest.mark.parametrize("volumetric", [True, False])
def test_neo_hookean_kernel_same_bits(volumetric):
    """mooney_rivlin (written-out neo-Hookean points, generic Mooney-Rivlin ones) gives the
    generic path's stress and tangent exactly; parameters given once (length 1) equal them
    repeated at every point."""
    n = 2000
    F, C10, C01, K, Jth = _points(n)
    ref_tau, ref_a = np.empty((n, 3, 3)), np.empty((n, 9, 9))
    _generic(F, C10, C01, K, Jth, volumetric, ref_tau, ref_a)
    tau, a = np.full((n, 3, 3), np.nan), np.full((n, 9, 9), np.nan)
    mooney_rivlin(F, C10, C01, K, Jth, volumetric, tau, a)
    assert np.array_equal(tau, ref_tau)
    assert np.array_equal(a, ref_a)
    one = [np.array([x[0]]) for x in (C10, np.zeros(1), K, Jth)]
    _generic(F, *[np.full(n, x[0]) for x in one], volumetric, ref_tau, ref_a)
    mooney_rivlin(F, *one, volumetric, tau, a)
    assert np.array_equal(tau, ref_tau)
    assert np.array_equal(a, ref_a)


@pytest.mark.parametrize("block_form", ["standard", "mean-dilatation"])
def test_block_work_arrays(block_form, tmp_path):
    """Evaluations reuse the block's arrays: the committed stress survives later evaluations,
    and every evaluation equals a fresh block's."""
    from test_finite_strain import MATERIAL_TABLES, _fd_model

    from solver.analysis.continuum import ContinuumBlock

    model = _fd_model(tmp_path, "3d", "hex8", dict(MATERIAL_TABLES["neo-hookean"]), 3)
    a = model.assembler
    T = model.temperature_at_qp(model.case.steps[0].temperature_end)[0]
    rng = np.random.default_rng(5)
    us = [0.05 * rng.normal(size=a.n_dof) for _ in range(4)]

    def evaluate(block, u):
        f, fabs, data = np.zeros(a.n_dof), np.zeros(a.n_dof), a.new_matrix_data()
        assert block.evaluate(u, T, 0.0, True, f, fabs, data) == 0
        return f, data

    block = ContinuumBlock(model, 0, block_form)
    committed = None
    for i, u in enumerate(us):
        f, data = evaluate(block, u)
        f_new, data_new = evaluate(ContinuumBlock(model, 0, block_form), u)
        assert np.array_equal(f, f_new) and np.array_equal(data, data_new)
        if committed is not None:   # the last evaluation did not touch the committed stress
            assert np.array_equal(block.tau, committed)
            assert not np.shares_memory(block.tau, block._trial[2])
        if i % 2 == 0:
            block.commit()
            committed = block.tau.copy()

"""Compression-set calibration: the two-network closed form and the Arrhenius fit."""

import math

import pytest

from solver.cli import main
from solver.materials.calibration import (SetPoint, calibrate, compression_set, held_stretch,
                                          predicted_set, recovered_stretch, reformed_fraction)


def test_closed_form_balance_and_its_inverse():
    # q from a set, then the set from q: the same number
    for pct in (1.0, 15.0, 40.0, 80.0):
        q = reformed_fraction(pct)
        assert 0 < q < 1
        assert compression_set(q) == pytest.approx(pct, rel=1e-9)
    # no re-formed network: full recovery; all re-formed: the held stretch stays
    assert recovered_stretch(0.0) == 1.0
    assert recovered_stretch(1.0 - 1e-12) == pytest.approx(0.75, abs=1e-6)


def test_balance_of_nominal_stresses():
    """At the recovered stretch the two networks' nominal stresses cancel (Tobolsky)."""
    lh = 0.75
    q = 0.3
    lr = recovered_stretch(q)
    first = (1 - q) * (lr - lr ** -2)
    second = q / lh * ((lr / lh) - (lr / lh) ** -2)
    assert first + second == pytest.approx(0.0, abs=1e-12)
    assert lh < lr < 1.0


def test_arrhenius_fit_recovers_the_activation_energy():
    Q = 9000.0
    truth = {"k_ref": 2e-6, "T_ref": 150.0, "activation_temperature": Q, "q_max": 1.0}
    points = [SetPoint(T, 22.0, predicted_set(truth, T, 22.0)) for T in (100.0, 150.0, 175.0)]
    fit = calibrate(points, T_ref=150.0)
    assert fit["activation_temperature"] == pytest.approx(Q, rel=1e-6)
    assert fit["k_ref"] == pytest.approx(2e-6, rel=1e-6)
    for p in points:
        assert predicted_set(fit, p.temperature, p.hours) == pytest.approx(p.percent, rel=1e-6)


def test_one_point_uses_the_published_activation_energy():
    fit = calibrate([SetPoint(175.0, 22.0, 15.0)])
    assert fit["activation_temperature"] * 8.314462618 == pytest.approx(63000.0, rel=1e-9)
    assert predicted_set(fit, 175.0, 22.0) == pytest.approx(15.0, rel=1e-9)
    # first-order kinetics: a longer hold sets more, a cooler one less
    assert predicted_set(fit, 175.0, 44.0) > 15.0 > predicted_set(fit, 150.0, 22.0)


def test_library_silicone_pad_matches_its_calibration():
    from solver.materials.library import load

    m = load("silicone-pad")
    alpha = 3.3e-4   # its CTE: the D395 specimen is heated between fixed plates
    q = m.fraction(0.0, 175.0, 22 * 3600.0)
    assert compression_set(q, held=held_stretch(0.25, alpha, 175.0)) == \
        pytest.approx(15.0, rel=1e-4)
    # a 1 h die-attach cure at 150 C: the pad recovers 80-100 % (here ~99.7 %)
    recovery = 100.0 - compression_set(m.fraction(0.0, 150.0, 3600.0))
    assert 80.0 <= recovery <= 100.0


def test_thermal_expansion_in_the_oven():
    """Heated between fixed plates, a specimen with a CTE holds its networks at the isochoric
    stretch (1 - c) / (1 + alpha dT): the kinetics calibrated with alpha predict the measured
    set for that test and a smaller set for the same hold without expansion."""
    assert held_stretch(0.25, 3.3e-4, 175.0) == pytest.approx(0.75 / (1 + 3.3e-4 * 152.0))
    fit = calibrate([SetPoint(175.0, 22.0, 15.0)], alpha=3.3e-4)
    plain = calibrate([SetPoint(175.0, 22.0, 15.0)])
    assert predicted_set(fit, 175.0, 22.0, alpha=3.3e-4) == pytest.approx(15.0, rel=1e-9)
    # the same set from a deeper held stretch needs less re-formed network: slower kinetics
    assert fit["k_ref"] < plain["k_ref"]
    assert predicted_set(fit, 175.0, 22.0) < 15.0


def test_cli_prints_parameters(capsys):
    assert main(["calibrate", "--point", "175,22,15", "--check", "150,1"]) == 0
    out = capsys.readouterr().out
    assert 'model = "two-network"' in out and "predicted: 150 C, 1 h" in out
    assert main(["calibrate", "--point", "175,22"]) == 2
    assert "T,HOURS,PERCENT" in capsys.readouterr().err


def test_refuses_impossible_data():
    from solver.errors import InputError

    with pytest.raises(InputError):
        calibrate([SetPoint(175.0, 22.0, 120.0)])
    with pytest.raises(InputError, match="falls with temperature"):
        calibrate([SetPoint(100.0, 22.0, 30.0), SetPoint(175.0, 22.0, 10.0)])
    assert math.isfinite(calibrate([SetPoint(70.0, 22.0, 5.0), SetPoint(175.0, 22.0, 15.0)])
                         ["activation_temperature"])

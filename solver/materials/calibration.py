"""Calibrate the two-network compression-set kinetics from ASTM D395 method B results.

Method B: a disc compressed to a fixed deflection (25 %: held stretch lh = 0.75) for t hours
at temperature T, released, and measured; the compression set is C_B = (t0 - ti)/(t0 - tn),
t0 the original, ti the recovered and tn the spacer height.

Two-network theory (incompressible neo-Hookean networks, homogeneous unconfined state): a
fraction q of the network re-formed at the held stretch lh; after release the stretch lr
balances the two networks' nominal stresses,
    (1 - q)(lr - lr^-2) + (q / lh)((lr / lh) - (lr / lh)^-2) = 0,
which is linear in q:  q = A / (A - B), A = lr - lr^-2, B = ((lr/lh) - (lr/lh)^-2) / lh,
with lr = 1 - C_B (1 - lh). First-order kinetics at constant T give the rate
k = -ln(1 - q / q_max) / t, and k(T) = k_ref exp(-Q (1/T - 1/T_ref)) (Arrhenius, T in K).
Two or more temperatures fit Q (least squares in ln k versus 1/T); with one temperature Q
must be given.

Thermal expansion: the specimen is compressed at 23 C and heated between fixed plates. Its
thermal expansion is volumetric, so it leaves the isochoric (shape) part of the deformation,
the part the networks feel, at lh = (1 - c) / (1 + alpha (T - 23)) along the axis instead of
1 - c (a silicone with alpha = 330 ppm/K held at 175 C: 0.714 instead of 0.75). The recovered
stretch is measured back at 23 C, where the thermal strain is gone. Give the specimen's secant
CTE (1/K, from 23 C) as ``alpha`` so the kinetics describe the material, not the test.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

ZERO_CELSIUS = 273.15
#: ASTM D395: the specimen is measured (and compressed) at 23 C
ROOM_TEMPERATURE = 23.0
#: Q = Ea / R used when one temperature is given: 63 kJ/mol, the apparent activation energy
#: of chemical stress relaxation of polysiloxane rubber at 120-175 C (Polymer Degradation and
#: Stability, "Continuous and intermittent stress relaxation studies on foamed polysiloxane
#: rubber": 63 +/- 4 kJ/mol).
DEFAULT_ACTIVATION_TEMPERATURE = 63000.0 / 8.314462618


@dataclass(frozen=True)
class SetPoint:
    """One ASTM D395 B result: temperature (deg C), hold (h), compression set (%)."""

    temperature: float
    hours: float
    percent: float


def held_stretch(compression=0.25, alpha=0.0, temperature=ROOM_TEMPERATURE):
    """Isochoric axial stretch of a specimen compressed by ``compression`` (fraction) at 23 C
    and held at ``temperature`` (deg C) between fixed plates; ``alpha`` its secant CTE (1/K)."""
    return (1.0 - compression) / (1.0 + alpha * (temperature - ROOM_TEMPERATURE))


def reformed_fraction(percent, compression=0.25, held=None):
    """Network fraction q re-formed during the hold, from a compression set (%).

    held: the isochoric held stretch (default 1 - compression: no thermal expansion)."""
    lh = 1.0 - compression if held is None else held
    lr = 1.0 - percent / 100.0 * compression
    A = lr - lr ** -2
    B = ((lr / lh) - (lr / lh) ** -2) / lh
    return A / (A - B)


def recovered_stretch(q, compression=0.25, held=None):
    """Recovered stretch lr after release for a re-formed fraction q (inverse of the above)."""
    from scipy.optimize import brentq

    lh = 1.0 - compression if held is None else held
    if q <= 0.0:
        return 1.0

    def balance(lr):
        return (1 - q) * (lr - lr ** -2) + q / lh * ((lr / lh) - (lr / lh) ** -2)
    return brentq(balance, lh, 1.0)


def compression_set(q, compression=0.25, held=None):
    """Compression set (%) for a re-formed fraction q."""
    return 100.0 * (1.0 - recovered_stretch(q, compression, held)) / compression


def calibrate(points, compression=0.25, q_max=1.0, T_ref=None, activation_temperature=None,
              alpha=0.0):
    """Kinetic parameters {k_ref (1/s), T_ref (C), activation_temperature (K), q_max}.

    points : SetPoints; with a single temperature, activation_temperature defaults to
    DEFAULT_ACTIVATION_TEMPERATURE. alpha : the specimen's secant CTE from 23 C (1/K).
    """
    if not points:
        raise InputError("calibrate: give at least one compression-set point")
    T, k = [], []
    for p in points:
        if not 0 < p.percent < 100:
            raise InputError(f"calibrate: compression set {p.percent} % must lie in (0, 100)")
        if p.hours <= 0:
            raise InputError(f"calibrate: hold time {p.hours} h must be positive")
        q = reformed_fraction(p.percent, compression,
                              held_stretch(compression, alpha, p.temperature))
        if q >= q_max:
            raise InputError(f"calibrate: {p.percent} % needs a re-formed fraction {q:.3f} "
                             f">= q_max = {q_max}")
        T.append(p.temperature + ZERO_CELSIUS)
        k.append(-math.log(1.0 - q / q_max) / (p.hours * 3600.0))
    T = np.array(T)
    k = np.array(k)
    if activation_temperature is None:
        if np.ptp(T) > 0:
            # ln k = ln k0 - Q / T: least squares
            A = np.column_stack([np.ones(len(T)), -1.0 / T])
            ln_k0, Q = np.linalg.lstsq(A, np.log(k), rcond=None)[0]
            if Q < 0:
                raise InputError("calibrate: the compression set falls with temperature; "
                                 "the Arrhenius fit needs it to rise")
        else:
            Q = DEFAULT_ACTIVATION_TEMPERATURE
    else:
        Q = float(activation_temperature)
    T_ref_K = (float(T_ref) + ZERO_CELSIUS) if T_ref is not None else float(T.max())
    # k_ref: the fit evaluated at T_ref (geometric mean of the points' predictions)
    k_ref = float(np.exp(np.mean(np.log(k) + Q * (1.0 / T - 1.0 / T_ref_K))))
    return {"k_ref": k_ref, "T_ref": T_ref_K - ZERO_CELSIUS, "activation_temperature": float(Q),
            "q_max": q_max}


def predicted_set(params, temperature, hours, compression=0.25, alpha=0.0):
    """Compression set (%) the calibrated kinetics predict for a hold (h) at temperature (C)
    of a specimen with secant CTE alpha (1/K)."""
    TK = temperature + ZERO_CELSIUS
    k = params["k_ref"] * math.exp(-params["activation_temperature"]
                                   * (1.0 / TK - 1.0 / (params["T_ref"] + ZERO_CELSIUS)))
    q = params["q_max"] * (1.0 - math.exp(-k * hours * 3600.0))
    return compression_set(q, compression, held_stretch(compression, alpha, temperature))

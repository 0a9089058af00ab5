"""Material properties that are constants or tables of temperature.

A table ``{ T = [...], value = [...] }`` (degrees C) is interpolated linearly and held
constant beyond its first and last points.
"""

import numpy as np

from ..errors import InputError


class Property:
    """A scalar property, constant or tabulated in temperature.

    Call it with temperatures (any shape, deg C) to get values of the same shape.
    """

    def __init__(self, T, value):
        self.T = np.asarray(T, dtype=float)
        self.value = np.asarray(value, dtype=float)

    @classmethod
    def parse(cls, raw, where):
        """From a number or a ``{T, value}`` table; ``where`` names the field for messages."""
        if isinstance(raw, bool):
            raise InputError(f"{where}: expected a number or a table {{ T = [...], value = [...] }}")
        if isinstance(raw, (int, float)):
            return cls([0.0], [float(raw)])
        if isinstance(raw, dict):
            extra = set(raw) - {"T", "value"}
            if extra or "T" not in raw or "value" not in raw:
                raise InputError(f"{where}: a table needs exactly the keys T and value "
                                 f"(got {', '.join(sorted(raw))})")
            try:
                T = np.asarray(raw["T"], dtype=float)
                v = np.asarray(raw["value"], dtype=float)
            except (TypeError, ValueError):
                raise InputError(f"{where}: T and value must be lists of numbers") from None
            if T.ndim != 1 or T.shape != v.shape or len(T) == 0:
                raise InputError(f"{where}: T and value must be lists of the same length")
            if np.any(np.diff(T) <= 0):
                raise InputError(f"{where}.T: temperatures must increase")
            if not (np.all(np.isfinite(T)) and np.all(np.isfinite(v))):
                raise InputError(f"{where}: values must be finite")
            return cls(T, v)
        raise InputError(f"{where}: expected a number or a table {{ T = [...], value = [...] }}")

    @property
    def is_constant(self):
        return len(self.T) == 1

    def __call__(self, T):
        T = np.asarray(T, dtype=float)
        if self.is_constant:
            return np.full(T.shape, self.value[0])
        return np.interp(T, self.T, self.value)

    def integral(self, T0, T1):
        """Exact integral of the interpolated property from T0 to T1 (arrays broadcast)."""
        T0 = np.asarray(T0, dtype=float)
        T1 = np.asarray(T1, dtype=float)
        if self.is_constant:
            return self.value[0] * (T1 - T0)
        return self._antiderivative(T1) - self._antiderivative(T0)

    def _antiderivative(self, T):
        # cumulative trapezoid at the breakpoints, then the partial segment
        Tk, vk = self.T, self.value
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (vk[1:] + vk[:-1]) * np.diff(Tk))])
        Tc = np.clip(T, Tk[0], Tk[-1])
        i = np.clip(np.searchsorted(Tk, Tc, side="right") - 1, 0, len(Tk) - 2)
        v_at = np.interp(Tc, Tk, vk)
        inside = cum[i] + 0.5 * (vk[i] + v_at) * (Tc - Tk[i])
        # constant extension outside the table
        return inside + np.where(T < Tk[0], vk[0] * (T - Tk[0]), 0.0) \
            + np.where(T > Tk[-1], vk[-1] * (T - Tk[-1]), 0.0)

    def min(self):
        return float(self.value.min())

    def max(self):
        return float(self.value.max())

    def to_json(self):
        if self.is_constant:
            return float(self.value[0])
        return {"T": self.T.tolist(), "value": self.value.tolist()}

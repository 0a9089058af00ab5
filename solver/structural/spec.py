"""The case file's [[beams]] tables: validation with key-path messages, resolved records.

```toml
[[beams]]
name = "lead-1"                 # group name in reports and output (default: the curve)
curve = "lead-1"                # physical curve whose line / line3 cells become beams
material = "copper-plastic"     # library name or inline table (linear-elastic | j2-plastic)
section = { shape = "rectangle", width = 0.05, thickness = 0.018 }   # or circle, diameter
fibres = 9                      # points through the thickness (per direction in 3D)
orientation = [0, 0, 1]         # 3D: direction of the section's width axis
ends = { "lead-1-tip" = "tied", "lead-1-root" = "free" }   # point groups -> tied | free
tie_penalty = 1e4               # tie stiffness / (4 E I / L of the end element)
temperature_region = "frame"    # follow this region's temperature (default: 'default')
```
"""

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..formulation import AXISYMMETRIC, PLANE_STRESS
from ..materials import library
from .section import CIRCLE, RECTANGLE, Section

KEYS = {"name", "curve", "material", "section", "fibres", "orientation", "ends", "tie_penalty",
        "temperature_region", "points"}
MODES = ("tied", "free")
MATERIAL_MODELS = ("linear-elastic", "j2-plastic")


@dataclass
class BeamSpec:
    """One validated [[beams]] table."""

    index: int
    where: str                 # "case.toml: beams[0]"
    name: str
    curve: str
    material: object
    section: Section
    orientation: np.ndarray | None
    ends: dict = field(default_factory=dict)   # point name -> "tied" | "free"
    tie_penalty: float = 1e4
    temperature_region: str | None = None
    points: int = 2            # Gauss points along each element


def _fail(where, msg):
    raise InputError(f"{where}: {msg}")


def _number(t, key, where, default=None, positive=True, integer=False):
    v = t.get(key, default)
    if v is None:
        _fail(f"{where}.{key}", "missing (a number)")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
        _fail(f"{where}.{key}", f"expected a number, got {v!r}")
    if integer and int(v) != v:
        _fail(f"{where}.{key}", "expected a whole number")
    if positive and v <= 0:
        _fail(f"{where}.{key}", f"must be positive, got {v}")
    return int(v) if integer else float(v)


def _keys(t, allowed, where):
    import difflib

    if not isinstance(t, dict):
        _fail(where, "expected a table")
    for k in t:
        if k not in allowed:
            close = difflib.get_close_matches(k, list(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f" (allowed: {', '.join(sorted(allowed))})"
            _fail(f"{where}.{k}", f"unknown key{hint}")


def parse_beams(case, mesh, tables):
    """Validated BeamSpec list of the case's [[beams]] tables (checked against the mesh)."""
    path = case.path
    if case.mesh.form == AXISYMMETRIC:
        raise InputError(f"{path}: beams: beam elements need a plane-strain or 3d model, not "
                         "an axisymmetric one")
    if case.mesh.form == PLANE_STRESS:
        raise InputError(f"{path}: beams: beams need the nonlinear analysis, which has no plane "
                         "stress; use plane-strain (the model depth is one lead pitch)")
    dim = mesh.dim
    specs, names = [], set()
    for i, t in enumerate(tables):
        where = f"{path}: beams[{i}]"
        _keys(t, KEYS, where)
        if "curve" not in t or not isinstance(t["curve"], str):
            _fail(f"{where}.curve", "missing: the physical curve whose line cells become beams")
        curve = t["curve"]
        if curve not in mesh.boundaries:
            import difflib

            curves = sorted(n for n, b in mesh.boundaries.items() if b.dim == 1)
            close = difflib.get_close_matches(curve, curves, n=1)
            hint = f"did you mean '{close[0]}'?" if close else \
                f"physical curves: {', '.join(curves) or 'none'}"
            _fail(f"{where}.curve", f"no physical curve '{curve}' in mesh {mesh.source} ({hint})")
        b = mesh.boundaries[curve]
        if b.dim != 1 or not b.facets or any(e.name not in ("line", "line3") for e, _ in b.facets):
            _fail(f"{where}.curve", f"'{curve}' is not a physical curve of line elements")
        name = t.get("name", curve)
        if not isinstance(name, str) or not name:
            _fail(f"{where}.name", "expected a non-empty string")
        if name in names:
            _fail(f"{where}.name", f"beam group name '{name}' is used twice")
        names.add(name)
        material = _material(t, where)
        fibres = _number(t, "fibres", where, default=9 if dim == 2 else 5, integer=True)
        sec = _section(t, where, dim, fibres)
        orientation = None
        if "orientation" in t:
            if dim == 2:
                _fail(f"{where}.orientation", "only for 3D models (a 2D beam bends in the plane)")
            o = t["orientation"]
            if not isinstance(o, list) or len(o) != 3 or not all(
                    isinstance(c, (int, float)) and not isinstance(c, bool) for c in o):
                _fail(f"{where}.orientation", "expected 3 numbers: the section's width axis")
            orientation = np.asarray(o, dtype=float)
            if np.linalg.norm(orientation) == 0:
                _fail(f"{where}.orientation", "must not be the zero vector")
        elif dim == 3 and sec.shape == RECTANGLE:
            _fail(f"{where}.orientation", "missing: a rectangular section in 3D needs the "
                  "direction of its width axis, e.g. orientation = [0, 0, 1]")
        ends = t.get("ends", {})
        if not isinstance(ends, dict):
            _fail(f"{where}.ends", "expected a table { \"point name\" = \"tied\" | \"free\" }")
        for pname, mode in ends.items():
            if mode not in MODES:
                _fail(f"{where}.ends.{pname}", f"expected \"tied\" or \"free\", got {mode!r}")
            if pname not in mesh.boundaries or mesh.boundaries[pname].dim != 0:
                points = sorted(n for n, bb in mesh.boundaries.items() if bb.dim == 0)
                _fail(f"{where}.ends.{pname}", f"no physical point '{pname}' in mesh "
                      f"{mesh.source} (physical points: {', '.join(points) or 'none'})")
        penalty = _number(t, "tie_penalty", where, default=1e4)
        region = t.get("temperature_region")
        if region is not None and region not in mesh.regions:
            _fail(f"{where}.temperature_region", f"no region '{region}' (regions: "
                  f"{', '.join(mesh.regions)})")
        points = _number(t, "points", where, default=2, integer=True)
        if points not in (1, 2, 3, 4, 5):
            _fail(f"{where}.points", "Gauss points along an element: 1 to 5")
        specs.append(BeamSpec(i, where, name, curve, material, sec, orientation, dict(ends),
                              penalty, region, points))
    return specs


def _material(t, where):
    if "material" not in t:
        _fail(f"{where}.material", "missing: a library name or an inline table with a model")
    m = t["material"]
    if isinstance(m, str):
        mat = library.load(m, f"{where}.material")
    elif isinstance(m, dict):
        table = dict(m)
        name = table.pop("name", "inline")
        mat = library.build(name, table, f"{where}.material")
    else:
        _fail(f"{where}.material", "expected a library name or an inline table")
    if mat.key not in MATERIAL_MODELS:
        _fail(f"{where}.material", f"beam fibres take a {' or '.join(MATERIAL_MODELS)} "
              f"material; '{mat.name}' is {mat.key}")
    return mat


def _section(t, where, dim, fibres):
    if "section" not in t:
        _fail(f"{where}.section", "missing: { shape = \"rectangle\", width = ..., thickness = "
              "... } or { shape = \"circle\", diameter = ... } (mm)")
    s = t["section"]
    w = f"{where}.section"
    if not isinstance(s, dict):
        _fail(w, "expected a table with shape")
    shape = s.get("shape")
    if shape == RECTANGLE:
        _keys(s, {"shape", "width", "thickness"}, w)
        if fibres < 3:
            _fail(f"{where}.fibres", "a rectangle needs at least 3 fibres per direction")
        return Section(RECTANGLE, dim, fibres, width=_number(s, "width", w),
                       thickness=_number(s, "thickness", w))
    if shape == CIRCLE:
        _keys(s, {"shape", "diameter"}, w)
        if fibres < 3:
            _fail(f"{where}.fibres", "a circle needs at least 3 fibres")
        return Section(CIRCLE, dim, fibres, diameter=_number(s, "diameter", w))
    _fail(f"{w}.shape", f"expected \"rectangle\" or \"circle\", got {shape!r}")

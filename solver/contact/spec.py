"""Case-file tables of rigid platens: ``[[platens]]`` and the steps' ``platens`` key.

Validated here, at the edge, with messages that name the file and the key path; the group
(solver.contact.platen) trusts what it gets.

    [[platens]]
    name = "platen-top"            # history/summary label (unique)
    surface = "top"                # mesh boundary (default: the name)
    normal = [0.0, -1.0]           # from the platen into the body (default: from a flat surface)
    gap = 0.0                      # initial distance to the nearest surface point, mm
    mode = "contact"               # contact | held | released (until a step says otherwise)
    friction = 0.0                 # Coulomb coefficient (contact mode)
    stiffness = "auto"             # penalty, N/mm^3: "auto" = 100 E_n / h per node
    tolerance = 1e-5               # augmentation: penetration / slip <= tolerance * h

    [[steps]]
    platens = { platen-top = { mode = "contact", displacement = [0.0, -0.1] } }
"""

import difflib
import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..formulation import AXISYMMETRIC

MODES = ("contact", "held", "released")
PLATEN_KEYS = ("name", "surface", "normal", "gap", "mode", "friction", "stiffness", "tolerance")
STEP_KEYS = ("mode", "displacement", "force")

#: "auto" penalty: AUTO_FACTOR * E_n / h (N/mm^3), E_n the uniaxial modulus of the contacting
#: material along the normal and h the depth of the element under the node
AUTO_FACTOR = 100.0
#: default augmentation tolerance: penetration, held offset and stick slip <= TOL * h
DEFAULT_TOLERANCE = 1e-5


@dataclass(frozen=True)
class StepAction:
    """What a platen does during one step.

    mode : contact | held | released; control : "displacement" | "force";
    value : (dim,) total platen displacement (mm) or force on the body (N) at the step end;
    None (displacement control): the platen stays where it is at the start of the step
    """

    mode: str
    control: str
    value: tuple


@dataclass(frozen=True)
class PlatenSpec:
    """A validated ``[[platens]]`` table with one StepAction per case step.

    normal : unit vector (dim,) or None (infer from the surface); stiffness : None = auto
    """

    name: str
    surface: str
    normal: tuple | None
    gap: float
    friction: float
    stiffness: float | None
    tolerance: float
    steps: tuple
    where: str


def _fail(path, where, msg):
    raise InputError(f"{path}: {where}: {msg}")


def _keys(path, table, allowed, where):
    if not isinstance(table, dict):
        _fail(path, where, "expected a table")
    for k in table:
        if k not in allowed:
            close = difflib.get_close_matches(k, list(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f" (allowed: {', '.join(sorted(allowed))})"
            _fail(path, f"{where}.{k}", f"unknown key{hint}")


def _number(path, table, key, where, default, minimum=None, positive=False):
    v = table.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        _fail(path, f"{where}.{key}", f"expected a finite number, got {v!r}")
    if positive and v <= 0:
        _fail(path, f"{where}.{key}", f"must be positive, got {v}")
    if minimum is not None and v < minimum:
        _fail(path, f"{where}.{key}", f"must be at least {minimum}, got {v}")
    return float(v)


def _vector(path, v, where, dim):
    if not isinstance(v, list) or len(v) != dim or not all(
            isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c)
            for c in v):
        _fail(path, where, f"expected {dim} numbers (one per axis), got {v!r}")
    return tuple(float(c) for c in v)


def _mode(path, table, where, default):
    m = table.get("mode", default)
    if m not in MODES:
        _fail(path, f"{where}.mode", f"{m!r} is not one of {', '.join(MODES)}")
    return m


def parse_platens(case, mesh, tables):
    """PlatenSpec per ``[[platens]]`` table; InputError naming the file and key on bad input."""
    path = case.path
    dim = mesh.dim
    axi = case.mesh.form == AXISYMMETRIC
    specs = []
    names = {}
    for i, t in enumerate(tables):
        where = f"platens[{i}]"
        _keys(path, t, PLATEN_KEYS, where)
        name = t.get("name")
        if not isinstance(name, str) or not name:
            _fail(path, f"{where}.name", "missing (a label for results, e.g. \"platen-top\")")
        if name in names:
            _fail(path, f"{where}.name", f"platen name '{name}' is used twice")
        names[name] = i
        surface = t.get("surface", name)
        if not isinstance(surface, str):
            _fail(path, f"{where}.surface", "expected a mesh boundary name")
        if surface not in mesh.boundaries:
            close = difflib.get_close_matches(surface, sorted(mesh.boundaries), n=1)
            hint = f"did you mean '{close[0]}'?" if close else \
                f"the mesh has: {', '.join(sorted(mesh.boundaries)) or 'none'}"
            _fail(path, f"{where}.surface", f"no boundary '{surface}' in mesh {mesh.source} "
                  f"({hint})")
        b = mesh.boundaries[surface]
        if b.dim != dim - 1 or not b.facets:
            _fail(path, f"{where}.surface", f"boundary '{surface}' has no "
                  f"{'faces' if dim == 3 else 'edges'}: a platen acts on a surface")
        normal = None
        if "normal" in t:
            nv = np.array(_vector(path, t["normal"], f"{where}.normal", dim))
            if np.linalg.norm(nv) == 0:
                _fail(path, f"{where}.normal", "must not be zero")
            normal = tuple(nv / np.linalg.norm(nv))
            if axi and abs(normal[0]) > 1e-12:
                _fail(path, f"{where}.normal", "an axisymmetric platen is a plane z = const: "
                      "its normal must be [0, 1] or [0, -1]")
        gap = _number(path, t, "gap", where, 0.0, minimum=0.0)
        friction = _number(path, t, "friction", where, 0.0, minimum=0.0)
        stiffness = t.get("stiffness", "auto")
        if stiffness == "auto":
            stiffness = None
        else:
            stiffness = _number(path, t, "stiffness", where, None, positive=True)
        tolerance = _number(path, t, "tolerance", where, DEFAULT_TOLERANCE, positive=True)
        mode0 = _mode(path, t, where, "contact")
        specs.append(dict(name=name, surface=surface, normal=normal, gap=gap, friction=friction,
                          stiffness=stiffness, tolerance=tolerance, mode=mode0, where=where))

    steps_raw = case.raw.get("steps", [])
    actions = {s["name"]: [] for s in specs}
    prev = {s["name"]: StepAction(s["mode"], "displacement", (0.0,) * dim) for s in specs}
    for si, step in enumerate(steps_raw):
        table = step.get("platens", {})
        swhere = f"steps[{si}].platens"
        if not isinstance(table, dict):
            _fail(path, swhere, "expected a table { <platen name> = { mode, displacement | "
                  "force } }")
        for key in table:
            if key not in names:
                close = difflib.get_close_matches(key, list(names), n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"the [[platens]] are: {', '.join(names) or 'none'}"
                _fail(path, f"{swhere}.{key}", f"no platen named '{key}' ({hint})")
        for s in specs:
            name = s["name"]
            a = prev[name]
            if name in table:
                w = f"{swhere}.{name}"
                sub = table[name]
                _keys(path, sub, STEP_KEYS, w)
                mode = _mode(path, sub, w, a.mode)
                if "displacement" in sub and "force" in sub:
                    _fail(path, w, "give displacement (mm) or force (N), not both")
                if "displacement" in sub:
                    a = StepAction(mode, "displacement",
                                   _vector(path, sub["displacement"], f"{w}.displacement", dim))
                elif "force" in sub:
                    a = StepAction(mode, "force", _vector(path, sub["force"], f"{w}.force", dim))
                elif mode == "released" and a.mode != "released":
                    # released without a motion: a displacement-controlled platen goes back
                    # where it started; a force-controlled one (it floated with the body)
                    # stays where it is: the hold is let go in place
                    a = StepAction(mode, "displacement",
                                   (0.0,) * dim if a.control == "displacement" else None)
                else:
                    a = StepAction(mode, a.control, a.value)
                _check_action(path, w, a, s, axi)
            actions[name].append(a)
            prev[name] = a
    return [PlatenSpec(s["name"], s["surface"], s["normal"], s["gap"], s["friction"],
                       s["stiffness"], s["tolerance"], tuple(actions[s["name"]]), s["where"])
            for s in specs]


def _check_action(path, where, a, s, axi):
    if a.control == "force" and a.mode == "released":
        _fail(path, where, "a released platen moves away: give its displacement, not a force")
    if a.value is None:
        return
    v = np.array(a.value)
    if axi and abs(v[0]) > 0:
        _fail(path, f"{where}.{a.control}", "an axisymmetric platen moves along the axis only: "
              "the radial (first) component must be 0")


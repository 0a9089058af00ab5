"""Case files: TOML -> frozen dataclasses, every error naming the file and the key path.

``load_case(path)`` validates what can be checked without the mesh; ``check_against_mesh``
then checks region, boundary and point names once the mesh is known.
"""

import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .expressions import Expression
from .formulation import AXISYMMETRIC, CODES, THREE_D

FIELDS = ("displacement", "stress", "temperature", "von-mises", "strain")
LINEAR_SOLVERS = ("auto", "direct", "iterative", "pardiso", "superlu", "amg", "pmg")
ELEMENT_FORMULATIONS = ("standard", "mean-dilatation")
#: top-level [[tables]] that create element groups (validated by their builders)
GROUP_TABLES = ("interfaces", "beams", "platens")


# ----------------------------------------------------------------------------- records
@dataclass(frozen=True)
class MeshSpec:
    """Where the mesh comes from and how it is interpreted."""

    file: Path | None
    family: str | None
    params: dict
    dim: int
    order: int
    size: float
    formulation: str
    thickness: float

    @property
    def form(self):
        return CODES[self.formulation]


@dataclass(frozen=True)
class TemperatureField:
    """A temperature (deg C): a number, an expression of coordinates, or one per region."""

    value: float | None = None
    expression: Expression | None = None
    regions: dict | None = None    # region name -> TemperatureField
    text: object = None            # what the case file said (for summary.json)

    def evaluate(self, x, region_names, region_ids, variables):
        """Temperatures at points ``x`` (..., dim) whose regions are ``region_ids`` (...)."""
        if self.regions is not None:
            out = np.empty(np.shape(region_ids))
            for rid, name in enumerate(region_names):
                sel = region_ids == rid
                if np.any(sel):
                    f = self.regions.get(name, self.regions.get("default"))
                    out[sel] = f.evaluate(x[sel], region_names, region_ids[sel], variables)
            return out
        if self.expression is not None:
            values = {v: x[..., i] for v, i in variables.items()}
            return self.expression(**values)
        return np.full(np.shape(x)[:-1], self.value)

    @property
    def is_uniform(self):
        return self.value is not None


@dataclass(frozen=True)
class Target:
    """What a condition acts on: a boundary, a region, or the node at a point."""

    kind: str            # "boundary" | "region" | "point"
    name: str | None
    point: tuple | None
    where: str           # key path for messages

    def label(self):
        if self.kind == "point":
            return "point (" + ", ".join(f"{c:g}" for c in self.point) + ")"
        return self.name


@dataclass(frozen=True)
class Fix:
    """Prescribed displacement components (mm): {0: ux, 1: uy, 2: uz}."""

    target: Target
    components: dict


@dataclass(frozen=True)
class Load:
    """A load: pressure (MPa, positive into the body), traction (MPa vector), force (N) or
    moment (N mm: a number about z in 2D, a vector in 3D) at a node with rotations."""

    target: Target
    kind: str
    value: object


@dataclass(frozen=True)
class Step:
    """One analysis step. min/max_increment are fractions of the duration."""

    name: str
    temperature_start: TemperatureField
    temperature_end: TemperatureField
    fix: tuple
    loads: tuple
    increments: int
    duration: float
    min_increment: float = 1e-5
    max_increment: float = 1.0
    activate: tuple = ()
    deactivate: tuple = ()


@dataclass(frozen=True)
class Probe:
    name: str
    point: tuple
    field: str
    region: str | None


@dataclass(frozen=True)
class SolverSpec:
    """linear: linear solver; nonlinear: "auto" | True | False (finite strain + Newton);
    max_iterations, tolerance (per-dof force ratio), line_search: Newton settings."""

    linear: str = "auto"
    rtol: float = 1e-8
    nonlinear: object = "auto"
    max_iterations: int = 15
    tolerance: float = 1e-6
    line_search: bool = True
    inactive_stiffness: float = 1e-6   # shear modulus of inactive elements / their material's
    convergence: str = "per-dof"       # per-dof | norms | all (solvers/newton.py)
    energy_tolerance: object = None    # energy-norm tolerance; None: tolerance ** 2
    easy_iterations: int = 4           # increments: grow after `easy_increments` increments
    easy_increments: int = 2           #   in a row converged in <= easy_iterations
    growth: float = 1.5                #   by this factor,
    cutback: float = 0.25              #   cut back by this one on failure


@dataclass(frozen=True)
class OutputSpec:
    vtk: bool = True
    plots: bool = True
    every: int = 1


@dataclass(frozen=True)
class CaseSpec:
    path: Path
    mesh: MeshSpec
    materials: dict           # region -> (label, table, where)
    orientations: dict        # region -> (3, 3) rotation, columns = material axes
    reference_temperature: TemperatureField | None
    steps: tuple
    probes: tuple
    solver: SolverSpec
    output: OutputSpec
    elements: dict = field(default_factory=dict)   # region -> element formulation
    inactive: tuple = ()                           # regions inactive at the start
    raw: dict = field(repr=False, default_factory=dict)

    def coordinate_names(self):
        """Expression variable -> coordinate column."""
        if self.mesh.form == AXISYMMETRIC:
            return {"r": 0, "z": 1, "x": 0, "y": 1}
        if self.mesh.form == THREE_D:
            return {"x": 0, "y": 1, "z": 2}
        return {"x": 0, "y": 1}


# ----------------------------------------------------------------------------- parsing
class _Reader:
    """Typed access to a TOML table with key-path error messages."""

    def __init__(self, path):
        self.path = path

    def fail(self, where, msg):
        raise InputError(f"{self.path}: {where}: {msg}")

    def keys(self, table, allowed, where):
        if not isinstance(table, dict):
            self.fail(where, "expected a table")
        for k in table:
            if k not in allowed:
                close = difflib.get_close_matches(k, list(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else \
                    f" (allowed: {', '.join(sorted(allowed))})"
                self.fail(f"{where}.{k}" if where else k, f"unknown key{hint}")

    def number(self, table, key, where, default=None, positive=False, integer=False):
        v = table.get(key, default)
        if v is None:
            self.fail(f"{where}.{key}", "missing (a number)")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(f"{where}.{key}", f"expected a number, got {v!r}")
        if not math.isfinite(v):
            self.fail(f"{where}.{key}", "must be finite")
        if integer and int(v) != v:
            self.fail(f"{where}.{key}", "expected a whole number")
        if positive and v <= 0:
            self.fail(f"{where}.{key}", f"must be positive, got {v}")
        return int(v) if integer else float(v)

    def string(self, table, key, where, choices=None, default=None):
        v = table.get(key, default)
        if not isinstance(v, str):
            self.fail(f"{where}.{key}", f"expected a string, got {v!r}")
        if choices and v not in choices:
            self.fail(f"{where}.{key}", f"'{v}' is not one of {', '.join(choices)}")
        return v

    def vector(self, v, where, n=None):
        if not isinstance(v, list) or not all(isinstance(c, (int, float)) and not isinstance(c, bool)
                                              for c in v):
            self.fail(where, f"expected a list of numbers, got {v!r}")
        if n is not None and len(v) != n:
            self.fail(where, f"expected {n} components, got {len(v)}")
        return tuple(float(c) for c in v)

    def temperature(self, v, where, variables):
        if isinstance(v, bool):
            self.fail(where, "expected a temperature")
        if isinstance(v, (int, float)):
            return TemperatureField(value=float(v), text=v)
        if isinstance(v, str):
            return TemperatureField(expression=Expression(v, variables, f"{self.path}: {where}"),
                                    text=v)
        if isinstance(v, dict):
            regions = {}
            for k, sub in v.items():
                if isinstance(sub, dict):
                    self.fail(f"{where}.{k}", "a region temperature is a number or an expression")
                regions[k] = self.temperature(sub, f"{where}.{k}", variables)
            return TemperatureField(regions=regions, text=v)
        self.fail(where, "expected a number, an expression string or a table per region")


def load_case(path):
    """Read and validate the case file at ``path``; returns a CaseSpec."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: case file not found")
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file") from None
    return parse_case(raw, path)


def parse_case(raw, path):
    """Validate a case table already read from TOML (``path`` is used in messages)."""
    r = _Reader(path)
    r.keys(raw, {"mesh", "materials", "orientations", "reference_temperature", "steps",
                 "probes", "solver", "output", "elements", "title", "description", "inactive",
                 "reports",
                 *GROUP_TABLES}, "")
    for key in GROUP_TABLES:
        if key in raw and (not isinstance(raw[key], list)
                           or not all(isinstance(t, dict) for t in raw[key])):
            r.fail(key, f"expected [[{key}]] tables")
    if "mesh" not in raw:
        r.fail("mesh", "missing table [mesh] (file = \"model.msh\" or family = \"...\")")
    mesh = _parse_mesh(r, raw["mesh"], path)
    variables = ("r", "z", "x", "y") if mesh.form == AXISYMMETRIC else \
        (("x", "y", "z") if mesh.form == THREE_D else ("x", "y"))

    if "materials" not in raw or not raw["materials"]:
        r.fail("materials", "missing table [materials] (region = \"library name\" or inline table)")
    materials = {}
    for region, spec in raw["materials"].items():
        where = f"materials.{region}"
        if isinstance(spec, str):
            materials[region] = (spec, None, where)
        elif isinstance(spec, dict):
            materials[region] = (f"inline ({spec.get('model', '?')})", dict(spec), where)
        else:
            r.fail(where, "expected a library material name or an inline table with a model")

    orientations = {}
    for region, spec in raw.get("orientations", {}).items():
        orientations[region] = _parse_orientation(r, spec, f"orientations.{region}", mesh.dim)

    tref = None
    if "reference_temperature" in raw:
        tref = r.temperature(raw["reference_temperature"], "reference_temperature", variables)

    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        r.fail("steps", "missing [[steps]]: at least one step is needed")
    steps = _parse_steps(r, steps_raw, mesh, variables)

    probes = []
    names = set()
    for i, p in enumerate(raw.get("probes", [])):
        where = f"probes[{i}]"
        r.keys(p, {"name", "point", "field", "region"}, where)
        name = r.string(p, "name", where)
        if name in names:
            r.fail(f"{where}.name", f"probe name '{name}' is used twice")
        names.add(name)
        if "point" not in p:
            r.fail(f"{where}.point", "missing (coordinates, mm)")
        point = r.vector(p["point"], f"{where}.point", mesh.dim)
        fld = r.string(p, "field", where, FIELDS, default="displacement")
        region = r.string(p, "region", where) if "region" in p else None
        probes.append(Probe(name, point, fld, region))

    s = raw.get("solver", {})
    r.keys(s, {"linear", "rtol", "nonlinear", "max_iterations", "tolerance", "line_search",
               "inactive_stiffness", "convergence", "energy_tolerance", "easy_iterations",
               "easy_increments", "growth", "cutback"}, "solver")
    if r.number(s, "growth", "solver", default=1.5) < 1.0:
        r.fail("solver.growth", "must be at least 1")
    if not 0.0 < r.number(s, "cutback", "solver", default=0.25) < 1.0:
        r.fail("solver.cutback", "must lie between 0 and 1")
    nonlinear = s.get("nonlinear", "auto")
    if nonlinear not in ("auto", True, False):
        r.fail("solver.nonlinear", 'expected "auto", true or false')
    if not isinstance(s.get("line_search", True), bool):
        r.fail("solver.line_search", "expected true or false")
    solver = SolverSpec(linear=r.string(s, "linear", "solver", LINEAR_SOLVERS, default="auto"),
                        rtol=r.number(s, "rtol", "solver", default=1e-8, positive=True),
                        nonlinear=nonlinear,
                        max_iterations=r.number(s, "max_iterations", "solver", default=15,
                                                positive=True, integer=True),
                        tolerance=r.number(s, "tolerance", "solver", default=1e-6, positive=True),
                        line_search=s.get("line_search", True),
                        inactive_stiffness=r.number(s, "inactive_stiffness", "solver",
                                                    default=1e-6, positive=True),
                        convergence=r.string(s, "convergence", "solver",
                                             ("per-dof", "norms", "all"), default="per-dof"),
                        energy_tolerance=(r.number(s, "energy_tolerance", "solver", positive=True)
                                          if "energy_tolerance" in s else None),
                        easy_iterations=r.number(s, "easy_iterations", "solver", default=4,
                                                 positive=True, integer=True),
                        easy_increments=r.number(s, "easy_increments", "solver", default=2,
                                                 positive=True, integer=True),
                        growth=r.number(s, "growth", "solver", default=1.5),
                        cutback=r.number(s, "cutback", "solver", default=0.25))
    o = raw.get("output", {})
    r.keys(o, {"vtk", "plots", "every"}, "output")
    for k in ("vtk", "plots"):
        if k in o and not isinstance(o[k], bool):
            r.fail(f"output.{k}", "expected true or false")
    output = OutputSpec(vtk=o.get("vtk", True), plots=o.get("plots", True),
                        every=r.number(o, "every", "output", default=1, positive=True,
                                       integer=True))
    elements = {}
    for region, kind in raw.get("elements", {}).items():
        if kind not in ELEMENT_FORMULATIONS:
            r.fail(f"elements.{region}", f"'{kind}' is not one of {', '.join(ELEMENT_FORMULATIONS)}")
        elements[region] = kind
    inactive = _names(r, raw, "inactive", "")
    return CaseSpec(path, mesh, materials, orientations, tref, tuple(steps), tuple(probes),
                    solver, output, elements, inactive, raw)


def _names(r, table, key, where):
    """A list of region names under ``key`` (or an empty tuple)."""
    v = table.get(key, [])
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        r.fail(f"{where}.{key}" if where else key, "expected a list of region names")
    return tuple(v)


def _parse_mesh(r, m, path):
    r.keys(m, {"file", "family", "params", "dim", "order", "size", "formulation", "thickness"},
           "mesh")
    if ("file" in m) == ("family" in m):
        r.fail("mesh", "give exactly one of file (a .msh path) or family (a package builder)")
    form = r.string(m, "formulation", "mesh", tuple(CODES), default=None) \
        if "formulation" in m else None
    file = None
    family = None
    if "file" in m:
        file = Path(r.string(m, "file", "mesh"))
        if not file.is_absolute():
            file = (path.parent / file).resolve()
        if not file.is_file():
            r.fail("mesh.file", f"mesh file {file} not found")
    else:
        family = r.string(m, "family", "mesh")
    params = m.get("params", {})
    if not isinstance(params, dict):
        r.fail("mesh.params", "expected a table of builder parameters")
    dim = r.number(m, "dim", "mesh", default=3 if form == "3d" else 2, integer=True)
    if dim not in (2, 3):
        r.fail("mesh.dim", "must be 2 or 3")
    if form is None:
        form = "3d" if dim == 3 else "plane-strain"
    if (form == "3d") != (dim == 3):
        r.fail("mesh.formulation", f"'{form}' does not match dim = {dim}")
    order = r.number(m, "order", "mesh", default=2, integer=True)
    if order not in (1, 2):
        r.fail("mesh.order", "must be 1 or 2")
    size = r.number(m, "size", "mesh", default=1.0, positive=True)
    thickness = r.number(m, "thickness", "mesh", default=1.0, positive=True)
    return MeshSpec(file, family, dict(params), dim, order, size, form, thickness)


def _parse_orientation(r, spec, where, dim):
    r.keys(spec, {"thickness_axis", "axes"}, where)
    if ("thickness_axis" in spec) == ("axes" in spec):
        r.fail(where, "give thickness_axis = \"x\"|\"y\"|\"z\" or axes = [[axis 1], [axis 2]]")
    if "thickness_axis" in spec:
        ax = r.string(spec, "thickness_axis", where, ("x", "y", "z"))
        # material axis 3 (through the laminate) along the named axis, 1 and 2 on the others
        cols = {"x": (1, 2, 0), "y": (0, 2, 1), "z": (0, 1, 2)}[ax]
        R = np.eye(3)[:, cols]
    else:
        axes = spec["axes"]
        if not isinstance(axes, list) or len(axes) != 2:
            r.fail(f"{where}.axes", "expected two vectors: material axes 1 and 2")
        a1 = np.array(r.vector(axes[0], f"{where}.axes[0]", 3))
        a2 = np.array(r.vector(axes[1], f"{where}.axes[1]", 3))
        n1 = np.linalg.norm(a1)
        a2 = a2 - a1 * (a1 @ a2) / max(n1 ** 2, 1e-300)
        if n1 == 0 or np.linalg.norm(a2) < 1e-9 * max(n1, 1.0):
            r.fail(f"{where}.axes", "the two axes must be non-zero and not parallel")
        a1 = a1 / n1
        a2 = a2 / np.linalg.norm(a2)
        R = np.column_stack([a1, a2, np.cross(a1, a2)])
    if dim == 2 and not np.isclose(abs(R[2]).max(), 1.0):
        r.fail(where, "in a 2D model the out-of-plane axis z must be a material axis")
    return R


def _parse_steps(r, steps_raw, mesh, variables):
    steps = []
    prev_fix, prev_loads, prev_end = (), (), None
    names = set()
    for i, s in enumerate(steps_raw):
        where = f"steps[{i}]"
        r.keys(s, {"name", "temperature", "fix", "loads", "increments", "duration",
                   "min_increment", "max_increment", "activate", "deactivate",
                   "platens"}, where)  # platens: validated by solver.contact (case.raw)
        name = r.string(s, "name", where, default=f"step-{i + 1}")
        if name in names:
            r.fail(f"{where}.name", f"step name '{name}' is used twice")
        names.add(name)
        t = s.get("temperature")
        if t is None:
            if prev_end is None:
                start = end = TemperatureField(value=25.0, text=25.0)
            else:
                start = end = prev_end
        elif isinstance(t, dict) and ("start" in t or "end" in t) and \
                set(t) <= {"start", "end"}:
            if "end" not in t:
                r.fail(f"{where}.temperature.end", "missing (deg C)")
            end = r.temperature(t["end"], f"{where}.temperature.end", variables)
            if "start" in t:
                start = r.temperature(t["start"], f"{where}.temperature.start", variables)
            else:
                start = prev_end if prev_end is not None else end
        else:
            start = end = r.temperature(t, f"{where}.temperature", variables)
        fix = tuple(_parse_fix(r, f, f"{where}.fix[{k}]", mesh)
                    for k, f in enumerate(_list(r, s, "fix", where))) if "fix" in s else prev_fix
        loads = tuple(_parse_load(r, f, f"{where}.loads[{k}]", mesh)
                      for k, f in enumerate(_list(r, s, "loads", where))) \
            if "loads" in s else prev_loads
        inc = r.number(s, "increments", where, default=1, integer=True, positive=True)
        duration = r.number(s, "duration", where, default=1.0, positive=True)
        dmin = r.number(s, "min_increment", where, default=min(1e-5, 1.0 / inc), positive=True)
        dmax = r.number(s, "max_increment", where, default=1.0, positive=True)
        if dmin > 1.0 / inc or dmax > 1.0 or dmax < 1.0 / inc:
            r.fail(where, "need min_increment <= 1/increments <= max_increment <= 1 "
                   "(fractions of the step duration)")
        steps.append(Step(name, start, end, fix, loads, inc, duration, dmin, dmax,
                          _names(r, s, "activate", where), _names(r, s, "deactivate", where)))
        prev_fix, prev_loads, prev_end = fix, loads, end
    return steps


def _list(r, s, key, where):
    v = s[key]
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        r.fail(f"{where}.{key}", "expected a list of tables, e.g. [ { boundary = \"left\", ux = 0.0 } ]")
    return v


def _target(r, t, where, dim):
    kinds = [k for k in ("boundary", "region", "point") if k in t]
    if len(kinds) != 1:
        r.fail(where, "name exactly one of boundary, region or point")
    kind = kinds[0]
    if kind == "point":
        return Target("point", None, r.vector(t["point"], f"{where}.point", dim), where)
    return Target(kind, r.string(t, kind, where), None, where)


def _parse_fix(r, f, where, mesh):
    comps = ("ux", "uy", "uz")[:mesh.dim]
    rotations = ("rz",) if mesh.dim == 2 else ("rx", "ry", "rz")
    r.keys(f, {"boundary", "region", "point", "u", *comps, *rotations}, where)
    target = _target(r, f, where, mesh.dim)
    values = {}
    if "u" in f:
        v = r.number(f, "u", where)
        values = {c: v for c in range(mesh.dim)}
    for c, key in enumerate(comps):
        if key in f:
            values[c] = r.number(f, key, where)
    for c, key in enumerate(rotations):  # rotation dofs follow the displacements (radians)
        if key in f:
            values[mesh.dim + c] = r.number(f, key, where)
    if not values:
        r.fail(where, f"no component given: use {', '.join(comps)} or u (all components), mm")
    return Fix(target, values)


def _parse_load(r, f, where, mesh):
    r.keys(f, {"boundary", "region", "point", "pressure", "traction", "force", "moment"}, where)
    target = _target(r, f, where, mesh.dim)
    kinds = [k for k in ("pressure", "traction", "force", "moment") if k in f]
    if len(kinds) != 1:
        r.fail(where, "give exactly one of pressure (MPa), traction (MPa vector), force (N "
               "vector) or moment (N mm)")
    kind = kinds[0]
    if kind == "moment":
        if target.kind != "point":
            r.fail(where, "a moment acts at a point (a node with rotations: a beam node)")
        value = (r.number(f, "moment", where),) if mesh.dim == 2 else \
            r.vector(f["moment"], f"{where}.moment", 3)
        return Load(target, kind, value)
    if kind == "pressure":
        if target.kind == "point":
            r.fail(where, "a pressure acts on a boundary, or from inside a region (a fluid)")
        value = r.number(f, "pressure", where)
    else:
        value = r.vector(f[kind], f"{where}.{kind}", mesh.dim)
        if kind == "traction" and target.kind != "boundary":
            r.fail(where, "a traction acts on a boundary")
        if kind == "force" and target.kind == "region":
            r.fail(where, "a force acts on a point or is spread over a boundary")
    return Load(target, kind, value)


# ----------------------------------------------------------------------------- mesh checks
def check_against_mesh(case, mesh):
    """Check that every name the case uses exists in ``mesh``; raise InputError if not."""
    p = case.path
    regions = set(mesh.regions)
    boundaries = set(mesh.boundaries)

    def missing(kind, name, where, options):
        if name in mesh.empty_groups:
            raise InputError(f"{p}: {where}: the physical group '{name}' of mesh {mesh.source} "
                             "holds no elements; check the entities it was given in Gmsh")
        close = difflib.get_close_matches(name, sorted(options), n=1)
        hint = f"did you mean '{close[0]}'?" if close else \
            f"the mesh has: {', '.join(sorted(options)) or 'none'}"
        raise InputError(f"{p}: {where}: no {kind} '{name}' in mesh {mesh.source} ({hint})")

    for region, (_, _, where) in case.materials.items():
        if region not in regions:
            missing("region", region, where, regions)
    unassigned = sorted(regions - set(case.materials))
    if unassigned:
        raise InputError(f"{p}: materials: no material for region(s) {', '.join(unassigned)} "
                         f"of mesh {mesh.source}")
    for region in case.orientations:
        if region not in regions:
            missing("region", region, f"orientations.{region}", regions)

    def check_field(field, where):
        if field is not None and field.regions is not None:
            for name in field.regions:
                if name != "default" and name not in regions:
                    missing("region", name, f"{where}.{name}", regions)
            absent = sorted(regions - set(field.regions))
            if absent and "default" not in field.regions:
                raise InputError(f"{p}: {where}: no temperature for region(s) "
                                 f"{', '.join(absent)} (add them or a 'default')")

    check_field(case.reference_temperature, "reference_temperature")
    for i, step in enumerate(case.steps):
        check_field(step.temperature_start, f"steps[{i}].temperature.start")
        check_field(step.temperature_end, f"steps[{i}].temperature.end")
        for item in step.fix + step.loads:
            t = item.target
            if t.kind == "boundary" and t.name not in boundaries:
                missing("boundary", t.name, t.where, boundaries)
            if t.kind == "region" and t.name not in regions:
                missing("region", t.name, t.where, regions)
    for region in case.elements:
        if region not in regions:
            missing("region", region, f"elements.{region}", regions)
    for region in case.inactive:
        if region not in regions:
            missing("region", region, "inactive", regions)
    for i, step in enumerate(case.steps):
        for key in ("activate", "deactivate"):
            for region in getattr(step, key):
                if region not in regions:
                    missing("region", region, f"steps[{i}].{key}", regions)
    for pr in case.probes:
        if pr.region is not None and pr.region not in regions:
            missing("region", pr.region, f"probes.{pr.name}.region", regions)

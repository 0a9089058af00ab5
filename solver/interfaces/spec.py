"""``[[interfaces]]`` case-file tables -> InterfaceSpec, every error naming the key path.

```toml
[[interfaces]]
name = "lead-1-release"          # group name in summary.json / history.csv (default: boundary)
boundary = "lead-1-release"      # where the two sides are bonded (a curve in 2D, a surface
                                 # or a curve in 3D); a list makes one interface per boundary
side = "leads"                   # region(s), or the one beam curve, that gets its own nodes
opposite = "dielectric"          # optional: the region on the other side
strength = 5.0                   # MPa, normal (mode I) peak traction
shear_strength = 5.0             # MPa (default: strength)
fracture_energy = 0.05           # N/mm = mJ/mm^2, mode I (default shear: the same)
shear_fracture_energy = 0.05     # N/mm, mode II
bk_exponent = 2.0                # Benzeggagh-Kenane exponent of the mixed-mode toughness
stiffness = 25000.0              # MPa/mm penalty (default 50 max(N^2/GI, S^2/GII))
viscosity = 0.0                  # s, Gao-Bower regularization (0: none)
integration = "nodal"            # nodal (Newton-Cotes/Lobatto) | gauss
initial_damage = 0.0             # 0..1, or an expression of x, y(, z): "where(x > 70, 1, 0)"
width = 0.05                     # mm: bonded width of a curve (3D beams; 2D: the thickness)
normal = [0.0, 1.0, 0.0]         # 3D curve on an edge of the opposite body: the bonded
                                 # surface's outward normal (default: from the mesh)
```
"""

from dataclasses import dataclass

from ..errors import InputError
from ..expressions import Expression
from .law import default_stiffness

KEYS = {"name", "boundary", "side", "opposite", "strength", "shear_strength", "fracture_energy",
        "shear_fracture_energy", "bk_exponent", "stiffness", "viscosity", "integration",
        "initial_damage", "width", "normal"}
INTEGRATION = ("nodal", "gauss")


@dataclass(frozen=True)
class InterfaceSpec:
    """One interface (one boundary) as the case file asks for it (lengths mm, MPa, N/mm)."""

    name: str
    boundary: str
    side: tuple
    opposite: tuple | None
    strength: float
    shear_strength: float
    fracture_energy: float
    shear_fracture_energy: float
    bk_exponent: float
    stiffness: float
    viscosity: float
    integration: str
    initial_damage: object      # float or Expression
    width: float | None
    normal: tuple | None
    where: str

    def width_or(self, default):
        return self.width if self.width is not None else default


def parse_interfaces(case, tables, variables):
    """InterfaceSpecs of the ``[[interfaces]]`` tables; ``variables`` are the coordinate names
    of expressions."""
    out = []
    names = set()
    for i, t in enumerate(tables):
        where = f"{case.path}: interfaces[{i}]"
        unknown = sorted(set(t) - KEYS)
        if unknown:
            raise InputError(f"{where}.{unknown[0]}: unknown key "
                             f"(known: {', '.join(sorted(KEYS))})")
        boundaries = _names(t, "boundary", where, required=True)
        side = _names(t, "side", where, required=True)
        opposite = _names(t, "opposite", where) or None
        if "name" in t and len(boundaries) > 1:
            raise InputError(f"{where}.name: with several boundaries each interface is named "
                             "after its boundary; remove name")
        N = _number(t, "strength", where, required=True)
        S = _number(t, "shear_strength", where, default=N)
        GI = _number(t, "fracture_energy", where, required=True)
        GII = _number(t, "shear_fracture_energy", where, default=GI)
        eta = _number(t, "bk_exponent", where, default=2.0)
        K = _number(t, "stiffness", where, default=default_stiffness(N, S, GI, GII))
        if K <= max(N * N / (2 * GI), S * S / (2 * GII)):
            raise InputError(
                f"{where}.stiffness: {K:g} MPa/mm is too soft for a bilinear law with these "
                f"strengths and energies (the onset opening would exceed the final one); use "
                f"more than {max(N * N / (2 * GI), S * S / (2 * GII)):g} MPa/mm, "
                "typically 50x that")
        visc = _number(t, "viscosity", where, default=0.0, zero_ok=True)
        integ = t.get("integration", "nodal")
        if integ not in INTEGRATION:
            raise InputError(f"{where}.integration: '{integ}' is not one of "
                             f"{', '.join(INTEGRATION)}")
        width = _number(t, "width", where) if "width" in t else None
        normal = None
        if "normal" in t:
            nv = t["normal"]
            if not isinstance(nv, list) or len(nv) != 3 or \
                    not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in nv) \
                    or sum(float(x) ** 2 for x in nv) == 0.0:
                raise InputError(f"{where}.normal: expected a non-zero vector [nx, ny, nz]")
            normal = tuple(float(x) for x in nv)
        init = t.get("initial_damage", 0.0)
        if isinstance(init, bool) or not isinstance(init, (int, float, str)):
            raise InputError(f"{where}.initial_damage: expected a number in [0, 1] or an "
                             "expression of the coordinates")
        if isinstance(init, str):
            init = Expression(init, variables, f"{where}.initial_damage")
        elif not 0.0 <= init <= 1.0:
            raise InputError(f"{where}.initial_damage: must lie in [0, 1]")
        else:
            init = float(init)
        for b in boundaries:
            name = t.get("name", b) if len(boundaries) == 1 else b
            if not isinstance(name, str) or not name:
                raise InputError(f"{where}.name: expected a non-empty string")
            if name in names:
                raise InputError(f"{where}.name: interface name '{name}' is used twice")
            names.add(name)
            out.append(InterfaceSpec(name, b, side, opposite, N, S, GI, GII, eta, K, visc,
                                     integ, init, width, normal, where))
    return out


def _names(t, key, where, required=False):
    if key not in t:
        if required:
            raise InputError(f"{where}.{key}: missing")
        return ()
    v = t[key]
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
        raise InputError(f"{where}.{key}: expected a name or a list of names")
    return tuple(v)


def _number(t, key, where, required=False, default=None, zero_ok=False):
    if key not in t:
        if required:
            raise InputError(f"{where}.{key}: missing")
        return default
    v = t[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(f"{where}.{key}: expected a number")
    v = float(v)
    if not (v >= 0.0 if zero_ok else v > 0.0) or v != v or v == float("inf"):
        raise InputError(f"{where}.{key}: must be {'>= 0' if zero_ok else 'positive'}")
    return v

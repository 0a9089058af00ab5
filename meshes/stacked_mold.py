"""F4 ``stacked-mold``: encapsulated stackable package.

Source: seed 004 (claims 1-22); digest in PROCESSES.md, family F4. The source gives no
dimensions: the defaults are typical for a thin molded package and say so.

One unit (y up, mm, from the unit's bottom): the ``chip-<u>`` with its back exposed on the
bottom surface of the ``mold-<u>`` (the mass of dielectric, claims 2 and 8); conductive units
``vias-<u>`` along the chip edges: a plated barrel through the mass with a flange (pad
portion) at the bottom and at the top surface (claims 3 and 22), optionally hollow
(``via_core = "hollow"``, claim 10) or hollow and filled with a reflowable material
(``"filled"``: region ``via-fill-<u>``, claim 12); wire bonds from the chip contacts to the
bottom flanges (2D: strips ``wires-<u>``; all models: curves ``wire-<u>-<k>``).

The stack: ``substrate`` (if ``substrate``), ``joints-0`` (substrate to unit 1), unit 1,
``joints-1`` (unit 1 to unit 2), unit 2, ... (``units`` high, claims 5-6); the joints are solder
columns between the flanges; the space between units is empty (no underfill).

Names: regions as above; ``platen-bottom``, ``platen-top``, ``symmetry-x``/``symmetry-z``,
interfaces ``<a>/<b>``, curves ``wire-<u>-<k>`` with points ``wire-<u>-<k>-chip`` and
``wire-<u>-<k>-pad``, points ``via-<u>-<k>-top`` and ``via-<u>-<k>-bottom`` (barrel axis at the
unit's top and bottom surfaces), ``center-bottom``.
"""

import math
from dataclasses import dataclass

from solver.errors import InputError

from .layered import Curve, Disk, Layout, Part, Rect, build_layered, footprint

DIMS = (2, 3)
VERSION = 1
EXTENTS = ("auto", "half", "full", "quarter")
CORES = ("solid", "hollow", "filled")


@dataclass(frozen=True)
class Params:
    """Stacked molded package parameters, mm (typical values: the source gives none)."""

    extent: str = "auto"              # auto (2D half, 3D quarter), half, full, quarter
    units: int = 2                    # assemblies stacked (claim 5)
    substrate: bool = True            # the stack on a substrate (claim 6)
    package_width: float = 8.0        # typical
    chip_width: float = 4.0           # typical
    chip_thickness: float = 0.3       # thinned die, back exposed (claim 8)
    mold_thickness: float = 0.7       # the mass of dielectric, bottom to top surface
    via_ring: float = 3.2             # half width of the square ring of via centres
    via_pitch: float = 0.8            # along the ring
    via_diameter: float = 0.2         # plated barrel
    flange_diameter: float = 0.4      # pad portions (claim 3, claim 22)
    flange_thickness: float = 0.03    # plated flange (typical)
    via_core: str = "solid"           # solid | hollow | filled (claims 10-12)
    core_diameter: float = 0.1        # hollow centre (claims 10-11)
    wire_loop: float = 0.15           # above the chip front
    contact_inset: float = 0.15       # chip contact to chip edge
    joint_diameter: float = 0.4       # solder columns between flanges (as wide as them)
    joint_height: float = 0.15        # between stacked units (typical)
    substrate_thickness: float = 0.4  # board or package substrate (typical)
    corner_keepout: float = 0.4       # along the ring, from the corners
    element_size: float = 0.1         # 2D: largest element along x
    element_height: float = 0.06      # 2D: element height through thick layers
    element_size_3d: float = 0.4      # 3D: largest in-plane element
    element_height_3d: float = 0.15   # 3D: element height through thick layers

    @property
    def c(self):
        return 0.5 * self.chip_width

    @property
    def A(self):
        return 0.5 * self.package_width

    def unit_base(self, u):
        """y of the bottom of unit u (1-based)."""
        y = self.substrate_thickness if self.substrate else 0.0
        y += self.joint_height if self.substrate else 0.0
        return y + (u - 1) * (self.mold_thickness + self.joint_height)

    def wire_pad(self):
        """Distance from the via centre to the wire's landing point on the bottom flange."""
        return 0.25 * (self.via_diameter + self.flange_diameter)

    def check(self, where):
        def bad(key, msg):
            raise InputError(f"{where}.{key}: {msg}")

        if self.extent not in EXTENTS:
            bad("extent", f"'{self.extent}' is not one of {', '.join(EXTENTS)}")
        if self.via_core not in CORES:
            bad("via_core", f"'{self.via_core}' is not one of {', '.join(CORES)}")
        for key in ("package_width", "chip_width", "chip_thickness", "mold_thickness",
                    "via_ring", "via_pitch", "via_diameter", "flange_diameter",
                    "flange_thickness", "core_diameter", "wire_loop", "contact_inset",
                    "joint_diameter", "joint_height", "substrate_thickness", "element_size",
                    "element_height", "element_size_3d", "element_height_3d"):
            if not getattr(self, key) > 0:
                bad(key, f"must be positive (got {getattr(self, key)})")
        if self.units < 1:
            bad("units", "at least one unit")
        if self.chip_width >= self.package_width:
            bad("chip_width", "the chip must be narrower than the package")
        if self.chip_thickness + self.wire_loop >= self.mold_thickness - self.flange_thickness:
            bad("mold_thickness", "the mass must cover the chip and the wire loops")
        rf = self.flange_diameter / 2
        if self.via_ring - rf <= self.c + 0.05:
            bad("via_ring", f"the vias (flange {self.flange_diameter} mm) overlap the chip")
        if self.via_ring + rf >= self.A - 0.05:
            bad("via_ring", "the vias reach the package edge")
        if self.via_diameter >= self.flange_diameter:
            bad("via_diameter", "the flange (pad portion) must be wider than the barrel (claim 3)")
        if self.via_core != "solid" and self.core_diameter >= self.via_diameter - 0.02:
            bad("core_diameter", "the core must leave a barrel wall")
        if self.joint_diameter > self.flange_diameter:
            bad("joint_diameter", "the joint must sit on the flange")
        if self.via_pitch <= self.flange_diameter + 0.05:
            bad("via_pitch", f"flanges of {self.flange_diameter} mm overlap at pitch {self.via_pitch}")
        if self.contact_inset <= 0.02 or self.contact_inset >= self.c:
            bad("contact_inset", "the chip contact must lie on the chip")


def check_dim(p, dim, where):
    if dim == 2 and p.extent == "quarter":
        raise InputError(f"{where}.extent: 'quarter' is a 3D model")


def build(p, dim, order, size):
    return build_layered(layout(p, dim), dim, order, size)


def _via_positions(p):
    """Via centres on the square ring (half width via_ring), a symmetric row per side half a
    pitch off the centre lines, none within corner_keepout of a corner."""
    half = p.via_ring - p.corner_keepout
    k = int(math.floor(half / p.via_pitch - 0.5 + 1e-9))
    pos = [(j + 0.5) * p.via_pitch for j in range(k + 1)]
    along = sorted([-x for x in pos] + pos)
    R = p.via_ring
    return ([(R, s) for s in along] + [(s, R) for s in along] +
            [(-R, s) for s in along] + [(s, -R) for s in along])


def layout(p, dim):
    extent = p.extent if p.extent != "auto" else ("half" if dim == 2 else "quarter")
    h = {"max": p.element_size if dim == 2 else p.element_size_3d,
         "hy": p.element_height if dim == 2 else p.element_height_3d,
         "via": min(p.via_diameter / 4, 0.05) if dim == 2 else min(p.via_diameter / 2, 0.1),
         "fine": 0.02 if dim == 2 else 0.12,
         "edge": min(0.06 if dim == 2 else 0.15, p.element_size)}
    if dim == 2:
        x0 = 0.0 if extent == "half" else -p.A
        dom = Rect(x0, p.A)
        vias = [(x, 0.0) for x in (p.via_ring, -p.via_ring) if x > x0]

        def disk(x, z, d):
            return Rect(max(x - d / 2, x0), x + d / 2)
        chip = Rect(max(-p.c, x0), p.c)
    else:
        lo = {"quarter": (0.0, 0.0), "half": (0.0, -p.A), "full": (-p.A, -p.A)}[extent]
        dom = Rect(lo[0], p.A, lo[1], p.A)
        rf = p.flange_diameter / 2
        vias = [(x, z) for x, z in _via_positions(p) if x + rf > dom.x0 and z + rf > dom.z0]

        def disk(x, z, d):
            return Disk(x, z, d / 2)
        chip = Rect(-p.c, p.c, -p.c, p.c)

    def ring(d):
        return footprint(*[disk(x, z, d) for x, z in vias])
    whole = footprint(dom)
    core = ring(p.core_diameter) if p.via_core != "solid" else None
    barrel = footprint(*[disk(x, z, p.via_diameter) for x, z in vias],
                       holes=tuple(disk(x, z, p.core_diameter) for x, z in vias)
                       if p.via_core == "hollow" else ())
    flange = footprint(*[disk(x, z, p.flange_diameter) for x, z in vias],
                       holes=tuple(disk(x, z, p.core_diameter) for x, z in vias)
                       if p.via_core == "hollow" else ())
    joints = ring(p.joint_diameter)
    chipf = footprint(chip)
    # the vias are drilled and plated through the cured mass (claim 21): a hollow core is empty
    mass = footprint(dom, holes=tuple(disk(x, z, p.core_diameter) for x, z in vias)) \
        if p.via_core == "hollow" else whole
    parts, curves, points = [], [], {}
    if p.substrate:
        parts.append(Part("substrate", whole, 0.0, p.substrate_thickness, h["max"]))
        parts.append(Part("joints-0", joints, p.substrate_thickness, p.unit_base(1), h["via"]))
    d = 0.025   # wire diameter in the 2D strips
    for u in range(1, p.units + 1):
        b = p.unit_base(u)
        top = b + p.mold_thickness
        front = b + p.chip_thickness
        loop = front + p.wire_loop
        tf = p.flange_thickness
        parts += [Part(f"mold-{u}", mass, b, top, h["max"]),
                  Part(f"mold-{u}", mass, b, loop, h["max"]),       # a level at the loop
                  Part(f"chip-{u}", chipf, b, front, h["edge"]),
                  Part(f"vias-{u}", flange, b, b + tf, h["via"]),
                  Part(f"vias-{u}", barrel, b + tf, top - tf, h["via"]),
                  Part(f"vias-{u}", flange, top - tf, top, h["via"])]
        if p.via_core == "filled":
            parts.append(Part(f"via-fill-{u}", core, b, top, h["via"]))
        if u < p.units:
            parts.append(Part(f"joints-{u}", joints, top, p.unit_base(u + 1), h["via"]))
        k = 0
        for x, z in vias:
            k += 1
            # on the barrel axis; a hollow via has none there: on its inner wall instead
            off = p.core_diameter / 2 if p.via_core == "hollow" else 0.0
            pt = (x + off,) if dim == 2 else (x + off, z)
            points[f"via-{u}-{k}-bottom"] = (pt, b)
            points[f"via-{u}-{k}-top"] = (pt, top)
            # the wire: from the chip contact facing this via, up, across, down to the flange
            if dim == 2:
                s = 1.0 if x > 0 else -1.0
                xc, xp = s * (p.c - p.contact_inset), s * (abs(x) - p.wire_pad())
                if x0 > xc:
                    continue
                parts += [Part(f"wires-{u}", footprint(Rect(*sorted((xc - s * d / 2, xc + s * d / 2)))),
                               front, loop + d, h["fine"]),
                          Part(f"wires-{u}", footprint(Rect(*sorted((xc - s * d / 2, xp + s * d / 2)))),
                               loop, loop + d, h["fine"]),
                          Part(f"wires-{u}", footprint(Rect(*sorted((xp - s * d / 2, xp + s * d / 2)))),
                               b + tf, loop + d, h["fine"])]
                cpt, ppt = (xc - s * d / 2,), (xp + s * d / 2,)
            else:
                if abs(x) >= abs(z):
                    s = 1.0 if x > 0 else -1.0
                    cpt, ppt = (s * (p.c - p.contact_inset), z), (x - s * p.wire_pad(), z)
                else:
                    s = 1.0 if z > 0 else -1.0
                    cpt, ppt = (x, s * (p.c - p.contact_inset)), (x, z - s * p.wire_pad())
                if cpt[0] < dom.x0 or cpt[1] < dom.z0:
                    continue
            curves.append(Curve(f"wire-{u}-{k}", ((cpt, front), (cpt, loop), (ppt, loop),
                                                  (ppt, b + tf)), h["fine"]))
            points[f"wire-{u}-{k}-chip"] = (cpt, front)
            points[f"wire-{u}-{k}-pad"] = (ppt, b + tf)
    points["center-bottom"] = ((0.0,) if dim == 2 else (0.0, 0.0), 0.0)
    planes = {}
    if dom.x0 == 0.0:
        planes["symmetry-x"] = ("x", 0.0)
    if dim == 3 and dom.z0 == 0.0:
        planes["symmetry-z"] = ("z", 0.0)
    return Layout(dom, parts, h["hy"], h["max"], curves, points, planes)

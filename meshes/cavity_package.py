"""F1 ``cavity-package``: heat-spreader cavity package, leads formed by platen separation.

Source: seed 000 (claims 1-40); digest in PROCESSES.md, family F1. The source gives no
dimensions: every default below is a typical value for such a package and says so.

The stack, bottom to top (y up, mm), as meshed: after the platens have separated, so the
compliant layer already has its height (it is injected and cured in that configuration and is
meshed from the start so that a step can activate it):

- ``substrate-1``: the first substrate, thermally conductive ceramic (alumina, AlN);
- ``substrate-adhesive``: low-CTE epoxy bonding the second substrate (claims 12-15);
- ``substrate-2``: FR-4/BT with one opening per chip (``openings`` along x, and along z in
  3D: a panel, claim 33); its thickness follows from claim 11 (chip front coplanar with its
  top): die attach + chip - substrate adhesive;
- ``die-attach``, ``chip``: in each opening, back face on the first substrate;
- ``compliant-layer``: between the second substrate / chip fronts and the sheet, and in the
  openings round the chips (the injected liquid fills them);
- ``wires`` (2D strips) / wire curves: wire bonds from chip contacts to substrate pads;
- ``leads`` (2D strips) / lead curves: from a substrate pad (second end, ``tip``) up to the
  sheet and along it to the first end (``root``), permanently attached to the sheet;
- ``sheet``: the dielectric sheet; ``solder-balls`` on its outer surface (as columns).

Boundaries: ``platen-bottom`` (first substrate's underside), ``platen-top`` (the sheet's
exposed outer surface, held by the top platen), ``ball-tops`` (with solder balls),
``symmetry-x``/``symmetry-z``, ``edge-x``/``edge-z`` (the outer package edges), interfaces
``<a>/<b>``, curves ``lead-<k>``, ``wire-<k>``, points ``lead-<k>-tip``, ``lead-<k>-root``,
``wire-<k>-chip``, ``wire-<k>-pad``, ``center-bottom``. In 2D the curves run along an edge of
their strip (a mesh line).
"""

import math
from dataclasses import dataclass

from solver.errors import InputError

from .layered import Curve, Disk, Layout, Part, Rect, build_layered, footprint, grazes

DIMS = (2, 3)
VERSION = 2
EXTENTS = ("auto", "half", "full", "quarter", "slice")


@dataclass(frozen=True)
class Params:
    """Cavity package parameters, mm (typical values: the source gives none)."""

    extent: str = "auto"                 # auto (2D half, 3D quarter), half, full, quarter, slice
    openings: int = 1                    # openings (chips) along x, and along z in 3D (claim 33)
    cell_width: float = 10.0             # package (panel cell) width per chip
    chip_width: float = 5.0              # square chip
    chip_thickness: float = 0.5          # typical
    opening_width: float = 5.6           # square opening in the second substrate
    substrate1_thickness: float = 0.635  # 25 mil ceramic
    substrate_adhesive_thickness: float = 0.05  # low-CTE epoxy (claims 12-14)
    die_attach_thickness: float = 0.05   # claim 19
    gap: float = 0.3                     # sheet standoff after platen separation (lead height)
    sheet_thickness: float = 0.05        # polyimide
    lead_thickness: float = 0.018        # copper, 2D strips
    lead_length: float = 0.5             # along the sheet, pad to first end
    lead_pitch: float = 0.3              # along a chip edge; 2D depth
    lead_pad_offset: float = 0.5         # lead pad beyond the opening edge
    wire_diameter: float = 0.025         # gold wire, 1 mil
    wire_loop: float = 0.15              # loop height above the chip front
    contact_inset: float = 0.15          # chip contact to chip edge
    wire_pad_offset: float = 0.2         # wire pad beyond the opening edge
    corner_keepout: float = 0.4          # no lead closer to a chip corner
    solder_balls: bool = True            # balls on the sheet's terminals (claim 8)
    ball_diameter: float = 0.5           # 0.8-1.0 mm pitch BGA balls (as columns)
    ball_height: float = 0.4
    ball_pitch: float = 1.0
    element_size: float = 0.1            # 2D: largest element along x
    element_height: float = 0.06         # 2D: element height through thick layers
    element_size_3d: float = 0.35        # 3D: largest in-plane element
    element_height_3d: float = 0.12      # 3D: element height through thick layers

    @property
    def c(self):
        return 0.5 * self.chip_width

    @property
    def a(self):
        return 0.5 * self.opening_width

    def centres(self):
        """Chip centres along x (and z), mm."""
        n = self.openings
        return [(i - (n - 1) / 2) * self.cell_width for i in range(n)]

    @property
    def A(self):
        """Half width of the whole model (panel)."""
        return 0.5 * self.openings * self.cell_width

    def levels(self):
        y = {"s1": self.substrate1_thickness}
        y["adhesive"] = y["s1"] + self.substrate_adhesive_thickness
        y["back"] = y["s1"] + self.die_attach_thickness
        y["front"] = y["back"] + self.chip_thickness      # = second substrate's top (claim 11)
        y["loop"] = y["front"] + self.wire_loop
        y["sheet"] = y["front"] + self.gap
        y["top"] = y["sheet"] + self.sheet_thickness
        y["balls"] = y["top"] + self.ball_height
        return y

    def x_features(self):
        """x of the +x side features of the chip centred at 0: contact, wire pad, lead pad,
        lead root (first end)."""
        xc = self.c - self.contact_inset
        xw = self.a + self.wire_pad_offset
        xl = self.a + self.lead_pad_offset
        return xc, xw, xl, xl + self.lead_length

    def check(self, where):
        def bad(key, msg):
            raise InputError(f"{where}.{key}: {msg}")

        if self.extent not in EXTENTS:
            bad("extent", f"'{self.extent}' is not one of {', '.join(EXTENTS)}")
        for key in ("cell_width", "chip_width", "chip_thickness", "opening_width",
                    "substrate1_thickness", "substrate_adhesive_thickness",
                    "die_attach_thickness", "gap", "sheet_thickness", "lead_thickness",
                    "lead_length", "lead_pitch", "lead_pad_offset", "wire_diameter",
                    "wire_loop", "contact_inset", "wire_pad_offset", "ball_diameter",
                    "ball_height", "ball_pitch", "element_size", "element_height",
                    "element_size_3d", "element_height_3d"):
            if not getattr(self, key) > 0:
                bad(key, f"must be positive (got {getattr(self, key)})")
        if self.openings < 1:
            bad("openings", "at least one opening")
        if self.opening_width >= self.cell_width - 0.2:
            bad("opening_width", f"openings of {self.opening_width} mm overlap (or reach the "
                f"package edge) at cell_width {self.cell_width} mm")
        if self.chip_width >= self.opening_width:
            bad("chip_width", f"the chip ({self.chip_width} mm) must be narrower than its "
                f"opening ({self.opening_width} mm)")
        s2 = self.die_attach_thickness + self.chip_thickness - self.substrate_adhesive_thickness
        if s2 < 0.05:
            bad("substrate_adhesive_thickness", "leaves a second substrate thinner than 0.05 mm "
                "(its thickness is die attach + chip - adhesive, so that the chip front is "
                "coplanar with it)")
        xc, xw, xl, xr = self.x_features()
        if xr >= self.cell_width / 2 - 0.1:
            bad("lead_length", f"the lead's first end (x = {xr:g}) leaves the package cell "
                f"(half width {self.cell_width / 2:g})")
        if xw >= xl - self.wire_diameter - self.lead_thickness:
            bad("wire_pad_offset", "the wire pad must lie inside the lead pad (closer to the "
                "opening)")
        if self.contact_inset <= self.wire_diameter:
            bad("contact_inset", "the chip contact must lie on the chip")
        if self.wire_loop + self.wire_diameter >= self.gap - self.lead_thickness:
            bad("wire_loop", f"the wire loop ({self.wire_loop} mm) does not fit under the sheet "
                f"(gap {self.gap} mm)")
        if self.lead_pitch <= 2 * self.wire_diameter:
            bad("lead_pitch", "too small for the wires")
        if 2 * self.corner_keepout >= self.chip_width:
            bad("corner_keepout", "leaves no room for leads")
        if self.solder_balls and self.ball_diameter >= self.ball_pitch:
            bad("ball_diameter", f"balls of {self.ball_diameter} mm overlap at pitch "
                f"{self.ball_pitch} mm")


def check_dim(p, dim, where):
    if dim == 2 and p.extent in ("quarter", "slice"):
        raise InputError(f"{where}.extent: '{p.extent}' is a 3D model; a 2D section is 'half' "
                         "or 'full'")


def build(p, dim, order, size):
    return build_layered(layout(p, dim), dim, order, size)


def layout(p, dim):
    extent = p.extent if p.extent != "auto" else ("half" if dim == 2 else "quarter")
    if dim == 3 and extent == "slice":
        lay = _section(p, "half")
        lay.depth = p.lead_pitch
        lay.planes["slice-front"] = ("z", 0.0)
        lay.planes["slice-back"] = ("z", p.lead_pitch)
        return lay
    if dim == 2:
        return _section(p, extent)
    return _plan(p, extent)


def _sizes(p, dim):
    big = p.element_size if dim == 2 else p.element_size_3d
    return {"max": big, "hy": p.element_height if dim == 2 else p.element_height_3d,
            "fine": 0.02 if dim == 2 else 0.07, "edge": min(0.06 if dim == 2 else 0.12, big),
            "ball": min(p.ball_diameter / 6, big), "fill": big}


def _stack(p, fp, h, section):
    """The parts, a later one overriding an earlier one."""
    y = p.levels()
    dom = fp["domain"]
    parts = [
        Part("substrate-1", dom, 0.0, y["s1"], h["fill"]),
        Part("substrate-adhesive", fp["substrate"], y["s1"], y["adhesive"], h["edge"]),
        Part("substrate-2", fp["substrate"], y["adhesive"], y["front"], h["edge"]),
        # the liquid injected under the sheet also fills the openings round the chips
        Part("compliant-layer", fp["opening"], y["s1"], y["front"], h["edge"]),
        Part("die-attach", fp["chip"], y["s1"], y["back"], h["edge"]),
        Part("chip", fp["chip"], y["back"], y["front"], h["edge"]),
        # the compliant layer in two parts: a mesh level at the wire loop height
        Part("compliant-layer", dom, y["front"], y["loop"], h["fill"]),
        Part("compliant-layer", dom, y["loop"], y["sheet"], h["fill"]),
        Part("sheet", dom, y["sheet"], y["top"], h["fill"]),
    ]
    if section:
        t, d = p.lead_thickness, p.wire_diameter
        parts += [Part("leads", fp["lead-v"], y["front"], y["sheet"] - t, h["fine"]),
                  Part("leads", fp["lead-h"], y["sheet"] - t, y["sheet"], h["fine"]),
                  Part("wires", fp["wire-v"], y["front"], y["loop"] + d, h["fine"]),
                  Part("wires", fp["wire-h"], y["loop"], y["loop"] + d, h["fine"])]
    if p.solder_balls:
        parts.append(Part("solder-balls", fp["balls"], y["top"], y["balls"], h["ball"]))
    return parts


def _section(p, extent):
    """2D section through the chip centres (z = 0) and a lead and wire on each chip side."""
    y = p.levels()
    h = _sizes(p, 2)
    x0 = 0.0 if extent == "half" else -p.A
    xc, xw, xl, xr = p.x_features()
    t, d = p.lead_thickness, p.wire_diameter

    def spans(a, b, centres=None):
        """[a, b] on both sides of every chip (mirrored), clipped to the domain."""
        out = []
        for cx in (centres if centres is not None else p.centres()):
            for s in (1.0, -1.0):
                lo, hi = sorted((cx + s * a, cx + s * b))
                lo = max(lo, x0)
                if hi > lo:
                    out.append(Rect(lo, hi))
        return tuple(out)

    chips = tuple(Rect(max(cx - p.c, x0), cx + p.c) for cx in p.centres() if cx + p.c > x0)
    opens = tuple(Rect(max(cx - p.a, x0), cx + p.a) for cx in p.centres() if cx + p.a > x0)
    balls = _ball_row(p)
    rb = p.ball_diameter / 2
    fp = {
        "domain": footprint(Rect(x0, p.A)),
        "substrate": footprint(Rect(x0, p.A), holes=opens),
        "opening": footprint(*opens),
        "chip": footprint(*chips),
        "lead-v": footprint(*spans(xl - t / 2, xl + t / 2)),
        "lead-h": footprint(*spans(xl - t / 2, xr)),
        "wire-v": footprint(*spans(xc - d / 2, xc + d / 2), *spans(xw - d / 2, xw + d / 2)),
        "wire-h": footprint(*spans(xc - d / 2, xw + d / 2)),
        "balls": footprint(*[Rect(max(x - rb, x0), x + rb) for x in balls if x + rb > x0]),
    }
    parts = _stack(p, fp, h, section=True)
    curves, points = [], {}
    k = 0
    for cx in p.centres():
        for s in (1.0, -1.0):
            if cx + s * xc < x0:
                continue
            k += 1
            xl_e = cx + s * (xl - t / 2)        # the strip's inner edge
            lead_y = y["sheet"] - t
            curves.append(Curve(f"lead-{k}", (((xl_e,), y["front"]), ((xl_e,), lead_y),
                                               ((cx + s * xr,), lead_y)), h["fine"]))
            points[f"lead-{k}-tip"] = ((xl_e,), y["front"])
            points[f"lead-{k}-root"] = ((cx + s * xr,), lead_y)
            xce, xwe = cx + s * (xc - d / 2), cx + s * (xw + d / 2)
            curves.append(Curve(f"wire-{k}", (((xce,), y["front"]), ((xce,), y["loop"]),
                                               ((xwe,), y["loop"]), ((xwe,), y["front"])),
                                h["fine"]))
            points[f"wire-{k}-chip"] = ((xce,), y["front"])
            points[f"wire-{k}-pad"] = ((xwe,), y["front"])
    points["center-bottom"] = ((0.0,), 0.0)
    planes = {"symmetry-x": ("x", 0.0)} if extent == "half" else {}
    planes["edge-x"] = ("x", p.A)       # the package's outer edge (a dam for the injection)
    exposed = {"platen-top": y["top"]}
    return Layout(Rect(x0, p.A), parts, h["hy"], h["max"], curves, points, planes,
                  top="ball-tops" if p.solder_balls else None, exposed=exposed)


def _plan(p, extent):
    """3D: plan (x, z); panel centre at the origin; quarter, half or full."""
    y = p.levels()
    h = _sizes(p, 3)
    lo = {"quarter": (0.0, 0.0), "half": (0.0, -p.A), "full": (-p.A, -p.A)}[extent]
    dom = Rect(lo[0], p.A, lo[1], p.A)

    def inside(x, z, r=0.0):
        return x + r > dom.x0 + 1e-9 and z + r > dom.z0 + 1e-9

    def sq(cx, cz, half):
        return Rect(cx - half, cx + half, cz - half, cz + half)

    cs = [(cx, cz) for cx in p.centres() for cz in p.centres()]
    rb = p.ball_diameter / 2
    grid = _ball_row(p)
    xc, xw, xl, xr = p.x_features()
    along = _positions(p)
    curves, points = [], {}
    k = 0
    for cx, cz in cs:
        for ux, uz in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            for s in along:
                # edge direction (ux, uz); position s along the edge (perpendicular axis)
                def at(r):
                    return (cx + ux * r + (s if uz else 0.0), cz + uz * r + (s if ux else 0.0))
                if not (inside(*at(xc), p.wire_diameter) and inside(*at(xr))):
                    continue
                k += 1
                curves.append(Curve(f"lead-{k}", ((at(xl), y["front"]), (at(xl), y["sheet"]),
                                                  (at(xr), y["sheet"])), h["fine"]))
                points[f"lead-{k}-tip"] = (at(xl), y["front"])
                points[f"lead-{k}-root"] = (at(xr), y["sheet"])
                curves.append(Curve(f"wire-{k}", ((at(xc), y["front"]), (at(xc), y["loop"]),
                                                  (at(xw), y["loop"]), (at(xw), y["front"])),
                                    h["fine"]))
                points[f"wire-{k}-chip"] = (at(xc), y["front"])
                points[f"wire-{k}-pad"] = (at(xw), y["front"])
    # the plan is cut by every footprint and line whatever its height: a ball whose circle
    # grazes a lead or wire line or a chip or opening edge would leave slivers, so such a
    # ball is left out
    runs = [(c.path[i][0], c.path[i + 1][0]) for c in curves for i in range(len(c.path) - 1)
            if c.path[i][1] == c.path[i + 1][1]]
    for cx, cz in cs:   # and the chip and opening edges
        for half in (p.c, p.a):
            corners = [(cx - half, cz - half), (cx + half, cz - half), (cx + half, cz + half),
                       (cx - half, cz + half)]
            runs += list(zip(corners, corners[1:] + corners[:1]))
    balls = [Disk(x, z, rb) for x in grid for z in grid if inside(x, z, rb)]
    balls = [b for b in balls if not any(grazes(b, u, v, 0.05) for u, v in runs)]
    fp = {
        "domain": footprint(dom),
        "substrate": footprint(dom, holes=tuple(sq(cx, cz, p.a) for cx, cz in cs)),
        "opening": footprint(*[sq(cx, cz, p.a) for cx, cz in cs]),
        "chip": footprint(*[sq(cx, cz, p.c) for cx, cz in cs]),
        "balls": footprint(*balls),
    }
    parts = _stack(p, fp, h, section=False)
    points["center-bottom"] = ((0.0, 0.0), 0.0)
    planes = {}
    if dom.x0 == 0.0:
        planes["symmetry-x"] = ("x", 0.0)
    if dom.z0 == 0.0:
        planes["symmetry-z"] = ("z", 0.0)
    planes["edge-x"] = ("x", p.A)       # the package's outer edges (a dam for the injection)
    planes["edge-z"] = ("z", p.A)
    return Layout(dom, parts, h["hy"], h["max"], curves, points, planes,
                  top="ball-tops" if p.solder_balls else None,
                  exposed={"platen-top": y["top"]})


def _ball_row(p):
    """Ball centres along x (and z): a full-pitch grid half a pitch off the centre lines."""
    n = int(p.A / p.ball_pitch) + 1
    row = [(j + 0.5) * p.ball_pitch for j in range(-n, n)]
    return [x for x in row if abs(x) + p.ball_diameter / 2 <= p.A - 0.1]


def _positions(p):
    """Lead positions along a chip edge, half a pitch off the centre line (none in a
    symmetry plane), none within corner_keepout of a corner."""
    half = p.c - p.corner_keepout
    k = int(math.floor(half / p.lead_pitch - 0.5 + 1e-9))
    pos = [(j + 0.5) * p.lead_pitch for j in range(k + 1)]
    return sorted([-x for x in pos] + pos)

"""F2 ``resilient-pad``: compressed resilient layer, leads formed by spring-back.

Source: seeds 001 and 002 (US application "Methods of making microelectronic assemblies using
compressed resilient layer", figs. 1-18); digest in PROCESSES.md, family F2.

The stack, bottom to top (y up, mm; the as-built state before the platens compress it):

- ``dielectric``: the flexible polyimide layer (second side assembly 8) on the bottom platen;
- ``leads``: copper leads lying on the dielectric (2D: thin strips; every model also has each
  lead as a named curve on the dielectric's top surface, for beam elements);
- ``bumps``: the chip's C4 contacts 34, bonded to the lead tips (the leads' releasable ends);
- ``chip``: face down in the aperture of the ``frame`` (carrier frame 1, FR-4/BT);
- ``pads``: the first resilient element 25 between the frame (or the chip face, an auxiliary
  plate, posts) and the dielectric: discrete silicone pads, a unitary pad with a central
  opening, or a pad with several openings;
- ``adhesive``: the bead 28 attaching the frame to the dielectric at its outer edge;
- ``ground-plane`` (optional): a copper plane on the frame's underside (fig. 12);
- ``die-attach``: adhesive 46 on the whole underside of the heat spreader, over the chip back
  and the frame; ``pads-2`` (optional): the second resilient element 48 in that layer over
  the frame;
- ``heat-spreader`` (structure 40) and ``coverlay`` (52) on top;
- ``encapsulant``: every space left inside the package outline (the compliant layer 58 injected
  after the leads are formed): meshed from the start so a step can activate it.

The frame's thickness is not a parameter: it follows from the stack so that the frame's top is
flush with the chip's back (the heat spreader and its die-attach layer rest on both), i.e.
frame = lead + bump + chip - pad - ground plane.

Models: 2D plane-strain section through a lead and a pad (half with ``symmetry-x`` or full;
use the lead pitch as the case's out-of-plane thickness: the section stands for one lead);
3D quarter (``symmetry-x``, ``symmetry-z``), half or full; a 3D ``slice`` (the 2D section
extruded over one lead pitch: constrain ``slice-front`` and ``slice-back`` in z to reproduce
plane strain); and ``single-pad`` (one pad between a dielectric disc and a frame disc: an
axisymmetric 2D model about x = 0, or its 3D quarter).
"""

import math
from dataclasses import dataclass

from solver.errors import InputError

from .layered import Curve, Disk, Layout, Part, Rect, build_layered, footprint

DIMS = (2, 3)
VERSION = 4
MIL = 0.0254   # mm

VARIANTS = ("discrete-pads", "unitary-pad", "multi-opening-pad", "chip-face", "plate", "posts",
            "single-pad")
EXTENTS = ("auto", "half", "full", "quarter", "slice")


@dataclass(frozen=True)
class Params:
    """Resilient-pad package parameters (mm unless stated).

    Numbers from the source are cited; the others are typical values for such a package (chip
    scale, polyimide flex, C4 bumps) and say so.
    """

    variant: str = "discrete-pads"     # one of VARIANTS (figs. 1-11, 17, 18, 14, 15, 16)
    extent: str = "auto"               # auto (2D half, 3D quarter), half, full, quarter, slice
    # chip and frame
    chip_width: float = 5.0            # square chip edge (typical)
    chip_thickness: float = 0.5        # typical thinned die
    aperture_width: float = 5.6        # square aperture 5 of the frame (typical 0.3 mm gap)
    package_width: float = 9.0         # frame outer edge = dielectric outline (typical)
    # flexible dielectric layer and leads
    dielectric_thickness: float = 0.05  # polyimide, 2 mil (typical flex circuit)
    lead_thickness: float = 0.018      # copper, 18 um (typical)
    lead_length: float = 0.4           # lead tip (bump centre) to root, in the plan (typical)
    bond_length: float = 0.1           # permanently attached part at the root (over hole 16)
    lead_pitch: float = 0.25           # along a chip edge; 2D depth (typical)
    corner_keepout: float = 0.4        # no lead closer than this to a chip corner (typical)
    # C4 contacts
    bump_diameter: float = 0.1         # C4 solder ball, 4 mil (typical)
    bump_height: float = 0.08          # reflowed C4 height (typical)
    bump_inset: float = 0.15           # bump centre to chip edge (typical)
    # first resilient element (seed 002 [0063]: pads ~20 mil diameter, 4-10 mil high)
    pad_diameter: float = 20 * MIL     # 20 mil = 0.508 (seed 002 [0063])
    pad_height: float = 7 * MIL        # 7 mil = 0.178, middle of 4-10 mil (seed 002 [0063])
    pad_pitch: float = 1.0             # spacing of discrete pads along the frame ring (typical)
    opening_diameter: float = 0.3      # openings of the multi-opening pad (fig. 18; typical)
    adhesive_width: float = 0.4        # adhesive bead 28 at the frame's outer edge (typical)
    pad_clearance: float = 0.2         # unitary pad to adhesive bead gap (typical)
    # top assembly (structure 40, adhesive 46, coverlay 52)
    heat_spreader: bool = True         # heat spreader 40 + die attach 46 (figs. 5-6)
    heat_spreader_thickness: float = 0.2   # copper (typical)
    die_attach_thickness: float = 0.05     # compliant die-attach adhesive (typical)
    second_pads: bool = False              # second resilient element 48 (fig. 5), height = die attach
    coverlay: bool = True              # coverlay 52 over spreader and frame (fig. 6)
    coverlay_thickness: float = 0.05       # polyimide coverlay (typical)
    ground_plane: bool = False             # copper plane 113 on the frame's underside (fig. 12)
    ground_plane_thickness: float = 0.018  # copper (typical)
    encapsulant: bool = True               # compliant layer 58 region (activated later)
    # process (F2 spring-back): the as-built state before the platens compress the pads
    frame_standoff: float = 0.0        # frame top above the chip back before compression (the
                                       # uncured die attach over the chip is thicker by this;
                                       # pressed flush by a compression of this much; 0: flush)
    frame_attach: bool = False         # the adhesive layer between frame and heat spreader as its
                                       # own region `frame-attach` (structure 40 attached to the
                                       # first side assembly, seed 002 [0017]), apart from the
                                       # die attach over the chip that cures under compression
    # variants without a frame
    plate_width: float = 7.6           # auxiliary plate 341 (fig. 15)
    plate_thickness: float = 0.2       # (typical)
    post_width: float = 0.8            # post 441 beside the chip (fig. 16)
    cell_width: float = 1.0            # single-pad: the pad's share of the dielectric (= pad pitch)
    frame_thickness: float = 0.4       # single-pad only: the frame disc above the pad
    # mesh
    element_size: float = 0.1          # 2D: largest element along x (size factor 1)
    element_height: float = 0.06       # 2D: target element height through thick layers
    element_size_3d: float = 0.2       # 3D: largest in-plane element
    element_height_3d: float = 0.1     # 3D: target element height through thick layers

    # ------------------------------------------------------------------ derived geometry
    @property
    def c(self):
        """Chip half width."""
        return 0.5 * self.chip_width

    @property
    def a(self):
        """Aperture half width."""
        return 0.5 * self.aperture_width

    @property
    def A(self):
        """Package half width."""
        return 0.5 * self.package_width

    @property
    def has_frame(self):
        return self.variant in ("discrete-pads", "unitary-pad", "multi-opening-pad")

    @property
    def fan_in(self):
        """Posts (fig. 16) occupy the chip's periphery: there the leads run under the chip."""
        return self.variant == "posts"

    def levels(self):
        """Heights of the stack (mm): dict of named y values."""
        y = {"dielectric": self.dielectric_thickness}
        y["lead"] = y["dielectric"] + self.lead_thickness
        if self.variant == "chip-face":   # the pads hold the chip face: standoff = pad height
            y["face"] = y["dielectric"] + self.pad_height
        else:
            y["face"] = y["lead"] + self.bump_height
        y["back"] = y["face"] + self.chip_thickness
        y["pad"] = y["dielectric"] + self.pad_height
        y["frame"] = y["pad"] + (self.ground_plane_thickness if self.ground_plane else 0.0)
        y["body"] = y["back"] + (self.plate_thickness if self.variant == "plate" else 0.0)
        y["body"] += self.frame_standoff if self.has_frame else 0.0
        y["spreader"] = y["body"] + (self.die_attach_thickness if self.heat_spreader else 0.0)
        y["top"] = y["spreader"] + (self.heat_spreader_thickness if self.heat_spreader else 0.0)
        y["cover"] = y["top"] + (self.coverlay_thickness if self.coverlay else 0.0)
        return y

    def frame_height(self):
        y = self.levels()
        return y["body"] - y["frame"]

    def lead_span(self):
        """(tip, root) x of the lead on the +x edge (tip under the bump centre)."""
        tip = self.c - self.bump_inset
        root = tip - self.lead_length if self.fan_in else tip + self.lead_length
        return tip, root

    def pad_ring(self):
        """Centre-line half width of the ring of discrete pads (or openings)."""
        if self.variant == "plate":
            return 0.5 * (self.a + 0.5 * self.plate_width)
        return 0.5 * (self.a + self.A - self.adhesive_width)

    # ------------------------------------------------------------------ validation
    def check(self, where):
        """Refuse impossible geometry, naming the parameter (before Gmsh runs)."""
        def bad(key, msg):
            raise InputError(f"{where}.{key}: {msg}")

        if self.variant not in VARIANTS:
            bad("variant", f"'{self.variant}' is not one of {', '.join(VARIANTS)}")
        if self.extent not in EXTENTS:
            bad("extent", f"'{self.extent}' is not one of {', '.join(EXTENTS)}")
        for key in ("chip_width", "chip_thickness", "aperture_width", "package_width",
                    "dielectric_thickness", "lead_thickness", "lead_length", "bond_length",
                    "lead_pitch", "bump_diameter", "bump_height", "pad_diameter", "pad_height",
                    "pad_pitch", "opening_diameter", "adhesive_width", "heat_spreader_thickness",
                    "die_attach_thickness", "coverlay_thickness", "ground_plane_thickness",
                    "plate_width", "plate_thickness", "post_width", "cell_width",
                    "frame_thickness", "element_size", "element_height", "element_size_3d",
                    "element_height_3d"):
            if not getattr(self, key) > 0:
                bad(key, f"must be positive (got {getattr(self, key)})")
        for key in ("bump_inset", "corner_keepout", "pad_clearance", "frame_standoff"):
            if getattr(self, key) < 0:
                bad(key, "must not be negative")
        if self.variant == "single-pad":
            if self.pad_diameter >= self.cell_width:
                bad("pad_diameter", f"{self.pad_diameter} mm does not fit in cell_width "
                    f"{self.cell_width} mm")
            return
        if self.chip_width >= self.aperture_width:
            bad("chip_width", f"the chip ({self.chip_width} mm) must be narrower than the "
                f"aperture_width ({self.aperture_width} mm)")
        if self.aperture_width >= self.package_width:
            bad("aperture_width", f"the aperture ({self.aperture_width} mm) must be narrower "
                f"than the package_width ({self.package_width} mm)")
        if self.bump_diameter / 2 > self.bump_inset + 1e-12:
            bad("bump_inset", f"the bump (diameter {self.bump_diameter} mm) must lie under the "
                f"chip: bump_inset >= {self.bump_diameter / 2} mm")
        if self.bond_length >= self.lead_length - self.bump_diameter / 2:
            bad("bond_length", "the bonded root must be shorter than the lead beyond its bump "
                f"({self.lead_length - self.bump_diameter / 2:g} mm)")
        if self.lead_pitch <= self.bump_diameter:
            bad("lead_pitch", f"bumps of {self.bump_diameter} mm overlap at pitch {self.lead_pitch} mm")
        tip, root = self.lead_span()
        if self.fan_in and root <= self.bump_diameter:
            bad("lead_length", "fan-in leads reach the chip centre")
        if not self.fan_in and root >= self.a - 1e-9 and self.has_frame:
            bad("lead_length", f"the lead root (x = {root:g} mm) must lie inside the aperture "
                f"(half width {self.a:g} mm): shorten the lead or widen the aperture")
        if 2 * self.corner_keepout >= self.chip_width:
            bad("corner_keepout", "leaves no room for leads along the chip edge")
        y = self.levels()
        if self.variant == "chip-face":
            if self.pad_height <= self.lead_thickness + 0.01:
                bad("pad_height", "the pads carry the chip face: they must be taller than the "
                    "lead thickness")
            if self.pad_ring_inner() < self.pad_diameter / 2:
                bad("pad_diameter", "no room for pads inside the ring of bumps on the chip face")
        if self.has_frame or self.variant == "posts":
            if y["back"] - y["frame"] < 0.05:
                bad("pad_height", f"a pad of {self.pad_height} mm does not fit: the gap between "
                    f"the dielectric and the chip back is {y['back'] - y['dielectric']:.3f} mm and "
                    "the frame above the pads needs at least 0.05 mm of it")
        if self.has_frame:
            ring_in, ring_out = self.a, self.A - self.adhesive_width
            if ring_out - ring_in < self.pad_diameter:
                bad("pad_diameter", f"pads of {self.pad_diameter} mm do not fit between the "
                    f"aperture and the adhesive bead ({ring_out - ring_in:.3f} mm)")
            if self.variant == "multi-opening-pad" and \
                    self.opening_diameter >= ring_out - self.pad_clearance - ring_in:
                bad("opening_diameter", "the openings do not fit in the pad ring")
            if self.variant == "discrete-pads" and self.pad_pitch <= self.pad_diameter:
                bad("pad_pitch", f"pads of {self.pad_diameter} mm overlap at pitch {self.pad_pitch} mm")
            if self.variant in ("unitary-pad", "multi-opening-pad") and \
                    ring_out - self.pad_clearance <= ring_in:
                bad("pad_clearance", "leaves no unitary pad")
        elif self.frame_standoff > 0:
            bad("frame_standoff", f"variant '{self.variant}' has no frame")
        elif self.ground_plane:
            bad("ground_plane", f"the ground plane lines the frame's underside: variant "
                f"'{self.variant}' has no frame")
        if self.frame_attach and not (self.has_frame and self.heat_spreader):
            bad("frame_attach", "the frame attach joins the heat spreader to the frame: needs a "
                "frame variant and heat_spreader = true")
        if self.frame_standoff > 0 and not self.heat_spreader:
            bad("frame_standoff", "the standoff is taken up by the die attach: needs "
                "heat_spreader = true")
        if self.second_pads:
            if not (self.has_frame and self.heat_spreader):
                bad("second_pads", "the second resilient element sits between the heat spreader "
                    "and the frame: needs a frame variant and heat_spreader = true")
        if self.variant == "plate":
            if self.plate_width / 2 - self.a < self.pad_diameter:
                bad("plate_width", "no room for pads under the plate's periphery outside the "
                    "aperture")
            if self.plate_width >= self.package_width:
                bad("plate_width", "must be smaller than package_width")
        if self.variant == "posts":
            if self.c + self.post_width >= self.A:
                bad("post_width", "posts reach beyond the package outline")

    def pad_ring_inner(self):
        """chip-face: half width of the pad zone inside the bumps."""
        return self.c - self.bump_inset - self.bump_diameter - 0.05


# ----------------------------------------------------------------------------- layout
def check_dim(p, dim, where):
    """Refuse an extent that the dimension does not have (before Gmsh runs)."""
    extent = p.extent
    if dim == 2 and extent in ("quarter", "slice"):
        raise InputError(f"{where}.extent: '{extent}' is a 3D model; a 2D section is 'half' "
                         "or 'full'")
    if p.variant == "single-pad" and extent not in ("auto", "half", "quarter"):
        raise InputError(f"{where}.extent: the single pad is an axisymmetric section (2D) or "
                         "its quarter (3D)")


def build(p, dim, order, size):
    """Build the model of ``p`` in the current Gmsh session (see meshes.common.build_mesh)."""
    return build_layered(layout(p, dim), dim, order, size)


def layout(p, dim):
    """The Layout of parameters ``p`` for dimension ``dim`` (2 or 3)."""
    extent = p.extent
    if extent == "auto":
        extent = "half" if dim == 2 else "quarter"
    if p.variant == "single-pad":
        return _single_pad(p, dim)
    if dim == 3 and extent == "slice":
        lay = _section(p, "half", 3)
        lay.depth = p.lead_pitch
        lay.planes["slice-front"] = ("z", 0.0)
        lay.planes["slice-back"] = ("z", p.lead_pitch)
        return lay
    if dim == 2:
        return _section(p, extent, 2)
    return _plan(p, extent)


def _sizes(p, dim):
    """Element sizes (mm): in-plane per kind of part, the largest ("max") and through the
    thickness of thick slabs ("hy"). 3D is coarser in the plan: its default is ~1M DOF."""
    big = p.element_size if dim == 2 else p.element_size_3d
    return {
        "max": big,
        "hy": p.element_height if dim == 2 else p.element_height_3d,
        "bump": p.bump_diameter / (4 if dim == 2 else 3),
        "lead": min(p.lead_length / 12, 0.04) if dim == 2 else min(p.lead_length / 8, 0.05),
        "pad": min(p.pad_diameter / 6, big),
        "edge": min(0.06 if dim == 2 else 0.1, big),
        "fill": big,
    }


def _stack(p, fp, dim, section):
    """The parts (a later one overrides an earlier one), given the footprints ``fp``."""
    y = p.levels()
    h = _sizes(p, 2 if section else dim)     # a slice is meshed like its section
    domain = fp["domain"]
    parts = []
    if p.encapsulant:
        parts.append(Part("encapsulant", domain, y["dielectric"], y["body"], h["fill"]))
    parts.append(Part("dielectric", domain, 0.0, y["dielectric"], h["fill"]))
    if p.has_frame:
        parts.append(Part("frame", fp["frame"], y["frame"], y["body"], h["edge"]))
        parts.append(Part("adhesive", fp["adhesive"], y["dielectric"], y["frame"], h["edge"]))
        if p.ground_plane:
            parts.append(Part("ground-plane", fp["frame"], y["pad"], y["frame"], h["edge"]))
        parts.append(Part("pads", fp["pads"], y["dielectric"], y["pad"], h["pad"]))
    elif p.variant == "chip-face":
        parts.append(Part("pads", fp["pads"], y["dielectric"], y["face"], h["pad"]))
    elif p.variant == "plate":
        parts.append(Part("plate", fp["plate"], y["back"], y["body"], h["edge"]))
        parts.append(Part("pads", fp["pads"], y["dielectric"], y["back"], h["pad"]))
    elif p.variant == "posts":
        parts.append(Part("posts", fp["posts"], y["pad"], y["back"], h["edge"]))
        parts.append(Part("pads", fp["posts"], y["dielectric"], y["pad"], h["pad"]))
    parts.append(Part("chip", fp["chip"], y["face"], y["back"], h["edge"]))
    # a 2D section has the leads as strips under the bumps; in 3D they are curves and the
    # bumps reach down to the dielectric
    parts.append(Part("bumps", fp["bumps"], y["lead"] if section else y["dielectric"],
                      y["face"], h["bump"]))
    if section:
        parts.append(Part("leads", fp["leads"], y["dielectric"], y["lead"], h["lead"]))
    if p.heat_spreader:
        parts.append(Part("die-attach", domain, y["body"], y["spreader"], h["fill"]))
        if y["body"] > y["back"] + 1e-12 and p.has_frame:   # frame standoff: thicker over the chip
            parts.append(Part("die-attach", fp["chip"], y["back"], y["body"], h["fill"]))
        if p.frame_attach:
            parts.append(Part("frame-attach", fp["frame"], y["body"], y["spreader"], h["edge"]))
        if p.second_pads:
            parts.append(Part("pads-2", fp["pads"], y["body"], y["spreader"], h["pad"]))
        parts.append(Part("heat-spreader", domain, y["spreader"], y["top"], h["fill"]))
    if p.coverlay:
        parts.append(Part("coverlay", domain, y["top"], y["cover"], h["fill"]))
    return parts


# ----------------------------------------------------------------------------- 2D section
def _section(p, extent, dim):
    """The section z = 0 through a lead on each side and a pad (x from -A or 0 to A).

    ``dim`` 3 is the slice model (the section extruded over one lead pitch)."""
    y = p.levels()
    h = _sizes(p, 2)
    x0 = 0.0 if extent == "half" else -p.A
    sides = (1.0,) if extent == "half" else (1.0, -1.0)

    def sym(a, b, centred=False):
        """Span [a, b] on the +x side and its mirror image, clipped to the domain."""
        if centred:   # a span across the centre line
            return (Rect(max(-b, x0), b),)
        out = []
        for s in sides:
            lo, hi = sorted((s * a, s * b))
            lo = max(lo, x0)
            if hi > lo:
                out.append(Rect(lo, hi))
        return tuple(out)

    tip, root = p.lead_span()
    rb = p.bump_diameter / 2
    way = -1.0 if p.fan_in else 1.0            # from the tip towards the root
    back_end = tip - way * rb                  # the strip starts under the bump's far edge
    lead = tuple(sorted((back_end, root)))
    ring = p.pad_ring()
    rp = p.pad_diameter / 2
    fp = {
        "domain": footprint(Rect(x0, p.A)),
        "chip": footprint(*sym(0.0, p.c, centred=True)),
        "bumps": footprint(*sym(tip - rb, tip + rb)),
        "leads": footprint(*sym(*lead)),
        "frame": footprint(*sym(p.a, p.A)),
        "adhesive": footprint(*sym(p.A - p.adhesive_width, p.A)),
    }
    if p.variant in ("discrete-pads", "plate"):
        fp["pads"] = footprint(*sym(ring - rp, ring + rp))
    elif p.variant in ("unitary-pad", "multi-opening-pad"):
        outer = p.A - p.adhesive_width - p.pad_clearance
        ro = p.opening_diameter / 2
        holes = sym(ring - ro, ring + ro) if p.variant == "multi-opening-pad" else ()
        fp["pads"] = footprint(*sym(p.a, outer), holes=holes)
    elif p.variant == "chip-face":
        xs = [x for x in _row(p.pad_ring_inner() - rp, p.pad_pitch) if x >= 0]
        spans = [r for x in xs for r in (sym(0.0, rp, centred=True) if x == 0
                                         else sym(x - rp, x + rp))]
        fp["pads"] = footprint(*spans)
    if p.variant == "plate":
        fp["plate"] = footprint(*sym(0.0, p.plate_width / 2, centred=True))
    if p.variant == "posts":
        fp["posts"] = footprint(*sym(p.c, p.c + p.post_width))
    parts = _stack(p, fp, dim, section=True)

    curves, points = [], {}
    bond_start = root - way * p.bond_length
    yd = y["dielectric"]
    for k, s in enumerate(sides, start=1):
        def run(a, b):
            return (((s * a,), yd), ((s * b,), yd))
        curves.append(Curve(f"lead-{k}", run(back_end, root), h["lead"]))
        curves.append(Curve(f"lead-{k}-release", run(back_end, bond_start), h["lead"]))
        curves.append(Curve(f"lead-{k}-bond", run(bond_start, root), h["lead"]))
        points[f"lead-{k}-tip"] = ((s * tip,), yd)
        points[f"lead-{k}-root"] = ((s * root,), yd)
    points["center-bottom"] = ((0.0,), 0.0)
    planes = {"symmetry-x": ("x", 0.0)} if extent == "half" else {}
    refine = [((s * p.c,), h["edge"]) for s in sides]
    return Layout(Rect(x0, p.A), parts, h["hy"], h["max"], curves, points, planes,
                  refine=refine)


def _row(half, pitch):
    """Positions 0, +-pitch, ... within [-half, half] (a symmetric row)."""
    k = int(math.floor(half / pitch + 1e-9))
    return [j * pitch for j in range(-k, k + 1)]


# ----------------------------------------------------------------------------- 3D plan
def _plan(p, extent):
    """3D model: plan (x, z), package centre at the origin; quarter, half or full."""
    y = p.levels()
    h = _sizes(p, 3)
    lo = {"quarter": (0.0, 0.0), "half": (0.0, -p.A), "full": (-p.A, -p.A)}[extent]
    domain = Rect(lo[0], p.A, lo[1], p.A)

    def square(half):
        return Rect(-half, half, -half, half)

    def inside(x, z, r=0.0):
        return x + r > domain.x0 + 1e-9 and z + r > domain.z0 + 1e-9

    rb = p.bump_diameter / 2
    leads = [l for l in _leads(p) if inside(l[0], l[1], rb) and inside(l[2], l[3])]
    fp = {
        "domain": footprint(domain),
        "chip": footprint(square(p.c)),
        "bumps": footprint(*[Disk(l[0], l[1], rb) for l in leads]),
        "frame": footprint(square(p.A), holes=(square(p.a),)),
        "adhesive": footprint(square(p.A), holes=(square(p.A - p.adhesive_width),)),
    }
    ring = p.pad_ring()
    rp = p.pad_diameter / 2
    if p.variant in ("discrete-pads", "plate"):
        fp["pads"] = footprint(*[Disk(x, z, rp) for x, z in _ring_positions(ring, p.pad_pitch)
                                 if inside(x, z, rp)])
    elif p.variant in ("unitary-pad", "multi-opening-pad"):
        outer = p.A - p.adhesive_width - p.pad_clearance
        holes = [square(p.a)]
        if p.variant == "multi-opening-pad":
            ro = p.opening_diameter / 2
            holes += [Disk(x, z, ro) for x, z in _ring_positions(ring, p.pad_pitch)
                      if inside(x, z, ro)]
        fp["pads"] = footprint(square(outer), holes=tuple(holes))
    elif p.variant == "chip-face":
        xs = _row(p.pad_ring_inner() - rp, p.pad_pitch)
        fp["pads"] = footprint(*[Disk(x, z, rp) for x in xs for z in xs if inside(x, z, rp)])
    if p.variant == "plate":
        fp["plate"] = footprint(square(p.plate_width / 2))
    if p.variant == "posts":
        fp["posts"] = footprint(square(p.c + p.post_width), holes=(square(p.c),))
    parts = _stack(p, fp, 3, section=False)

    curves, points = [], {}
    yd = y["dielectric"]
    for k, (xt, zt, xr, zr) in enumerate(leads, start=1):
        L = math.hypot(xr - xt, zr - zt)
        xb = xr - (xr - xt) * p.bond_length / L          # where the bonded root begins
        zb = zr - (zr - zt) * p.bond_length / L
        curves.append(Curve(f"lead-{k}", (((xt, zt), yd), ((xr, zr), yd)), h["lead"]))
        curves.append(Curve(f"lead-{k}-release", (((xt, zt), yd), ((xb, zb), yd)), h["lead"]))
        curves.append(Curve(f"lead-{k}-bond", (((xb, zb), yd), ((xr, zr), yd)), h["lead"]))
        points[f"lead-{k}-tip"] = ((xt, zt), yd)
        points[f"lead-{k}-root"] = ((xr, zr), yd)
    points["center-bottom"] = ((0.0, 0.0), 0.0)
    planes = {}
    if domain.x0 == 0.0:
        planes["symmetry-x"] = ("x", 0.0)
    if domain.z0 == 0.0:
        planes["symmetry-z"] = ("z", 0.0)
    return Layout(domain, parts, h["hy"], h["max"], curves, points, planes)


def _leads(p):
    """All leads of the package as (x_tip, z_tip, x_root, z_root), numbered edge by edge:
    +x edge by increasing z, +z edge by increasing x, then -x and -z (stable names)."""
    tip, root = p.lead_span()
    along = _lead_positions(p)
    out = []
    out += [(tip, s, root, s) for s in along]          # +x edge
    out += [(s, tip, s, root) for s in along]          # +z edge
    out += [(-tip, s, -root, s) for s in along]        # -x edge
    out += [(s, -tip, s, -root) for s in along]        # -z edge
    return out


def _lead_positions(p):
    """Lead positions along a chip edge: symmetric, half a pitch off the centre line (so no
    lead lies in a symmetry plane), none within corner_keepout of a corner."""
    half = p.c - p.corner_keepout
    k = int(math.floor(half / p.lead_pitch - 0.5 + 1e-9))
    pos = [(j + 0.5) * p.lead_pitch for j in range(k + 1)]
    return sorted([-x for x in pos] + pos)


def _ring_positions(half, pitch):
    """Centres on the square ring of half width ``half``: the four corners and, on every
    side, a symmetric row at ``pitch`` that keeps a pitch away from the corners."""
    k = int(math.floor((half - pitch) / pitch + 1e-9))
    side = [j * pitch for j in range(-k, k + 1)] if k >= 0 else []
    pts = {(sx * half, sz * half) for sx in (1.0, -1.0) for sz in (1.0, -1.0)}
    for s in side:
        for sign in (1.0, -1.0):
            pts.add((sign * half, s))
            pts.add((s, sign * half))
    return sorted(pts)


# ----------------------------------------------------------------------------- single pad
def _single_pad(p, dim):
    """One pad between a dielectric disc and a frame disc of diameter cell_width.

    2D: the axisymmetric section (x = r from the axis, y = z); 3D: its quarter."""
    y = p.levels()
    R = p.cell_width / 2
    rp = p.pad_diameter / 2
    top = y["pad"] + p.frame_thickness
    h = _sizes(p, dim)
    hp = min(rp / 6, h["pad"])
    if dim == 2:
        domain, cell, pad = Rect(0.0, R), footprint(Rect(0.0, R)), footprint(Rect(0.0, rp))
        points = {"center-bottom": ((0.0,), 0.0), "pad-edge": ((rp,), y["dielectric"])}
        planes = {"axis": ("x", 0.0)}
    else:
        domain = Rect(0.0, R, 0.0, R)
        cell, pad = footprint(Disk(0.0, 0.0, R)), footprint(Disk(0.0, 0.0, rp))
        points = {"center-bottom": ((0.0, 0.0), 0.0), "pad-edge": ((rp, 0.0), y["dielectric"])}
        planes = {"symmetry-x": ("x", 0.0), "symmetry-z": ("z", 0.0)}
    parts = []
    if p.encapsulant:
        parts.append(Part("encapsulant", cell, y["dielectric"], y["pad"], hp * 2))
    parts += [Part("dielectric", cell, 0.0, y["dielectric"], hp * 2),
              Part("pads", pad, y["dielectric"], y["pad"], hp),
              Part("frame", cell, y["pad"], top, hp * 2)]
    return Layout(domain, parts, min(h["hy"], p.pad_height / 4), hp * 3, [], points, planes,
                  refine=[])

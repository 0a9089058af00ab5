"""F3 ``dual-solder``: two-solder joint, test before permanent attach.

Source: seed 003 (claims 1-37); digest in PROCESSES.md, family F3. The source gives the
materials (high-melting C4 bumps, e.g. high-lead; a low-melting solder, e.g. eutectic tin-lead)
but no dimensions: the defaults below are typical C4 values and say so.

The stack (y up, mm): ``sheet`` (dielectric sheet with leads) - copper ``pads`` on it -
``low-solder`` (the low-melting layer on each pad) - ``bumps`` (the chip's high-melting
bumps) - ``chip``; ``encapsulant``: the flowable dielectric injected around the joints and
leads at the end (meshed from the start, to be activated).

Layouts:
- ``row`` (default): a row of ``joints`` along x at ``pitch``; the 2D plane-strain section
  through the joint centres (use the pitch as the case thickness); 3D: the row on a strip of
  width ``strip_width`` (z from -strip_width/2 to +strip_width/2), half (x >= 0, symmetry-x) or
  full; each joint has a lead on the sheet running along +z (a curve, 3D only: it leaves the
  2D section).
- ``single``: one joint in a round cell of diameter ``pitch``: 2D axisymmetric (x = r, the
  axis ``axis``), 3D quarter (symmetry-x, symmetry-z).

Names: regions above; ``platen-bottom`` (sheet underside), ``platen-top`` (chip back),
interfaces ``<a>/<b>`` (the releasable joint is ``bumps/low-solder``), points
``joint-<k>`` (centre of the bump / low-solder interface), ``center-bottom``, curves
``lead-<k>`` with points ``lead-<k>-tip`` (under the joint) and ``lead-<k>-root``.
"""

from dataclasses import dataclass

from solver.errors import InputError

from .layered import Curve, Disk, Layout, Part, Rect, build_layered, footprint

DIMS = (2, 3)
VERSION = 1
LAYOUTS = ("row", "single")
EXTENTS = ("auto", "half", "full", "quarter")


@dataclass(frozen=True)
class Params:
    """Dual-solder joint parameters, mm (typical C4 values: the source gives none)."""

    layout: str = "row"                  # row | single
    extent: str = "auto"                 # auto (row: half; single: axisym. / quarter), full
    joints: int = 5                      # joints in the row
    pitch: float = 0.25                  # joint pitch (C4 area array, 250 um)
    margin: float = 0.3                  # chip beyond the outer joints, along x
    strip_width: float = 1.2             # 3D row: model width along z (the leads run in it)
    chip_thickness: float = 0.5          # typical
    bump_diameter: float = 0.1           # high-melting C4 bump (as a column)
    bump_height: float = 0.08
    solder_diameter: float = 0.1         # low-melting solder on the pad
    solder_thickness: float = 0.03
    pad_diameter: float = 0.1            # copper pad (lead end) on the sheet
    pad_thickness: float = 0.018
    sheet_thickness: float = 0.05        # polyimide
    lead_length: float = 0.4             # 3D: lead from the joint along +z
    encapsulant: bool = True             # flowable dielectric injected at the end (step 5)
    element_size: float = 0.02           # 2D: largest element along x
    element_height: float = 0.02         # 2D: element height through thick layers
    element_size_3d: float = 0.05        # 3D
    element_height_3d: float = 0.04

    def levels(self):
        y = {"sheet": self.sheet_thickness}
        y["pad"] = y["sheet"] + self.pad_thickness
        y["solder"] = y["pad"] + self.solder_thickness
        y["face"] = y["solder"] + self.bump_height
        y["back"] = y["face"] + self.chip_thickness
        return y

    def xs(self):
        n = self.joints if self.layout == "row" else 1
        return [(i - (n - 1) / 2) * self.pitch for i in range(n)]

    @property
    def half_length(self):
        """Half length of the model along x (row) or the cell radius (single)."""
        if self.layout == "single":
            return self.pitch / 2
        return max(self.xs()) + self.margin

    def check(self, where):
        def bad(key, msg):
            raise InputError(f"{where}.{key}: {msg}")

        if self.layout not in LAYOUTS:
            bad("layout", f"'{self.layout}' is not one of {', '.join(LAYOUTS)}")
        if self.extent not in EXTENTS:
            bad("extent", f"'{self.extent}' is not one of {', '.join(EXTENTS)}")
        for key in ("pitch", "margin", "strip_width", "chip_thickness", "bump_diameter",
                    "bump_height", "solder_diameter", "solder_thickness", "pad_diameter",
                    "pad_thickness", "sheet_thickness", "lead_length", "element_size",
                    "element_height", "element_size_3d", "element_height_3d"):
            if not getattr(self, key) > 0:
                bad(key, f"must be positive (got {getattr(self, key)})")
        if self.joints < 1:
            bad("joints", "at least one joint")
        widest = max(self.bump_diameter, self.solder_diameter, self.pad_diameter)
        if widest >= self.pitch - 0.02:
            bad("pitch", f"joints of {widest} mm do not fit at pitch {self.pitch} mm")
        if self.margin < widest / 2 + 0.02:
            bad("margin", "the chip must cover the outer joints")
        if self.layout == "row" and self.lead_length + self.pad_diameter / 2 + 0.05 > self.strip_width / 2:
            bad("lead_length", f"the lead does not fit in strip_width / 2 = {self.strip_width / 2} mm")


def check_dim(p, dim, where):
    if p.layout == "single" and p.extent in ("full", "half") and dim == 3:
        raise InputError(f"{where}.extent: the single joint's 3D model is a quarter")
    if dim == 2 and p.extent == "quarter":
        raise InputError(f"{where}.extent: 'quarter' is a 3D model")


def build(p, dim, order, size):
    return build_layered(layout(p, dim), dim, order, size)


def layout(p, dim):
    y = p.levels()
    h = {"max": p.element_size if dim == 2 else p.element_size_3d,
         "hy": p.element_height if dim == 2 else p.element_height_3d}
    h["joint"] = min(p.bump_diameter / (6 if dim == 2 else 4), h["max"])
    R = p.half_length
    if dim == 2:
        x0 = 0.0 if (p.layout == "single" or p.extent in ("auto", "half")) else -R
        dom = Rect(x0, R)

        def disk(x, d):
            return Rect(max(x - d / 2, x0), x + d / 2)
        cell = footprint(dom)
        keep = [x for x in p.xs() if x + p.bump_diameter / 2 > x0]
    else:
        if p.layout == "single":
            dom = Rect(0.0, R, 0.0, R)
            cell = footprint(Disk(0.0, 0.0, R))
        else:
            x0 = 0.0 if p.extent in ("auto", "half") else -R
            dom = Rect(x0, R, -p.strip_width / 2, p.strip_width / 2)
            cell = footprint(dom)

        def disk(x, d):
            return Disk(x, 0.0, d / 2)
        keep = [x for x in p.xs() if x + p.bump_diameter / 2 > dom.x0]
    fps = {k: footprint(*[disk(x, d) for x in keep]) for k, d in
           (("bump", p.bump_diameter), ("solder", p.solder_diameter), ("pad", p.pad_diameter))}
    parts = []
    if p.encapsulant:
        parts.append(Part("encapsulant", cell, y["sheet"], y["face"], h["max"]))
    parts += [Part("sheet", cell, 0.0, y["sheet"], h["max"]),
              Part("pads", fps["pad"], y["sheet"], y["pad"], h["joint"]),
              Part("low-solder", fps["solder"], y["pad"], y["solder"], h["joint"]),
              Part("bumps", fps["bump"], y["solder"], y["face"], h["joint"]),
              Part("chip", cell, y["face"], y["back"], h["max"])]
    points = {"center-bottom": ((0.0,) if dim == 2 else (0.0, 0.0), 0.0)}
    curves = []
    for k, x in enumerate(keep, start=1):
        points[f"joint-{k}"] = ((x,) if dim == 2 else (x, 0.0), y["solder"])
        if dim == 3 and p.layout == "row":
            tip, root = (x, 0.0), (x, p.lead_length + p.pad_diameter / 2)
            curves.append(Curve(f"lead-{k}", ((tip, y["sheet"]), (root, y["sheet"])),
                                h["joint"]))
            points[f"lead-{k}-tip"] = (tip, y["sheet"])
            points[f"lead-{k}-root"] = (root, y["sheet"])
    planes = {}
    if p.layout == "single":
        planes = {"axis": ("x", 0.0)} if dim == 2 else {"symmetry-x": ("x", 0.0),
                                                         "symmetry-z": ("z", 0.0)}
    elif dom.x0 == 0.0:
        planes["symmetry-x"] = ("x", 0.0)
    return Layout(dom, parts, h["hy"], h["max"], curves, points, planes)

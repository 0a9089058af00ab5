"""The built-in default case: a resilient-pad package cross-section cooled from 150 C to 25 C.

``pkgfem demo -o OUT`` writes OUT/demo.toml (the case, to copy and edit), solves it, and
writes the VTK files, summary.json and interface_stresses.png (peel and shear stress along the
main interfaces).
"""

import json
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEMO_CASE = """\
# pkgfem demo: resilient-pad package (family F2), 2D plane-strain half section through one
# lead, cooled from the 150 C cure to 25 C. Depth = one lead pitch (0.25 mm).
title = "Resilient-pad package cool-down"

[mesh]
family = "resilient-pad"
formulation = "plane-strain"
thickness = 0.25
order = 2

[materials]
chip = "silicon"
bumps = "pb95sn5"
leads = "copper"
dielectric = "polyimide"
frame = "fr4"
pads = "silicone"
adhesive = "die-attach-flexible"
die-attach = "die-attach-flexible"
heat-spreader = "copper"
coverlay = "polyimide"
encapsulant = "silicone"

[orientations]
frame = { thickness_axis = "y" }     # FR-4 laminate: material axis 3 through the thickness

[[steps]]
name = "cool-down"
temperature = { start = 150.0, end = 25.0 }
increments = 1
fix = [ { boundary = "symmetry-x", ux = 0.0 }, { boundary = "center-bottom", uy = 0.0 } ]

[[probes]]
name = "chip-back-centre"
point = [0.0, {chip_back}]
field = "displacement"

[[probes]]
name = "package-edge-top"
point = [{edge}, {top}]
field = "displacement"
"""

#: interfaces plotted: (boundary name, region whose side is sampled)
INTERFACES = (("chip/die-attach", "die-attach"), ("die-attach/heat-spreader", "die-attach"),
              ("frame/pads", "pads"), ("dielectric/pads", "pads"))


def demo_case_text():
    """The demo case file text, with probe points from the default geometry."""
    from meshes.resilient_pad import Params

    p = Params()
    y = p.levels()
    text = DEMO_CASE.replace("{chip_back}", repr(round(y["back"], 6)))
    text = text.replace("{edge}", repr(round(p.A, 6))).replace("{top}", repr(round(y["cover"], 6)))
    return text


def run_demo(outdir="demo-output", verbose=False):
    """Write, solve and plot the demo case; prints the key numbers. Returns 0."""
    from .progress import default_progress
    from .runner import run_case

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    case = out / "demo.toml"
    case.write_text(demo_case_text())
    summary = run_case(case, out, progress=default_progress(verbose))
    png = plot_interfaces(out, summary)
    step = summary["steps"][-1]
    regions = step["regions"]
    worst = max(regions, key=lambda r: regions[r]["von_mises_max"])
    warp = step["probes"]["chip-back-centre"][1] - step["probes"]["package-edge-top"][1]
    print(f"pkgfem demo: resilient-pad package cooled 150 -> 25 C "
          f"({summary['mesh']['elements']} elements, {summary['mesh']['dofs']} dofs, "
          f"{summary['timings']['total']:.1f} s)")
    print(f"  highest von Mises stress: {regions[worst]['von_mises_max']:.1f} MPa in {worst}")
    for name in ("pads", "die-attach", "leads"):
        if name in regions:
            print(f"  {name:<12s} von Mises max {regions[name]['von_mises_max']:8.2f} MPa")
    print(f"  chip back centre minus package edge top, uy: {warp * 1000:.2f} um")
    print(f"  results: {out}/demo.pvd (ParaView), {out}/summary.json, {png}")
    return 0


def interface_profiles(outdir, summary):
    """Peel (yy) and shear (xy) stress along the demo interfaces from the last .vtu.

    Returns {boundary: (x (n,), s_yy (n,), s_xy (n,))} sorted by x, sampled on the side of
    the named region (the output mesh has one copy of interface nodes per region).
    """
    import meshio

    from .io.gmsh import read_gmsh

    mesh = read_gmsh(summary["mesh"]["file"])
    vtu = meshio.read(os.path.join(outdir, summary["files"]["vtk"][-1]))
    pts = vtu.points[:, :2]
    stress = vtu.point_data["stress"]
    region_of_point = np.full(len(pts), -1)
    for block, reg in zip(vtu.cells, vtu.cell_data["region"]):
        region_of_point[block.data.ravel()] = np.repeat(reg, block.data.shape[1])
    out = {}
    for boundary, side in INTERFACES:
        if boundary not in mesh.boundaries or side not in mesh.regions:
            continue
        rid = mesh.regions.index(side)
        on_side = np.flatnonzero(region_of_point == rid)
        xy = mesh.points[mesh.boundaries[boundary].nodes]
        # match interface nodes to output points of the sampled region
        d = np.linalg.norm(pts[on_side][None, :, :] - xy[:, None, :], axis=2)
        pick = on_side[np.argmin(d, axis=1)]
        order = np.argsort(xy[:, 0])
        out[boundary] = (xy[order, 0], stress[pick[order], 1], stress[pick[order], 3])
    return out


def plot_interfaces(outdir, summary):
    """Write interface_stresses.png; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profiles = interface_profiles(outdir, summary)
    fig, axes = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    for name, (x, syy, sxy) in profiles.items():
        axes[0].plot(x, syy, ".-", ms=3, label=name)
        axes[1].plot(x, sxy, ".-", ms=3, label=name)
    axes[0].set_ylabel("peel stress $\\sigma_{yy}$ (MPa)")
    axes[1].set_ylabel("shear stress $\\sigma_{xy}$ (MPa)")
    axes[1].set_xlabel("x (mm) from the package centre line")
    axes[0].set_title("Interface stresses after cool-down 150 -> 25 C")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.axhline(0.0, color="k", lw=0.5)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(outdir, "interface_stresses.png")
    tmp = os.path.join(outdir, ".tmp-interface_stresses.png")
    fig.savefig(tmp, dpi=120)
    os.replace(tmp, path)
    plt.close(fig)
    with open(os.path.join(outdir, "interface_stresses.json"), "w") as fh:
        json.dump({k: {"x": v[0].tolist(), "s_yy": v[1].tolist(), "s_xy": v[2].tolist()}
                   for k, v in profiles.items()}, fh)
    return path

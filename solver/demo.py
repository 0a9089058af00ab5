"""The built-in default case: the F2 spring-back process on a resilient-pad cross-section.

``pkgfem demo -o OUT`` writes OUT/demo.toml (a copy of cases/f2-resilient-pad/case-2d.toml:
heat, compress the pads between platens, cure 1 h at 150 C, release, encapsulate, cool),
solves it, writes the VTK files, summary.json, the report and platen-force PNGs and
interface_stresses.png, and prints the decisions: chip lift, pad recovery, worst lead strain,
peel state of the releasable lead end.
"""

import json
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CASE_FILE = Path(__file__).resolve().parent.parent / "cases" / "f2-resilient-pad" / "case-2d.toml"

#: interfaces plotted: (boundary name, region whose side is sampled)
INTERFACES = (("chip/die-attach", "die-attach"), ("die-attach/heat-spreader", "die-attach"),
              ("frame/pads", "pads"), ("dielectric/pads", "pads"))


def demo_case_text():
    """The demo case file text (the 2D F2 process recipe)."""
    return CASE_FILE.read_text()


def decisions(summary):
    """The process decisions from a solved F2 recipe's summary.

    Returns {"lift_mm", "lift_final_mm", "recovery_percent" (per pad, at the release
    temperature, relative to the free pad at that temperature), "recovery_final_percent"
    (per pad, after cool-down, of the as-built height), "lead_strain", "lead_strain_final",
    "peeled", "peeled_fraction", "steps"}.
    """
    steps = {s["name"]: s for s in summary["steps"]}
    rel = steps["release"]
    last = summary["steps"][-1]
    free = steps.get("heat", summary["steps"][0])["reports"]["recovery"]

    def per_pad(rep, ref=None):
        keys = sorted(k for k in rep if k.startswith("piece"))
        return [rep[k] / (ref[k] / 100.0 if ref else 1.0) for k in keys]

    intf = next((g for g in rel["groups"].values() if "peeled_fraction" in g), {})
    intf_last = next((g for g in last["groups"].values() if "peeled_fraction" in g), {})
    return {
        "lift_mm": rel["reports"]["lift"]["change"],
        "lift_final_mm": last["reports"]["lift"]["change"],
        "recovery_percent": per_pad(rel["reports"]["recovery"], free),
        "recovery_final_percent": per_pad(last["reports"]["recovery"]),
        "lead_strain": rel["reports"]["lead-strain"]["max"],
        "lead_strain_final": last["reports"]["lead-strain"]["max"],
        "peeled": bool(intf.get("peeled", False)),
        "peeled_fraction": float(intf.get("peeled_fraction", 0.0)),
        "peeled_fraction_final": float(intf_last.get("peeled_fraction", 0.0)),
        "steps": [s["name"] for s in summary["steps"]],
    }


def run_demo(outdir="demo-output", verbose=False):
    """Write, solve and plot the demo case; prints the decisions. Returns 0."""
    from .progress import default_progress
    from .runner import run_case

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    case = out / "demo.toml"
    case.write_text(demo_case_text())
    summary = run_case(case, out, progress=default_progress(verbose))
    png = plot_interfaces(out, summary)
    d = decisions(summary)
    with open(out / "decisions.json", "w") as fh:
        json.dump(d, fh, indent=1)
    print(f"pkgfem demo: F2 resilient-pad process ({' -> '.join(d['steps'])}), 2D section "
          f"({summary['mesh']['elements']} elements, {summary['mesh']['dofs']} dofs, "
          f"{summary['timings']['total']:.1f} s)")
    print(f"  chip lift after release: {d['lift_mm']:.4f} mm "
          f"(source window 0.05-0.10 mm); after encapsulation and cool-down {d['lift_final_mm']:.4f} mm")
    rec = ", ".join(f"pad {i + 1}: {r:.1f} %" for i, r in enumerate(d["recovery_percent"]))
    print(f"  pad recovery at release (of the free height at 150 C): {rec} (source: 80-100 %)")
    print(f"  worst lead strain (equivalent plastic): {d['lead_strain']:.4f} after release, "
          f"{d['lead_strain_final']:.4f} after cool-down")
    state = "peeled" if d["peeled"] else "bonded"
    print(f"  releasable lead end: {state}, {100 * d['peeled_fraction']:.0f} % of its bonded "
          f"length after release ({100 * d['peeled_fraction_final']:.0f} % at the end)")
    print(f"  results: {out}/demo.pvd (ParaView), {out}/summary.json, {out}/decisions.json, {png}")
    return 0


def interface_profiles(outdir, summary):
    """Peel (yy) and shear (xy) stress along the demo interfaces from the last .vtu.

    Returns {boundary: (x (n,), s_yy (n,), s_xy (n,))} sorted by x, sampled on the side of
    the named region (the output mesh has one copy of interface nodes per region).
    """
    import meshio
    from meshio._common import num_nodes_per_cell
    from meshio._mesh import topological_dimension

    from .io.gmsh import read_gmsh

    # the cohesive interface cells (VTK quadratic-linear quads) are unknown to meshio's reader
    num_nodes_per_cell.setdefault("quad6", 6)
    topological_dimension.setdefault("quad6", 2)

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
    axes[0].set_title("Interface stresses at the end of the process (after cool-down)")
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

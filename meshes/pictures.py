"""Pictures of each family's 2D mesh, coloured by region (matplotlib, Agg).

    python -m meshes.pictures [-o docs/images] [family ...] [--set key=value ...]

writes ``<outdir>/<family>.png`` for every family (or the ones named): the default 2D section,
the element edges in thin lines, one colour per region, and a zoomed inset around the first
lead end (or the first named point) where the interesting detail is.
"""

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

#: families that are not package builders (test shapes) are skipped by default
SKIP = ("layered-strip",)


def region_polygons(mesh):
    """Per region: list of (n_corner, 2) corner polygons of its elements (mm)."""
    out = {}
    for b in mesh.blocks:
        n = b.etype.n_corner
        out.setdefault(mesh.regions[b.region], []).extend(mesh.points[b.conn[:, :n]])
    return out


def draw(mesh, ax, zoom=None, legend=True, lw=0.15):
    """Draw a 2D mesh on ``ax``; zoom = (x0, x1, y0, y1) limits, mm."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    cmap = plt.get_cmap("tab20")
    handles = []
    for k, (name, polys) in enumerate(sorted(region_polygons(mesh).items())):
        colour = cmap(k % 20)
        pc = PolyCollection(polys, facecolors=colour, edgecolors="k", linewidths=lw)
        ax.add_collection(pc)
        handles.append(plt.Rectangle((0, 0), 1, 1, fc=colour, ec="k", lw=0.5, label=name))
    pts = mesh.points
    if zoom is None:
        ax.set_xlim(pts[:, 0].min(), pts[:, 0].max())
        ax.set_ylim(pts[:, 1].min(), pts[:, 1].max())
    else:
        ax.set_xlim(zoom[0], zoom[1])
        ax.set_ylim(zoom[2], zoom[3])
    ax.set_aspect("equal")
    if legend:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
                  frameon=False)
    return handles


def focus_point(mesh):
    """A point worth zooming on: the first lead tip, else the first named point."""
    names = sorted(mesh.boundaries)
    for wanted in ("lead-1-tip", "wire-1-chip", "joint-1", "wire-1-1-chip"):
        if wanted in mesh.boundaries:
            return mesh.points[mesh.boundaries[wanted].nodes[0]]
    for name in names:
        if mesh.boundaries[name].dim == 0:
            return mesh.points[mesh.boundaries[name].nodes[0]]
    return mesh.points.mean(axis=0)


def picture(family, outdir, params=None, size=1.0):
    """Build the 2D default (plus ``params``) of ``family`` and write <outdir>/<family>.png."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from solver.io.gmsh import read_gmsh

    from .common import build_mesh

    path = build_mesh(family, params or {}, dim=2, order=2, size=size)
    mesh = read_gmsh(path)
    pts = mesh.points
    w, h = np.ptp(pts[:, 0]), np.ptp(pts[:, 1])
    fig = plt.figure(figsize=(11, 5.2))
    top = fig.add_axes([0.04, 0.52, 0.78, 0.42])
    draw(mesh, top)
    top.set_title(f"{family}: 2D section, {mesh.n_nodes} nodes, {mesh.n_elements} elements "
                  f"(x, y in mm)", fontsize=9)
    top.tick_params(labelsize=7)
    xc, yc = focus_point(mesh)
    half = min(0.25 * w, max(0.5, 1.2 * h))
    zoom = (max(pts[:, 0].min(), xc - half), min(pts[:, 0].max(), xc + half),
            pts[:, 1].min(), pts[:, 1].max())
    bottom = fig.add_axes([0.04, 0.05, 0.78, 0.40])
    draw(mesh, bottom, zoom=zoom, legend=False, lw=0.3)
    bottom.set_title(f"detail around ({xc:.3g}, {yc:.3g})", fontsize=9)
    bottom.tick_params(labelsize=7)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / f"{family}.png"
    fig.savefig(out, dpi=150)
    plt.close(fig)
    log.info("wrote %s", out)
    return out


def main(argv=None):
    from .common import list_families

    ap = argparse.ArgumentParser(prog="python -m meshes.pictures", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("families", nargs="*", help="families (default: all package families)")
    ap.add_argument("-o", "--outdir", default="docs/images")
    ap.add_argument("--size", type=float, default=1.0)
    args = ap.parse_args(argv)
    families = args.families or [f for f in list_families() if f not in SKIP]
    for family in families:
        print(picture(family, args.outdir, size=args.size))
    return 0


if __name__ == "__main__":
    sys.exit(main())

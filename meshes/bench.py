"""Time the 3D default of every package family at about 1M DOF, and a cached rebuild.

    python -m meshes.bench [--target 1e6] [--order 2] [family ...]

For each family: build the 3D default (size factor 1); if its DOF count is far from the
target, rebuild with the size factor that scales it there (DOF ~ size^-2.2 for these layered
meshes) and report that build. Every build starts from an empty cache (a temporary directory)
and is timed end to end as a case file would see it: geometry, meshing, writing and the
stored quality report. Then the same call again, served from the cache. Prints a Markdown
table.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time


def timed_build(family, size, order):
    from .common import build_mesh, quality_path

    t = time.perf_counter()
    path = build_mesh(family, {}, dim=3, order=order, size=size)
    build = time.perf_counter() - t
    t = time.perf_counter()
    again = build_mesh(family, {}, dim=3, order=order, size=size)
    cached = time.perf_counter() - t
    assert again == path
    report = json.loads(quality_path(path).read_text())
    return {"family": family, "size": size, "build_s": build, "cached_s": cached,
            "gmsh_s": report["build_seconds"], "nodes": report["nodes"],
            "dofs": report["dofs"], "elements": report["elements"],
            "min_sj": report["worst"]["min_scaled_jacobian"],
            "max_ar": report["worst"]["max_aspect_ratio"]}


def main(argv=None):
    from .common import list_families

    ap = argparse.ArgumentParser(prog="python -m meshes.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("families", nargs="*")
    ap.add_argument("--target", type=float, default=1e6, help="DOF to aim at")
    ap.add_argument("--order", type=int, default=2)
    args = ap.parse_args(argv)
    families = args.families or [f for f in list_families() if f != "layered-strip"]
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PKGFEM_MESH_CACHE"] = cache
        for family in families:
            row = timed_build(family, 1.0, args.order)
            ratio = row["dofs"] / args.target
            if not 0.75 <= ratio <= 1.35:
                size = round(ratio ** (1 / 2.2), 2)
                row = timed_build(family, size, args.order)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    import gmsh

    print(f"3D defaults, order {args.order}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, Gmsh {gmsh.__version__}\n")
    print("| family | size factor | nodes | DOF | elements | build (s) | of which geometry + mesh + write (s) "
          "| cached rebuild (s) | min scaled Jacobian | max aspect ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['family']} | {r['size']:g} | {r['nodes']:,} | {r['dofs']:,} | "
              f"{r['elements']:,} | {r['build_s']:.1f} | {r['gmsh_s']:.1f} | "
              f"{r['cached_s'] * 1e3:.2f} ms | {r['min_sj']:.2f} | {r['max_ar']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

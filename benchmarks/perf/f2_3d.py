"""F2 spring-back process on the 3D quarter model: wall time, peak memory, DOF count.

Writes the case (cases/f2-resilient-pad-3d/case-3d.toml with the mesh settings of the chosen
size and the [[beams]] + [[interfaces]] tables of every lead of the quarter) into the output
folder, runs `pkgfem run` on it in a child process under /usr/bin/time -v (peak resident
memory of the whole run) and prints one JSON line: size, DOF, wall time, peak memory, load
average before and after, exit code, and the process results (lift, pad recovery, lead plastic
strain, platen force) from summary.json.

    .venv/bin/python benchmarks/perf/f2_3d.py --size coarse    # development mesh, minutes
    .venv/bin/python benchmarks/perf/f2_3d.py                  # default: ~500k DOF, hex20
    .venv/bin/python benchmarks/perf/f2_3d.py --write-only     # just write the case

Sizes:
  coarse   chip 2 mm in a 4.8 mm package (2 leads in the quarter), hex8
  default  the default package (5 mm chip, 9 mm frame, 16 leads in the quarter), hex20,
           mesh size factor and element sizes chosen for about 500k DOF
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "cases" / "f2-resilient-pad-3d" / "case-3d.toml"

# [mesh] overrides, [mesh.params] overrides
SMALL_PACKAGE = {"chip_width": 2.0, "aperture_width": 2.6, "package_width": 4.8,
                 "lead_pitch": 0.5}
SIZES = {
    "coarse": ({"order": 1, "size": 3.0},
               dict(SMALL_PACKAGE, element_size_3d=0.5, element_height_3d=0.3)),
    "coarse-hex20": ({"order": 2, "size": 6.0},
                     dict(SMALL_PACKAGE, element_size_3d=0.8, element_height_3d=0.5)),
    "default": ({"order": 2, "size": 3.0},
                {"element_size_3d": 0.4, "element_height_3d": 0.2}),
}

LEAD_SIZES = ("coarse", "coarse-hex20")      # other geometry than case-3d.toml's

LEAD = """
[[beams]]
name = "lead-{k}"
curve = "lead-{k}"
material = "copper-plastic"
section = {{ shape = "rectangle", width = {width}, thickness = {thickness} }}
orientation = [{ox}, 0.0, {oz}]   # width axis: in the sheet, across the lead
ends = {{ "lead-{k}-tip" = "tied", "lead-{k}-root" = "tied" }}
"""


def lead_tables(msh, width=0.05, thickness=0.018):
    """[[beams]] + [[interfaces]] text for every curve lead-<k> of a mesh file, and the count."""
    import meshio

    m = meshio.read(msh)
    names = sorted((n for n in m.cell_sets_dict if re.fullmatch(r"lead-\d+", n)),
                   key=lambda n: int(n.split("-")[1]))
    out = []
    for name in names:
        pts = [m.points[np.vstack([c.data for c in m.cells if c.type == ctype])[idx].ravel()]
               for ctype, idx in m.cell_sets_dict[name].items()]
        ext = np.ptp(np.vstack(pts), axis=0)
        ox, oz = (0.0, 1.0) if ext[0] >= ext[2] else (1.0, 0.0)   # lead along x: width along z
        out.append(LEAD.format(k=name.split("-")[1], width=width, thickness=thickness,
                               ox=ox, oz=oz))
    return "".join(out), len(names)


def case_text(size, base=CASE):
    """The case text of this size and the mesh path (built or taken from the cache)."""
    import tomllib

    from meshes.common import build_mesh

    mesh_over, params_over = SIZES[size]
    text = base.read_text()
    for k, v in mesh_over.items():
        text, n = re.subn(rf"(?m)^{k} = [^#\n]*", f"{k} = {v}   ", text, count=1)
        assert n == 1, k
    extra = "".join(f"{k} = {v}\n" for k, v in params_over.items())
    text = text.replace("[mesh.params]\n", "[mesh.params]\n" + extra, 1)
    spec = tomllib.loads(text)["mesh"]
    msh = build_mesh(spec["family"], spec.get("params", {}), dim=spec["dim"],
                     order=spec["order"], size=spec["size"])
    if size in LEAD_SIZES:
        # another package geometry has other leads: replace the case's lead tables
        text = re.sub(r"(?ms)^# ---- leads.*?^# ---- end of leads\n", "", text)
        tables, _ = lead_tables(msh)
        text = text.replace("\n[[steps]]", "\n# ---- leads" + tables +
                            "# ---- end of leads\n\n[[steps]]", 1)
    return text, msh


def results(summary):
    """Process results of the last step (and the release step) from summary.json."""
    out = {}
    steps = summary.get("steps", [])
    for st in steps:
        name = st.get("name")
        rep = st.get("reports", {})
        groups = st.get("groups", {})
        r = {}
        if "lift" in rep:
            r["lift"] = rep["lift"]
        if "recovery" in rep:
            r["recovery"] = rep["recovery"]
        leads = [g for k, g in groups.items() if k.startswith("lead-") and
                 "max_equivalent_plastic_strain" in g]
        if leads:
            r["lead_max_plastic_strain"] = max(g["max_equivalent_plastic_strain"] for g in leads)
        for p in ("top", "bottom"):
            if p in groups:
                r[f"platen_{p}_normal_force"] = groups[p].get("normal_force")
        out[name] = r
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="default")
    ap.add_argument("-o", "--outdir", default=None)
    ap.add_argument("--write-only", action="store_true")
    ap.add_argument("--linear", default=None,
                    help="[solver] linear of the run (auto, direct, iterative, pmg, amg)")
    ap.add_argument("--steps", type=int, default=None,
                    help="run only the first N steps (solver comparisons)")
    ap.add_argument("--increments", type=int, default=None,
                    help="increments of the first step (with --steps)")
    ap.add_argument("-v", "--verbose", action="store_true", help="pkgfem run -v (log lines)")
    a = ap.parse_args(argv)
    out = Path(a.outdir or ROOT / "benchmarks" / "out" / f"f2-3d-{a.size}")
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    text, msh = case_text(a.size)
    if a.linear:
        text, n = re.subn(r'(?m)^linear = "[a-z]+"', f'linear = "{a.linear}"', text, count=1)
        assert n == 1
    if a.steps:
        parts = re.split(r"(?m)^(?=\[\[steps\]\])", text)
        head, steps = parts[0], parts[1:]
        tail = re.split(r"(?m)^(?=\[\[reports\]\])", steps[-1], maxsplit=1)
        steps[-1] = tail[0]
        text = head + "".join(steps[:a.steps]) + (tail[1] if len(tail) > 1 else "")
        if a.increments:
            text = re.sub(r"(?m)^increments = \d+", f"increments = {a.increments}", text,
                          count=1)
    case = out / "case-3d.toml"
    case.write_text(text)
    mesh_seconds = time.perf_counter() - t0
    if a.write_only:
        print(case)
        return 0
    load0 = os.getloadavg()
    cmd = ["/usr/bin/time", "-v", str(ROOT / ".venv" / "bin" / "pkgfem")] + \
        (["-v"] if a.verbose else []) + ["run", str(case), "-o", str(out / "results")]
    t1 = time.perf_counter()
    with open(out / "run.log", "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t1
    load1 = os.getloadavg()
    log_text = (out / "run.log").read_text()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", log_text)
    peak = int(m.group(1)) / 1024 ** 2 if m else None
    summary = {}
    sfile = out / "results" / "summary.json"
    if sfile.is_file():
        summary = json.loads(sfile.read_text())
    rec = {"size": a.size, "linear": a.linear or "case", "steps": a.steps or "all",
           "case": str(case), "mesh": str(msh),
           "dofs": summary.get("mesh", {}).get("dofs"),
           "nodes": summary.get("mesh", {}).get("nodes"),
           "elements": summary.get("mesh", {}).get("elements"),
           "exit_code": rc, "status": summary.get("status"),
           "wall_seconds": round(wall, 1), "mesh_seconds": round(mesh_seconds, 1),
           "peak_memory_GB": round(peak, 2) if peak else None,
           "loadavg_before": [round(x, 2) for x in load0],
           "loadavg_after": [round(x, 2) for x in load1],
           "timings": summary.get("timings"),
           "results": results(summary) if summary else None}
    (out / "perf.json").write_text(json.dumps(rec, indent=1))
    print(json.dumps(rec))
    return rc


if __name__ == "__main__":
    sys.exit(main())

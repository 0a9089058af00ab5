"""End to end: a 3D thermoelastic two-layer slab (tet10) by `pkgfem run` vs scikit-fem.

The case (written by this script next to a pre-built .msh file, so Gmsh meshing time is not in
the run; it is timed separately): regions ``die`` (E 130 GPa, nu 0.28, alpha 2.6 ppm/K, 0.5 mm)
and ``board`` (E 20 GPa, nu 0.2, alpha 17 ppm/K, 1.0 mm), a 10 x 10 mm plate cooled uniformly
from the stress-free 150 C to 25 C; ux = 0 on x = 0, uz = 0 on z = 0, uy = 0 at the origin.

* pkgfem: ``pkgfem run case.toml -o DIR`` in a subprocess (mesh reading, checks, assembly,
  solve, stresses, VTK and summary writing all included), numba cache warm (a small run first);
  wall time of the process, its own timings from summary.json, peak RSS (ru_maxrss of the
  child via os.wait4, and psutil polling of the process tree).
* scikit-fem: skfem_slab.py in a subprocess, the same problem, with each solver asked for
  (pyamg smoothed-aggregation CG; pypardiso when importable; SciPy SuperLU on request).
* agreement: the probe displacement at (10, 1.5, 10), the maximum displacement, and the whole
  displacement field (pkgfem's .vtu read back with meshio, nodes matched by coordinates).
* the ~1.1M-dof slab by pkgfem alone: time and peak memory against < 60 s and < 6 GB.
* first-run cost: the quick slab run with NUMBA_CACHE_DIR pointing at an empty directory.

Run: .venv/bin/python benchmarks/perf/end_to_end.py [--quick] [--skfem-solvers pyamg,pypardiso]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

HERE = Path(__file__).resolve().parent
PROBE = (10.0, 1.5, 10.0)

CASE = """\
# written by benchmarks/perf/end_to_end.py
title = "two-layer slab, uniform cool-down ({name})"

[mesh]
file = "{mesh}"
formulation = "3d"

[materials]
die = {{ model = "linear-elastic", E = 130000.0, nu = 0.28, alpha = 2.6e-6 }}
board = {{ model = "linear-elastic", E = 20000.0, nu = 0.2, alpha = 17e-6 }}

[[steps]]
name = "cool"
temperature = {{ start = 150.0, end = 25.0 }}
fix = [ {{ boundary = "left", ux = 0.0 }}, {{ boundary = "front", uz = 0.0 }},
        {{ point = [0.0, 0.0, 0.0], uy = 0.0 }} ]

[[probes]]
name = "corner"
point = [{px}, {py}, {pz}]
field = "displacement"

[solver]
linear = "{linear}"
"""


def write_case(mesh_path, name, linear="auto"):
    case = common.WORK / f"slab-{name}.toml"
    case.write_text(CASE.format(name=name, mesh=Path(mesh_path).name, px=PROBE[0], py=PROBE[1],
                                pz=PROBE[2], linear=linear))
    return case


def pkgfem_cmd():
    exe = Path(sys.executable).parent / "pkgfem"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "solver"]


def run_pkgfem(case, outdir, env=None):
    if Path(outdir).exists():
        shutil.rmtree(outdir)
    common.wait_quiet()
    load0 = common.load_average()
    with common.ForeignLoad(0.5) as load:
        r = common.run_measured(pkgfem_cmd() + ["run", str(case), "-o", str(outdir)], env=env,
                                cwd=common.ROOT)
    if r["returncode"] != 0:
        raise RuntimeError(f"pkgfem run failed ({r['returncode']}): {r['stderr'][-2000:]}")
    s = json.loads((Path(outdir) / "summary.json").read_text())
    step = s["steps"][-1]
    vtu = sorted(Path(outdir).glob("*.vtu"))
    return {"seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
            "peak_rss_gb": common.gb(r["peak_rss_bytes"]),
            "peak_rss_tree_gb": common.gb(r["peak_rss_tree_bytes"]), "load_before": load0,
            "foreign_load": load.summary(), "timings": s.get("timings"), "dofs": s["mesh"]["dofs"],
            "elements": s["mesh"]["elements"], "solver": step["solver"],
            "probe": step["probes"]["corner"], "max_displacement": step["max_displacement"],
            "vtu": str(vtu[-1]) if vtu else None}


def run_skfem(mesh_path, solver, save, timeout, extra_path=None, mem_limit_gb=None):
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join([extra_path] + [p for p in [env.get("PYTHONPATH")] if p])
    cmd = [sys.executable, str(HERE / "skfem_slab.py"), str(mesh_path), "--solver", solver,
           "--vtu", str(Path(save).with_suffix(".vtu")), "--save", str(save),
           "--probe", ",".join(map(str, PROBE))]
    if mem_limit_gb:   # keep a runaway direct factorization from taking the shared machine down
        cmd = ["prlimit", f"--as={int(mem_limit_gb * 2**30)}"] + cmd
    common.wait_quiet()
    load0 = common.load_average()
    with common.ForeignLoad(1.0) as load:
        r = common.run_measured(cmd, env=env, cwd=common.ROOT, timeout=timeout)
    out = {"solver": solver, "seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
           "peak_rss_gb": common.gb(r["peak_rss_bytes"]),
           "peak_rss_tree_gb": common.gb(r["peak_rss_tree_bytes"]), "load_before": load0,
           "returncode": r["returncode"], "timed_out": r["timed_out"],
           "foreign_load": load.summary()}
    lines = [ln for ln in r["stdout"].splitlines() if ln.startswith("{")]
    if r["returncode"] == 0 and lines:
        out.update(json.loads(lines[-1]))
        out["seconds"] = r["seconds"]
        out["cpu_seconds"] = r["cpu_seconds"]
    else:
        out["error"] = (r["stderr"].strip().splitlines() or ["?"])[-1][:300]
    return out


def field_difference(pk_vtu, sk_npz):
    """max |u_pk - u_sk| / max |u_pk| over all nodes (matched by coordinates)."""
    import meshio
    from scipy.spatial import cKDTree

    m = meshio.read(pk_vtu)
    u_pk = np.asarray(m.point_data["displacement"])[:, :3]
    d = np.load(sk_npz)
    dist, idx = cKDTree(d["points"]).query(np.asarray(m.points)[:, :3])
    if dist.max() > 1e-9:
        raise AssertionError(f"nodes do not match (distance {dist.max():.3g})")
    du = np.linalg.norm(u_pk - d["displacement"][idx], axis=1).max()
    return float(du / np.linalg.norm(u_pk, axis=1).max())


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def gmsh_seconds(name):
    """Gmsh meshing time of a slab, rebuilt without the cache."""
    from meshes import build_mesh

    order, params = common.SLABS[name]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_mesh("layered-strip", dict(common.SLAB_GEOMETRY, **params), dim=3, order=order,
                   path=Path(tmp) / "m.msh", use_cache=False)
        return time.perf_counter() - t


def run(quick=False, repeats=None, skfem_solvers=("pyamg", "pypardiso"), big=True,
        cold=True, pypardiso_path=None, timeout=1800, mem_limit_gb=16):
    size = "30k" if quick else "300k"
    repeats = repeats or (1 if quick else 2)
    res = {"benchmark": "end_to_end", "quick": quick, "machine": common.machine(),
           "versions": common.versions()}
    name = f"tet10-{size}"
    mesh_path, _ = common.slab_mesh(name)
    res["gmsh_seconds"] = {name: gmsh_seconds(name)}
    case = write_case(mesh_path, name)
    res["case"] = str(case)
    res["command"] = " ".join(pkgfem_cmd() + ["run", str(case), "-o", "OUT"])

    # first-run cost: empty numba cache vs warm (the same quick-size case)
    small_mesh, _ = common.slab_mesh("tet10-30k")
    small_case = write_case(small_mesh, "tet10-30k")
    if cold:
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            c = run_pkgfem(small_case, common.WORK / "out-cold", env=env)
            w = run_pkgfem(small_case, common.WORK / "out-cold", env=env)
        res["first_run"] = {"case": str(small_case), "dofs": c["dofs"], "cold_seconds": c["seconds"],
                            "warm_seconds": w["seconds"], "compile_seconds": c["seconds"] - w["seconds"]}
        print(f"[end_to_end] first run (30k dofs): cold cache {c['seconds']:.1f} s, warm "
              f"{w['seconds']:.1f} s", flush=True)
    else:
        run_pkgfem(small_case, common.WORK / "out-warmup")       # warm the default cache

    runs = [run_pkgfem(case, common.WORK / f"out-pkgfem-{name}") for _ in range(repeats)]
    pk = dict(min(runs, key=lambda r: r["seconds"]))
    pk["all_seconds"] = [r["seconds"] for r in runs]
    pk["all_foreign_load"] = [r["foreign_load"]["mean_cores"] for r in runs]
    res["pkgfem"] = pk
    print(f"[end_to_end] pkgfem {name}: {pk['dofs']} dofs, {pk['seconds']:.1f} s "
          f"(runs {', '.join(f'{s:.1f}' for s in pk['all_seconds'])}; foreign load "
          f"{pk['all_foreign_load']} cores), peak {pk['peak_rss_gb']} GB, "
          f"solver {pk['solver'][0]['method']} {pk['solver'][0]['iterations']} it", flush=True)

    res["skfem"] = {}
    for solver in skfem_solvers:
        if solver == "pypardiso" and not _importable("pypardiso", pypardiso_path):
            res["skfem"][solver] = {"skipped": "pypardiso not importable"}
            print("[end_to_end] skfem pypardiso: skipped (not installed)", flush=True)
            continue
        save = common.WORK / f"skfem-{name}-{solver}.npz"
        sk = run_skfem(mesh_path, solver, save, timeout,
                       pypardiso_path if solver == "pypardiso" else None, mem_limit_gb)
        if "probe_displacement" in sk:
            sk["probe_rel_diff"] = rel(sk["probe_displacement"], pk["probe"])
            sk["max_displacement_rel_diff"] = abs(sk["max_displacement"] - pk["max_displacement"]) \
                / pk["max_displacement"]
            sk["field_rel_diff"] = field_difference(pk["vtu"], save)
            sk["ratio"] = sk["seconds"] / pk["seconds"]
            print(f"[end_to_end] skfem {solver}: {sk['seconds']:.1f} s (assemble "
                  f"{sk['timings']['assemble_K']:.1f} s, solve {sk['timings']['solve']:.1f} s, "
                  f"{sk.get('iterations')} it), peak {sk['peak_rss_gb']} GB, foreign load "
                  f"{sk['foreign_load']['mean_cores']}; pkgfem "
                  f"{sk['ratio']:.1f}x faster; probe diff {sk['probe_rel_diff']:.1e}, max-displacement diff "
                  f"{sk['max_displacement_rel_diff']:.1e}, field diff "
                  f"{sk['field_rel_diff']:.1e}", flush=True)
        else:
            print(f"[end_to_end] skfem {solver}: failed after {sk['seconds']:.0f} s: "
                  f"{sk.get('error')}", flush=True)
        res["skfem"][solver] = sk
        for suffix in (".npz", ".vtu"):
            Path(save).with_suffix(suffix).unlink(missing_ok=True)
    ok = [v for v in res["skfem"].values() if "ratio" in v]
    if ok:
        bestsk = min(ok, key=lambda v: v["seconds"])
        res["best_skfem"] = {"solver": bestsk["solver"], "seconds": bestsk["seconds"],
                             "ratio": bestsk["ratio"]}

    if big and not quick:
        name = "tet10-1m"
        mesh_path, _ = common.slab_mesh(name)
        res["gmsh_seconds"][name] = gmsh_seconds(name)
        case = write_case(mesh_path, name)
        r = run_pkgfem(case, common.WORK / f"out-pkgfem-{name}")
        r["case"] = str(case)
        res["pkgfem_1m"] = r
        print(f"[end_to_end] pkgfem {name}: {r['dofs']} dofs, {r['seconds']:.1f} s (foreign load "
              f"{r['foreign_load']['mean_cores']}), peak "
              f"{r['peak_rss_gb']} GB (tree {r['peak_rss_tree_gb']} GB), solver "
              f"{r['solver'][0]['method']} {r['solver'][0]['iterations']} it", flush=True)
    res["machine"]["load_average_end"] = common.load_average()
    return res


def _importable(mod, extra_path):
    import importlib.util

    if extra_path and extra_path not in sys.path:
        sys.path.append(extra_path)
    return importlib.util.find_spec(mod) is not None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="~30k dofs, no 1M case")
    ap.add_argument("--repeats", type=int, default=None, help="pkgfem runs (best taken)")
    ap.add_argument("--skfem-solvers", default="pyamg,pypardiso",
                    help="comma list of pyamg, pyamg-default, pypardiso, superlu; '' for none")
    ap.add_argument("--pypardiso-path", default=None,
                    help="extra sys.path entry where pypardiso is installed (pip --target)")
    ap.add_argument("--no-1m", action="store_true")
    ap.add_argument("--no-cold", action="store_true", help="skip the empty-cache first run")
    ap.add_argument("--timeout", type=float, default=1800, help="per scikit-fem run, s")
    ap.add_argument("--mem-limit-gb", type=float, default=16,
                    help="address-space limit of each scikit-fem run")
    ap.add_argument("--json", default=None)
    ap.add_argument("--wait-quiet", type=float, default=0.0,
                    help="before each run wait up to this many seconds for other processes to "
                         "leave the CPUs idle")
    a = ap.parse_args(argv)
    common.WAIT_QUIET = a.wait_quiet
    solvers = tuple(s for s in a.skfem_solvers.split(",") if s)
    r = run(a.quick, a.repeats, solvers, not a.no_1m, not a.no_cold, a.pypardiso_path,
            a.timeout, a.mem_limit_gb)
    if a.json:
        common.write_json(a.json, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())

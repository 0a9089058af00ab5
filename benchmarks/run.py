"""Run the performance benchmarks and write benchmarks/out/perf.json (what `make bench` runs).

    .venv/bin/python benchmarks/run.py              # full: ~300k-dof meshes, 1.1M-dof slab
    .venv/bin/python benchmarks/run.py --quick      # ~30k-dof meshes, about a minute
    .venv/bin/python benchmarks/run.py --only assembly
    .venv/bin/python benchmarks/run.py --only hyperelastic --only pad2d   # finite strain

Each benchmark runs in its own process (benchmarks/perf/assembly.py, end_to_end.py,
hyperelastic.py, pad2d.py); the finite-strain figures are recorded in
benchmarks/RESULTS.md.

Each benchmark runs in its own process (benchmarks/perf/assembly.py, end_to_end.py) and
writes benchmarks/out/<name>.json; this script merges them into perf.json and prints the
figures against the targets of issue 2. Figures and commands are recorded in
benchmarks/RESULTS.md. Other processes on the machine change the timings: every result
carries the load average and the CPU time other processes took meanwhile ("foreign load").
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "perf"))
import common  # noqa: E402

BENCHMARKS = ("assembly", "end_to_end", "hyperelastic", "pad2d")


def targets(res):
    """(figure, measured, target, met) rows from the merged results."""
    rows = []
    a = res.get("assembly", {}).get("cases", {})
    for et, need in (("tet4", 50), ("tet10", 100)):
        c = a.get(et)
        if c and "ratio" in c:
            rows.append((f"assembly {et}: pkgfem / scikit-fem elements per second "
                         f"(same quadrature)", round(c["ratio"], 1), f">= {need}",
                         c["ratio"] >= need))
            d = c["skfem"].get("default_rule")
            if d:
                r = max(v["elements_per_second"] for v in c["pkgfem"]["threads"].values()) \
                    / d["elements_per_second"]
                rows.append((f"assembly {et}: vs scikit-fem's default quadrature", round(r, 1),
                             f">= {need}", r >= need))
    e = res.get("end_to_end", {})
    if "best_skfem" in e:
        b = e["best_skfem"]
        rows.append((f"end to end tet10 ~300k dofs: scikit-fem ({b['solver']}) / pkgfem time",
                     round(b["ratio"], 1), ">= 5", b["ratio"] >= 5))
    if "pkgfem_1m" in e:
        r = e["pkgfem_1m"]
        rows.append(("end to end tet10 ~1.1M dofs: pkgfem seconds", round(r["seconds"], 1),
                     "< 60", r["seconds"] < 60))
        rows.append(("end to end tet10 ~1.1M dofs: peak RSS GB", r["peak_rss_gb"], "< 6",
                     r["peak_rss_gb"] < 6))
    h = res.get("hyperelastic", {})
    if "ratio" in h:
        rows.append((f"finite strain hex8 neo-Hookean {h['dofs']} dofs: pkgfem / felupe elements "
                     "per second (residual + tangent)", round(h["ratio"], 1), ">= 10",
                     h["ratio"] >= 10))
        c = h.get("check", {})
        if "residual_rel_diff" in c:
            rows.append(("finite strain: |f_pkgfem - f_felupe| / |f_felupe| (same u)",
                         float(f"{c['residual_rel_diff']:.1e}"), "<= 1e-8",
                         c["residual_rel_diff"] <= 1e-8))
    p = res.get("pad2d", {})
    w = p.get("warm", {})
    if "seconds" in w and "dofs" in w:
        rows.append((f"2D pad 40 % compression {w['dofs']} dofs: run_case wall s (warm)",
                     round(w["seconds"], 1), "< 10", w["seconds"] < 10))
    return rows


def markdown(res):
    """A markdown digest of the merged results (written next to perf.json as perf.md)."""
    L = []
    m = res["machine"]
    L.append(f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
             f"load average at start {m['load_average']}.")
    L.append("Versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()) + ".")
    L.append("")
    L.append("| figure | measured | target | |")
    L.append("|---|---|---|---|")
    for r in res.get("targets", []):
        L.append(f"| {r['figure']} | {r['measured']} | {r['target']} | "
                 f"{'met' if r['met'] else 'not met'} |")
    a = res.get("assembly", {})
    if a.get("cases"):
        L += ["", "| assembly | elements | dofs | pkgfem setup s | pkgfem numeric s (2 thr / 1 thr) "
              "| pkgfem el/s (2 thr / 1 thr) | skfem basis s | skfem asm s | skfem el/s | "
              "skfem default-rule el/s | ratio | energy / Kx rel. diff | foreign load pk / sk |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for et, c in a["cases"].items():
            pk = c["pkgfem"]
            th = pk["threads"]
            ks = sorted(th, key=int, reverse=True)
            sk = c.get("skfem", {})
            ck = c.get("check", {})
            L.append(
                f"| {et} | {c['elements']} | {c['dofs']} | {pk['setup_seconds']:.3f} | "
                + " / ".join(f"{th[k]['seconds']:.3f}" for k in ks) + " | "
                + " / ".join(f"{th[k]['elements_per_second']:.3g}" for k in ks) + " | "
                + (f"{sk['basis_seconds']:.2f} | {sk['seconds']:.2f} | {sk['elements_per_second']:.3g} | "
                   f"{sk['default_rule']['elements_per_second']:.3g} | {c['ratio']:.0f}x | "
                   f"{ck['energy_rel_diff']:.0e} / {ck['Kx_rel_diff']:.0e} | "
                   f"{pk['foreign_load']['mean_cores']} / {sk['foreign_load']['mean_cores']} |"
                   if sk else "- | - | - | - | - | - | - |"))
        comp = a.get("compile", {}).get("summary")
        if comp:
            L.append(f"\nFirst-run compile (tiny meshes, empty NUMBA_CACHE_DIR vs warm): "
                     f"{comp['cold_total']:.2f} s vs {comp['warm_total']:.2f} s; setup kernels "
                     f"{comp['assembler_setup_compile']:.2f} s, stiffness kernel "
                     f"{comp['stiffness_kernel_compile']:.2f} s.")
    e = res.get("end_to_end", {})
    if e.get("pkgfem"):
        pk = e["pkgfem"]
        L += ["", "| end to end | dofs | wall s | CPU s | peak RSS GB | solve s | iterations | probe / max / field rel. diff | foreign load |",
              "|---|---|---|---|---|---|---|---|---|"]
        L.append(f"| pkgfem run | {pk['dofs']} | {pk['seconds']:.1f} | {pk['cpu_seconds']:.1f} | {pk['peak_rss_gb']} | "
                 f"{pk['timings']['solve']:.1f} | {pk['solver'][0]['iterations']} | - | "
                 f"{pk['foreign_load']['mean_cores']} |")
        for name, sk in e.get("skfem", {}).items():
            if "ratio" in sk:
                L.append(f"| skfem {name} | {sk['dofs']} | {sk['seconds']:.1f} | {sk['cpu_seconds']:.1f} | "
                         f"{sk['peak_rss_gb']} | "
                         f"{sk['timings']['solve']:.1f} | {sk.get('iterations') or '-'} | "
                         f"{sk['probe_rel_diff']:.0e} / {sk['max_displacement_rel_diff']:.0e} / "
                         f"{sk['field_rel_diff']:.0e} | "
                         f"{sk['foreign_load']['mean_cores']} |")
            else:
                L.append(f"| skfem {name} | - | {sk.get('seconds', 0):.0f} | - | {sk.get('peak_rss_gb', '-')} | "
                         f"failed: {sk.get('error') or sk.get('skipped')} | | | |")
        if e.get("pkgfem_1m"):
            r = e["pkgfem_1m"]
            L.append(f"| pkgfem run 1M | {r['dofs']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_rss_gb']} | "
                     f"{r['timings']['solve']:.1f} | {r['solver'][0]['iterations']} | - | "
                     f"{r['foreign_load']['mean_cores']} |")
        if e.get("first_run"):
            f = e["first_run"]
            L.append(f"\nFirst run of `pkgfem run` ({f['dofs']} dofs) with an empty numba cache: "
                     f"{f['cold_seconds']:.1f} s; warm: {f['warm_seconds']:.1f} s.")
    h = res.get("hyperelastic", {})
    if h.get("pkgfem"):
        th = h["pkgfem"]["threads"]
        fe = h.get("felupe", {})
        L += ["", "| hyperelastic | elements | dofs | pkgfem s (2 thr / 1 thr) | pkgfem el/s | "
              "felupe s | felupe el/s | ratio | residual / Kx rel. diff |",
              "|---|---|---|---|---|---|---|---|---|"]
        L.append(f"| hex8 neo-Hookean | {h['elements']} | {h['dofs']} | "
                 + " / ".join(f"{th[k]['seconds']:.3f}" for k in sorted(th, reverse=True))
                 + f" | {max(v['elements_per_second'] for v in th.values()):.3g} | "
                 + (f"{fe['seconds']:.3f} | {fe['elements_per_second']:.3g} | {h['ratio']:.1f}x | "
                    f"{h['check']['residual_rel_diff']:.0e} / {h['check']['Kx_rel_diff']:.0e} |"
                    if fe else "- | - | - | - |"))
    p = res.get("pad2d", {})
    if p.get("warm", {}).get("seconds"):
        w, c = p["warm"], p.get("cold", {})
        L.append(f"\n2D pad, 40 % compression, {w.get('dofs')} dofs: warm {w['seconds']:.1f} s, "
                 f"cold (empty numba cache) {c.get('seconds', float('nan')):.1f} s.")
    return "\n".join(L) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small meshes (~30k dofs), no 1M case")
    ap.add_argument("--only", choices=BENCHMARKS, action="append",
                    help="run only this benchmark (repeatable)")
    ap.add_argument("--skfem-solvers", default="pyamg,pypardiso",
                    help="scikit-fem solvers for the end-to-end comparison (pyamg, "
                         "pyamg-default, pypardiso, superlu)")
    ap.add_argument("--pypardiso-path", default=None,
                    help="directory holding pypardiso (pip install --target DIR pypardiso)")
    ap.add_argument("--no-1m", action="store_true", help="skip the 1.1M-dof pkgfem run")
    ap.add_argument("--wait-quiet", type=float, default=None,
                    help="before each timed measurement wait up to this many seconds for other "
                         "processes to leave the CPUs idle (default 120, quick mode 0)")
    ap.add_argument("--out", default=str(common.OUT / "perf.json"))
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    merged = {"machine": common.machine(), "versions": common.versions(), "quick": a.quick,
              "command": " ".join([Path(sys.executable).name] + sys.argv)}
    failed = []
    for name in a.only or BENCHMARKS:
        out = Path(a.out).parent / f"{name}.json"
        cmd = [sys.executable, str(HERE / "perf" / f"{name}.py"), "--json", str(out)]
        if a.quick:
            cmd.append("--quick")
        wait = a.wait_quiet if a.wait_quiet is not None else (0 if a.quick else 120)
        cmd += ["--wait-quiet", str(wait)]
        if name == "end_to_end":
            cmd += ["--skfem-solvers", a.skfem_solvers]
            if a.pypardiso_path:
                cmd += ["--pypardiso-path", a.pypardiso_path]
            if a.no_1m:
                cmd.append("--no-1m")
        print(f"== {name}: {' '.join(cmd)}", flush=True)
        rc = subprocess.call(cmd, cwd=common.ROOT)
        if rc != 0 or not out.exists():
            failed.append(name)
            continue
        merged[name] = json.loads(out.read_text())
    merged["seconds"] = time.perf_counter() - t0
    merged["targets"] = [dict(zip(("figure", "measured", "target", "met"), r))
                         for r in targets(merged)]
    common.write_json(a.out, merged)
    Path(a.out).with_suffix(".md").write_text(markdown(merged))
    print(f"\n{'figure':75s} {'measured':>9s} {'target':>7s}")
    for r in merged["targets"]:
        print(f"{r['figure']:75s} {r['measured']:>9} {r['target']:>7s} "
              f"{'met' if r['met'] else 'NOT MET'}")
    print(f"\nwrote {a.out} ({merged['seconds']:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Lead strain against the CTE mismatch of the two substrates (F1 cavity package, 2D).

Seed 000 chooses the first (ceramic) and second (laminate) substrates with "substantially
similar" CTEs to limit the strain on the leads in temperature changes. This script runs
case-2d.toml once per in-plane CTE of the second substrate (the first substrate stays alumina,
7 ppm/K), each run written to a temporary directory with a modified copy of the case, and
writes ``sweep_cte.csv`` and ``sweep_cte.png`` (lead strain against delta alpha):

    .venv/bin/python cases/f1-cavity-package/sweep_cte.py                  # 5 CTEs, size 3
    .venv/bin/python cases/f1-cavity-package/sweep_cte.py --alphas 7,13.5,20 --size 3 -o out/

Each run forms the leads, cures the compliant layer, cools to 25 C and goes through one
-55/125 C cycle (steps ``cycle2-*`` and ``end`` of the case are left out). Per run the CSV
holds the lead's lateral (shear) offset between its pad end and its sheet end over the cycle
(``shear_range_mm``, and as a shear strain over the 0.282 mm lead height), its vertical
stretch range (``lift_range_mm``), the largest equivalent plastic strain in the lead after
forming and its growth over the service history (``peeq_service``: cool-down and the cycle),
the largest von Mises stress and the warpage of the base at -55 C.

What it shows (docs/process-f1-f4.md): the lead's shear range grows steadily with the CTE
of the second substrate; the total lead strain is dominated by the compliant layer's own
expansion through its thickness (330 ppm/K silicone, 0.3 mm), which the substrates do not
change, so the plastic strain moves by about 1 % over the sweep.
"""

import argparse
import csv
import os
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASE = HERE / "case-2d.toml"
ALPHA1 = 7.0   # ppm/K, alumina (materials/alumina.toml)
DEFAULT_ALPHAS = (7.0, 10.0, 13.5, 17.0, 20.0)
LEAD_HEIGHT = 0.3 - 0.018   # mm, vertical run of the formed lead (gap - lead thickness)


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v))
    if isinstance(v, str):
        return '"' + v.replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def substrate2(alpha_ppm):
    """FR-4 (materials/fr4.toml) with the in-plane CTE set to alpha_ppm (constant): an inline
    material table."""
    from solver.materials.library import material_table

    t = dict(material_table("fr4")[0])
    keep = ("model", "E1", "E2", "E3", "G12", "G13", "G23", "nu12", "nu13", "nu23",
            "alpha3_tangent")
    t = {k: t[k] for k in keep}
    t["alpha1_tangent"] = alpha_ppm * 1e-6
    t["alpha2_tangent"] = alpha_ppm * 1e-6
    return t


def case_text(alpha_ppm, size):
    """case-2d.toml with substrate-2's in-plane CTE, the mesh size factor and one cycle."""
    text = CASE.read_text()
    text, n = re.subn(r'(?m)^substrate-2 = "fr4"$',
                      f"substrate-2 = {_toml_value(substrate2(alpha_ppm))}", text)
    assert n == 1, "case-2d.toml: substrate-2 line not found"
    text, n = re.subn(r"(?m)^size = [0-9.]+", f"size = {float(size)}", text)
    assert n == 1
    # one cycle: drop the steps after cycle1-hot
    i = text.index('[[steps]]\nname = "cycle2-cold"')
    j = text.index("[[reports]]")
    return text[:i] + text[j:]


def run_one(alpha_ppm, size, workdir):
    from solver import run_case

    d = Path(workdir) / f"alpha-{alpha_ppm:g}"
    d.mkdir(parents=True, exist_ok=True)
    case = d / "case.toml"
    case.write_text(case_text(alpha_ppm, size))
    t0 = time.perf_counter()
    s = run_case(case, d / "out")
    seconds = time.perf_counter() - t0
    by = {st["name"]: st["reports"] for st in s["steps"]}
    formed = by["release"]["lead-peeq"]["max"]
    end = by["cycle1-hot"]["lead-peeq"]["max"]
    return {"alpha2_ppm": alpha_ppm, "delta_alpha_ppm": alpha_ppm - ALPHA1,
            "peeq_formed": formed, "peeq_end": end, "peeq_service": end - formed,
            "mises_cold_MPa": by["cycle1-cold"]["lead-mises"]["max"],
            "lift_cold_mm": by["cycle1-cold"]["lead-lift"]["change"],
            "lift_range_mm": by["cycle1-hot"]["lead-lift"]["change"]
            - by["cycle1-cold"]["lead-lift"]["change"],
            "shear_cold_mm": by["cycle1-cold"]["lead-shear"]["change"],
            "shear_range_mm": by["cycle1-hot"]["lead-shear"]["change"]
            - by["cycle1-cold"]["lead-shear"]["change"],
            "shear_strain_range": (by["cycle1-hot"]["lead-shear"]["change"]
                                   - by["cycle1-cold"]["lead-shear"]["change"]) / LEAD_HEIGHT,
            "base_warpage_cold_mm": by["cycle1-cold"]["base-warpage"]["warpage"],
            "seconds": seconds}


def sweep(alphas=DEFAULT_ALPHAS, size=3.0, outdir=HERE, workdir=None):
    """Run the sweep; write sweep_cte.csv and sweep_cte.png into outdir; return the rows."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="f1-sweep-") as tmp:
        rows = [run_one(a, size, workdir or tmp) for a in alphas]
    cols = list(rows[0])
    with open(outdir / "sweep_cte.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    plot(rows, outdir / "sweep_cte.png")
    return rows


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    da = [r["delta_alpha_ppm"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.8, 4.4))
    ax.plot(da, [100 * r["shear_strain_range"] for r in rows], "o-", color="C0",
            label="lead shear strain range over the -55/125 C cycle")
    ax.set_xlabel("CTE difference, second - first substrate (ppm/K)")
    ax.set_ylabel("lead shear strain range (%)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(da, [100 * r["peeq_service"] for r in rows], "s--", color="C1",
             label="max lead equiv. plastic strain after forming")
    ax2.set_ylabel("max lead equivalent plastic strain\nafter forming (%)", color="C1")
    ax.set_title("F1 cavity package (2D): lead strain vs substrate CTE mismatch", fontsize=10)
    ax.grid(alpha=0.3)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="lower right")
    fig.tight_layout()
    tmp = str(path) + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alphas", default=",".join(f"{a:g}" for a in DEFAULT_ALPHAS),
                    help="in-plane CTEs of the second substrate, ppm/K (comma separated)")
    ap.add_argument("--size", type=float, default=3.0, help="mesh size factor (default 3)")
    ap.add_argument("-o", "--outdir", default=str(HERE))
    args = ap.parse_args(argv)
    alphas = [float(a) for a in args.alphas.split(",")]
    rows = sweep(alphas, args.size, args.outdir)
    for r in rows:
        print(", ".join(f"{k}={v:.5g}" for k, v in r.items()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    sys.exit(main())

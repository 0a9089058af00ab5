"""The ``pkgfem`` command line: run | mesh | demo | materials.

Exit codes: 0 success, 2 invalid input (case, mesh, material), 3 a step did not converge
(converged increments are kept), 1 anything else. Errors are one line on stderr.
"""

import argparse
import logging
import sys

from . import __version__

EPILOG = """\
examples:
  pkgfem demo                                  run the built-in package cross-section
  pkgfem run cooldown.toml -o results/         solve a case, write VTK + summary.json
  pkgfem mesh layered-strip --set length=20 --dim 3 -o strip.msh
  pkgfem materials                             list the material library
  pkgfem materials fr4                         show one material with its sources
  pkgfem calibrate --point 175,22,15 --check 150,1   compression-set kinetics from ASTM D395

Open results/<case>.pvd in ParaView. Units: mm, N, MPa, s, deg C.
exit codes: 0 ok, 2 invalid input, 3 a step did not converge, 1 other errors
"""


def _parser():
    p = argparse.ArgumentParser(
        prog="pkgfem", description="Finite-element thermomechanics of microelectronic packages.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"pkgfem {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress lines to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("run", help="solve a case file",
                       description="Solve a case file (TOML) and write results.")
    r.add_argument("case", help="case file, e.g. cooldown.toml")
    r.add_argument("-o", "--outdir", help="output directory (default: <case>-results next to "
                                          "the case file)")

    m = sub.add_parser("mesh", help="build a package mesh with Gmsh",
                       description="Build the mesh of a package family and write a .msh file.")
    m.add_argument("family", help="package family (see --list)", nargs="?")
    m.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="builder parameter (mm), repeatable; lists as 0.5,0.5")
    m.add_argument("--dim", type=int, default=2, choices=(2, 3))
    m.add_argument("--order", type=int, default=2, choices=(1, 2), help="element order")
    m.add_argument("--size", type=float, default=1.0, help="element size factor (0.5: finer)")
    m.add_argument("--list", action="store_true", help="list the families and parameters")
    m.add_argument("-o", "--output", help="output .msh file")

    d = sub.add_parser("demo", help="run the built-in default case",
                       description="Cool a resilient-pad package cross-section from 150 C to 25 C.")
    d.add_argument("-o", "--outdir", default="demo-output", help="output directory")

    c = sub.add_parser("calibrate", help="fit compression-set kinetics to ASTM D395 results",
                       description="Fit the two-network compression-set kinetics (k_ref, T_ref, "
                                   "activation temperature) to ASTM D395 method B results and "
                                   "print the material parameters.")
    c.add_argument("--point", action="append", required=True, metavar="T,HOURS,PERCENT",
                   help="a result: temperature (C), hold (h), compression set (%%); repeatable")
    c.add_argument("--compression", type=float, default=25.0, help="test deflection, %% "
                                                                   "(method B: 25)")
    c.add_argument("--activation-energy", type=float, metavar="KJ_PER_MOL",
                   help="fix Ea instead of fitting it (needed with one temperature; default "
                        "63 kJ/mol)")
    c.add_argument("--reference-temperature", type=float, metavar="C",
                   help="T_ref of k_ref (default: the highest test temperature)")
    c.add_argument("--alpha", type=float, default=0.0, metavar="PER_K",
                   help="the specimen's secant CTE from 23 C, 1/K (default 0): heated between "
                        "fixed plates it is compressed further; e.g. 3.3e-4 for silicone")
    c.add_argument("--check", action="append", default=[], metavar="T,HOURS",
                   help="also print the predicted compression set of a hold, e.g. 150,1")

    mt = sub.add_parser("materials", help="list the material library",
                        description="List the material library, or show one material.")
    mt.add_argument("name", nargs="?", help="material to show")
    return p


def main(argv=None):
    """Entry point of the ``pkgfem`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        _parser().print_help()
        return 2
    from .errors import PkgfemError

    try:
        return _COMMANDS[args.command](args)
    except PkgfemError as exc:
        print(f"pkgfem: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pkgfem: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # an unexpected failure: one line, the traceback with -v
        if args.verbose:
            raise
        print(f"pkgfem: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
              file=sys.stderr)
        return 1


def _run(args):
    from .progress import default_progress
    from .runner import default_outdir, run_case

    outdir = args.outdir or default_outdir(args.case)
    summary = run_case(args.case, outdir, progress=default_progress(args.verbose))
    print(f"pkgfem: {args.case}: {len(summary['steps'])} step(s) solved in "
          f"{summary['timings']['total']:.1f} s; results in {outdir}")
    return 0


def _mesh(args):
    from meshes import build_mesh, family_module, list_families

    if args.list or not args.family:
        import dataclasses

        for name in list_families():
            mod = family_module(name)
            params = ", ".join(f"{f.name}={getattr(mod.Params(), f.name)!r}"
                               for f in dataclasses.fields(mod.Params))
            print(f"{name} (dim {', '.join(map(str, mod.DIMS))}): {params}")
        return 0 if args.list else 2
    if not args.output:
        from .errors import InputError

        raise InputError("mesh: give the output file with -o FILE.msh")
    params = dict(_parse_setting(s) for s in args.set)
    path = build_mesh(args.family, params, dim=args.dim, order=args.order, size=args.size,
                      path=args.output, where="--set")
    from .io.gmsh import read_gmsh
    from .quality import quality

    mesh = read_gmsh(path)
    print(f"pkgfem: wrote {path}: {mesh.n_nodes} nodes, {mesh.n_elements} elements")
    for region, q in quality(mesh).items():
        print(f"  {region:<24s} {q['elements']:>8d} elements  min scaled Jacobian "
              f"{q['min_scaled_jacobian']:.3f}  max aspect ratio {q['max_aspect_ratio']:.1f}")
    return 0


def _parse_setting(text):
    from .errors import InputError

    if "=" not in text:
        raise InputError(f"--set {text}: expected KEY=VALUE")
    key, value = text.split("=", 1)
    return key.strip(), _value(value.strip())


def _value(text):
    if "," in text:
        return [_value(v) for v in text.split(",") if v.strip()]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _demo(args):
    from .demo import run_demo

    return run_demo(args.outdir, verbose=args.verbose)


def _calibrate(args):
    from .errors import InputError
    from .materials.calibration import SetPoint, calibrate, predicted_set

    points = []
    for text in args.point:
        try:
            T, hours, pct = (float(v) for v in text.split(","))
        except ValueError:
            raise InputError(f"--point {text}: expected T,HOURS,PERCENT (e.g. 175,22,15)") from None
        points.append(SetPoint(T, hours, pct))
    Q = args.activation_energy * 1000.0 / 8.314462618 if args.activation_energy else None
    comp = args.compression / 100.0
    p = calibrate(points, comp, T_ref=args.reference_temperature, activation_temperature=Q,
                  alpha=args.alpha)
    print("# two-network compression-set kinetics (paste into a material file)")
    print('model = "two-network"')
    print(f"k_ref = {p['k_ref']:.6g}                  # 1/s at T_ref")
    print(f"T_ref = {p['T_ref']:.6g}                  # deg C")
    print(f"activation_temperature = {p['activation_temperature']:.6g}   # K (Ea / R = "
          f"{p['activation_temperature'] * 8.314462618 / 1000:.4g} kJ/mol)")
    print(f"q_max = {p['q_max']:g}")
    for pt in points:
        print(f"# check: {pt.temperature:g} C, {pt.hours:g} h: measured {pt.percent:g} %, "
              f"model {predicted_set(p, pt.temperature, pt.hours, comp, args.alpha):.3g} %")
    for text in args.check:
        try:
            T, hours = (float(v) for v in text.split(","))
        except ValueError:
            raise InputError(f"--check {text}: expected T,HOURS (e.g. 150,1)") from None
        print(f"# predicted: {T:g} C, {hours:g} h: "
              f"{predicted_set(p, T, hours, comp, args.alpha):.3g} % set")
    return 0


def _materials(args):
    from .materials import library

    if args.name:
        table, path = library.material_table(args.name)
        library.build(args.name, dict(table), path)  # validates
        print(f"{args.name}  ({path})")
        for k, v in table.items():
            if k != "sources":
                print(f"  {k} = {v}")
        for k, v in table.get("sources", {}).items():
            print(f"  source of {k}: {v}")
        return 0
    for name, path in library.available().items():
        table, _ = library.material_table(name)
        print(f"{name:<28s} {table.get('model', '?'):<22s} {table.get('description', '')}")
    return 0


_COMMANDS = {"run": _run, "mesh": _mesh, "demo": _demo, "materials": _materials,
             "calibrate": _calibrate}

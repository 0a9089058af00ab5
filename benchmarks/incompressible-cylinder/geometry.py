"""Meshes of the nearly incompressible thick cylinder: the thick-cylinder benchmark's sections.

Inner radius a = 10 mm, outer radius b = 20 mm; ``section = "annulus"`` (quarter annulus,
plane strain; boundaries inner, outer, x-axis, y-axis) or ``"axisymmetric"`` (meridian strip
0 <= z <= 5; boundaries inner, outer, bottom, top). Built by benchmarks/thick-cylinder/geometry.py.

    python benchmarks/incompressible-cylinder/geometry.py --element quad8 --size 0.5 -o mesh.msh
"""

import argparse
import importlib.util
from pathlib import Path

_SOURCE = Path(__file__).resolve().parents[1] / "thick-cylinder" / "geometry.py"


def _thick_cylinder():
    spec = importlib.util.spec_from_file_location("thick_cylinder_geometry", _SOURCE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(path, size=1.0, element="quad8", section="annulus"):
    """Write the mesh (size factor 1: 4 elements through the wall)."""
    return _thick_cylinder().build(path, size=size, element=element, section=section)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="quad8")
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("--section", default="annulus", choices=("annulus", "axisymmetric"))
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, a.element, a.section)


if __name__ == "__main__":
    main()

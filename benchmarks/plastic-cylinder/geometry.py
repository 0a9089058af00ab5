"""Mesh of the partly plastic thick cylinder: the thick-cylinder benchmark's axisymmetric strip.

Inner radius a = 10 mm, outer radius b = 20 mm, meridian strip 0 <= z <= 5 (x = r, y = z);
boundaries inner, outer, bottom, top; region ``wall``. Mapped: ``n = 4 / size`` elements
through the wall, n / 2 along z. Built by benchmarks/thick-cylinder/geometry.py.

    .venv/bin/python benchmarks/plastic-cylinder/geometry.py --element quad8 --size 0.25 -o benchmarks/plastic-cylinder/mesh.msh
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


def build(path, size=0.5, element="quad8", section="axisymmetric"):
    """Write the mesh (size factor 1: 4 elements through the wall)."""
    return _thick_cylinder().build(path, size=size, element=element, section=section)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--element", default="quad8", choices=("quad4", "quad8", "tri3", "tri6"))
    ap.add_argument("--size", type=float, default=0.5)
    ap.add_argument("--section", default="axisymmetric", choices=("annulus", "axisymmetric"))
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    build(a.output, a.size, a.element, a.section)


if __name__ == "__main__":
    main()

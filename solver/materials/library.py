"""The material library: ``materials/*.toml`` at the top of the repository.

Each file describes one material: ``model`` plus the model's parameters, every value with its
source in a ``[sources]`` table. ``PKGFEM_MATERIALS`` adds directories (os.pathsep separated)
searched before the built-in one.
"""

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from . import MODELS

BUILTIN = Path(__file__).resolve().parents[2] / "materials"


def library_dirs():
    extra = [Path(p) for p in os.environ.get("PKGFEM_MATERIALS", "").split(os.pathsep) if p]
    return extra + [BUILTIN]


@lru_cache(maxsize=None)
def _read(path):
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None


def available():
    """name -> path of every material in the library (first directory wins)."""
    found = {}
    for d in library_dirs():
        if d.is_dir():
            for p in sorted(d.glob("*.toml")):
                found.setdefault(p.stem, p)
    return found


def material_table(name, where="material"):
    """The raw table of library material ``name`` and the file it came from."""
    lib = available()
    if name not in lib:
        close = _close_matches(name, lib)
        hint = f"; did you mean {close}?" if close else "; `pkgfem materials` lists them"
        raise InputError(f"{where}: unknown material '{name}'{hint}")
    return dict(_read(str(lib[name]))), str(lib[name])


def build(name, table, where):
    """A material object from a table with a ``model`` key; ``where`` names it in messages.

    Any material may be fusible: ``solidus`` and ``liquidus`` (deg C) make it carry no stress
    above the liquidus and turn it stress-free where it solidifies again (at the solidus).
    """
    table = dict(table)
    melting = _melting(table, where)
    model = table.get("model")
    if model is None:
        raise InputError(f"{where}: missing model (one of {', '.join(sorted(MODELS))})")
    if model not in MODELS:
        raise InputError(f"{where}.model: unknown model '{model}' "
                         f"(one of {', '.join(sorted(MODELS))})")
    material = MODELS[model].from_table(name, table, where)
    material.melting = melting
    return material


def _melting(table, where):
    keys = [k for k in ("solidus", "liquidus") if k in table]
    if not keys:
        return None
    values = {}
    for k in ("solidus", "liquidus"):
        v = table.pop(k, None)
        if v is None:
            raise InputError(f"{where}: a fusible material needs both solidus and liquidus (deg C)")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise InputError(f"{where}.{k}: a temperature in deg C")
        values[k] = float(v)
    if values["liquidus"] < values["solidus"]:
        raise InputError(f"{where}.liquidus: must not lie below the solidus")
    return values["solidus"], values["liquidus"]


def load(name, where="material"):
    """The library material ``name`` as a material object (``where`` is used in messages)."""
    table, path = material_table(name, where)
    return build(name, table, path)


def _close_matches(name, options):
    import difflib

    m = difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)
    return ", ".join(f"'{x}'" for x in m)

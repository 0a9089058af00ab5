"""Structural elements attached to the continuum: beams for leads and wire bonds.

``build_beam_groups(case, mesh, tables)`` turns the case file's ``[[beams]]`` tables into
element groups (see solver.analysis.groups).
"""

from ..errors import InputError


def build_beam_groups(case, mesh, tables):
    raise InputError(f"{case.path}: beams: beam elements are not available yet")


def beam_curves(case):
    """Names of the mesh curves the case's [[beams]] tables use (their nodes stay in the mesh)."""
    return tuple(t.get("curve") for t in case.raw.get("beams", []) if isinstance(t, dict)
                 and isinstance(t.get("curve"), str))

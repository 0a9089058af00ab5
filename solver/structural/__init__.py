"""Structural elements attached to the continuum: beams for leads and wire bonds.

``build_beam_groups(case, mesh, tables)`` turns the case file's ``[[beams]]`` tables into
element groups (see solver.analysis.groups).
"""

from ..errors import InputError


def build_beam_groups(case, mesh, tables):
    raise InputError(f"{case.path}: beams: beam elements are not available yet")

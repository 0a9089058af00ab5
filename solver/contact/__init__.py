"""Rigid platens acting on named surfaces: contact, held (vacuum chuck), released.

``build_platen_groups(case, mesh, tables)`` turns the case file's ``[[platens]]`` tables into
element groups (see solver.analysis.groups).
"""

from ..errors import InputError


def build_platen_groups(case, mesh, tables):
    raise InputError(f"{case.path}: platens: rigid platens are not available yet")

"""Cohesive interfaces: releasable bonds (lead ends on the dielectric sheet) that peel.

``build_interface_groups(case, mesh, tables)`` turns the case file's ``[[interfaces]]``
tables into element groups (see solver.analysis.groups); it may split mesh nodes along the
bonded boundary so the two sides can separate.
"""

from ..errors import InputError


def build_interface_groups(case, mesh, tables):
    raise InputError(f"{case.path}: interfaces: cohesive interfaces are not available yet")

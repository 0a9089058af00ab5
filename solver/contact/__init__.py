"""Rigid platens acting on named surfaces: contact, held (vacuum chuck), released.

``build_platen_groups(case, mesh, tables)`` turns the case file's ``[[platens]]`` tables into
element groups (see solver.analysis.groups). Modules:

    spec.py     case-file tables -> PlatenSpec (validation, per-step actions)
    surface.py  nodal areas, outward normals, owner elements, penalty scale of a surface
    law.py      node-to-plane contact law: tractions and exact tangent (augmented penalty)
    platen.py   PlatenGroup: the group (virtual node, prescribed motion, Uzawa augmentation)
    plot.py     force-displacement PNG per platen
"""


def build_platen_groups(case, mesh, tables):
    """One PlatenGroup per ``[[platens]]`` table."""
    from .platen import PlatenGroup
    from .spec import parse_platens

    return [PlatenGroup(spec, case, mesh) for spec in parse_platens(case, mesh, tables)]

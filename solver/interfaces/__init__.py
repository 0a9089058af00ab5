"""Cohesive interfaces: releasable bonds (lead ends on the dielectric sheet) that peel.

``build_interface_groups(case, mesh, tables)`` turns the case file's ``[[interfaces]]``
tables into element groups (see solver.analysis.groups); it splits the mesh nodes along each
bonded boundary so the two sides can separate (the builders run before the dof layout exists).

Modules, one job each:

    spec.py      case-file tables -> InterfaceSpec (validation with key paths)
    surgery.py   split the nodes of a boundary: new nodes for the side, blocks and boundaries
                 updated, facet pairs for the interface elements
    law.py       bilinear mixed-mode traction-separation law (Camanho-Davila, BK), exact tangent
    elements.py  zero-thickness interface elements (corotational normal), integration rules
    group.py     CohesiveInterface: forces, tangent, state, history, summary, VTK cells
"""

import numpy as np

from ..errors import InputError
from ..formulation import AXISYMMETRIC


def build_interface_groups(case, mesh, tables):
    """One CohesiveInterface per boundary of the ``[[interfaces]]`` tables (splits ``mesh``)."""
    from .group import CohesiveInterface
    from .law import parameters
    from .spec import parse_interfaces
    from .surgery import split

    names = case.coordinate_names()
    groups = []
    for spec in parse_interfaces(case, tables, tuple(names)):
        for o in spec.opposite or ():
            if o not in mesh.regions:
                raise InputError(f"{spec.where}.opposite: no region '{o}' in mesh {mesh.source}")
        bd = mesh.boundaries.get(spec.boundary)
        if mesh.dim == 3 and spec.width is None and bd is not None and bd.facets and \
                all(e.dim == 1 for e, _ in bd.facets):
            raise InputError(f"{spec.where}.width: a curve interface in 3D (a beam on a surface) "
                             "needs the bonded width, mm")
        if spec.width is not None and (case.mesh.form == AXISYMMETRIC or (
                mesh.dim == 3 and bd is not None and any(e.dim == 2 for e, _ in bd.facets))):
            raise InputError(f"{spec.where}.width: only curve interfaces have a width (plane "
                             "models and beams on a surface in 3D); remove it")
        s = split(mesh, spec.boundary, spec.side, spec.opposite, spec.where, spec.normal)
        for g in groups:   # an earlier interface of the same side follows its new nodes
            if set(g.spec.side) == set(spec.side):
                g.follow(s.old, s.new)
        initial = _initial_damage(spec, mesh, s, names)
        p = parameters(spec.strength, spec.shear_strength, spec.fracture_energy,
                       spec.shear_fracture_energy, spec.bk_exponent, spec.stiffness)
        groups.append(CohesiveInterface(spec, s, p, initial,
                                        case.mesh.thickness if mesh.dim == 2 else 1.0,
                                        case.mesh.form))
    return groups


def _initial_damage(spec, mesh, s, names):
    """Initial damage (n_el,) from a number or an expression at the facet centroids."""
    n = len(s.opposite)
    v = spec.initial_damage
    if not hasattr(v, "names"):
        return np.full(n, float(v))
    xc = mesh.points[s.opposite].mean(axis=1)
    values = np.asarray(v(**{k: xc[:, c] for k, c in names.items()}), dtype=float)
    if np.any(~np.isfinite(values)) or values.min() < 0.0 or values.max() > 1.0:
        raise InputError(f"{spec.where}.initial_damage: the expression gives values outside "
                         "[0, 1]")
    return values

"""Structural elements attached to the continuum: beams for leads and wire bonds.

``build_beam_groups(case, mesh, tables)`` turns the case file's ``[[beams]]`` tables into
element groups (see solver.analysis.groups): 2D and 3D corotational beams with fibre
sections (beam2d.py, beam3d.py, section.py), rotation ties to the continuum (tie.py), the
group that owns their state and output (group.py) and the case-file validation (spec.py).
The syntax and the connection semantics are documented in the README (Beams: leads and wire bonds).
"""


def beam_curves(case):
    """Names of the physical curves the case's [[beams]] use (their nodes stay in the mesh
    even where no continuum element has them)."""
    tables = case.raw.get("beams") or []
    return tuple(t["curve"] for t in tables
                 if isinstance(t, dict) and isinstance(t.get("curve"), str))


def build_beam_groups(case, mesh, tables):
    """One BeamGroup per [[beams]] table (validated against the mesh)."""
    from .group import BeamGroup
    from .spec import parse_beams

    return [BeamGroup(spec, case, mesh) for spec in parse_beams(case, mesh, tables)]

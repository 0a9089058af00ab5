"""Parametric Gmsh builders, one module per package family, plus simple test shapes.

``build_mesh(family, params, dim, order, size)`` validates the parameters before Gmsh runs,
builds the geometry with the OpenCASCADE kernel, names every region and boundary, meshes it
and caches the ``.msh`` file by a hash of its inputs.
"""

from .common import FAMILIES, build_mesh, family_module, list_families

__all__ = ["FAMILIES", "build_mesh", "family_module", "list_families"]

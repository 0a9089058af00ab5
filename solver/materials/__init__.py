"""Constitutive models (one module each) and their registry.

The registry key is the ``model`` string of a material file or inline table.
"""

from .elastic import LinearElastic, OrthotropicElastic
from .hyperelastic import MooneyRivlin, NeoHookean, TwoNetwork
from .plastic import J2Plastic

#: model key -> class with ``from_table(name, table, where)``
MODELS = {cls.key: cls for cls in (LinearElastic, OrthotropicElastic, NeoHookean, MooneyRivlin,
                                   TwoNetwork, J2Plastic)}

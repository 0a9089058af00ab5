"""Kinematic formulations of a model and their integer codes used inside kernels."""

THREE_D = 0
PLANE_STRAIN = 1
PLANE_STRESS = 2
AXISYMMETRIC = 3

#: Case-file spelling -> kernel code.
CODES = {"3d": THREE_D, "plane-strain": PLANE_STRAIN, "plane-stress": PLANE_STRESS,
         "axisymmetric": AXISYMMETRIC}
NAMES = {v: k for k, v in CODES.items()}


def spatial_dim(code):
    """Number of displacement components of the formulation."""
    return 3 if code == THREE_D else 2

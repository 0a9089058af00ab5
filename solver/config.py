"""Numerical settings in one place: JIT flags, dtypes, default tolerances."""

import os

#: Flags shared by every numba kernel. ``cache=True`` writes compiled code next to the
#: sources so that only the first run on a machine pays the compile cost.
JIT = dict(cache=True, nogil=True, fastmath=False)
#: Flags for kernels with ``prange`` loops (element colouring keeps them race-free).
JIT_PARALLEL = dict(JIT, parallel=True)

FLOAT = "float64"
INDEX = "int64"

#: Elements per block when colouring the mesh for race-free parallel assembly.
COLOUR_BLOCK = 64

#: Systems with more unknowns than this (3D only) go to AMG-preconditioned CG.
DIRECT_SOLVER_MAX_DOFS_3D = 150_000

CG_MAXITER = 2000

#: Equilibrium check after a linear solve: relative residual above this is an error.
LINEAR_RESIDUAL_TOL = 1e-6

#: Number of threads for numba and MKL unless the user set them.
THREADS = int(os.environ.get("PKGFEM_THREADS", os.cpu_count() or 1))

#: Melting and solidification (deg C). An element's mean temperature within PHASE_TOL of its
#: solidus or liquidus is there (the round-off of an increment cut at the crossing).
PHASE_TOL = 1e-6
#: A crossing of the solidus or liquidus within PHASE_BAND of an increment's start or end takes
#: effect at that end instead of cutting the increment there, at an error of at most
#: alpha * PHASE_BAND in the frozen element's thermal strain (2.5e-6 for a solder). With a
#: temperature field that is not uniform, every crossing that lies PHASE_BAND or more from the
#: others costs an increment (the band groups the rest); a uniform temperature is exact.
PHASE_BAND = 0.1

"""pkgfem: finite-element thermomechanics of microelectronic packages.

Units throughout: mm, N, MPa, s, degrees C (tonne/mm^3, mW/(mm K)).
Importing this package is cheap; the numerical modules load on first use.
"""

import os as _os

# numba (GNU OpenMP) and MKL PARDISO (Intel OpenMP) take turns on the same cores: threads
# that spin after a parallel region steal the cores from the other runtime. Sleep instead.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
_os.environ.setdefault("KMP_BLOCKTIME", "0")

__version__ = "0.1.0"

__all__ = ["__version__", "run_case"]


def run_case(case_path, outdir=None, progress=None):
    """Solve the case file ``case_path`` and write results to ``outdir``.

    Returns the summary dictionary that is also written to ``summary.json``.
    """
    from .runner import run_case as _run

    return _run(case_path, outdir, progress=progress)

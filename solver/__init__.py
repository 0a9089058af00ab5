"""pkgfem: finite-element thermomechanics of microelectronic packages.

Units throughout: mm, N, MPa, s, degrees C (tonne/mm^3, mW/(mm K)).
Importing this package is cheap; the numerical modules load on first use.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "run_case"]


def run_case(case_path, outdir=None, progress=None):
    """Solve the case file ``case_path`` and write results to ``outdir``.

    Returns the summary dictionary that is also written to ``summary.json``.
    """
    from .runner import run_case as _run

    return _run(case_path, outdir, progress=progress)

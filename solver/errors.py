"""Exceptions that the command line turns into one message and an exit code."""


class PkgfemError(Exception):
    """Base class; ``exit_code`` is what ``pkgfem`` returns."""

    exit_code = 1


class InputError(PkgfemError):
    """Invalid input (case file, mesh, material): exit code 2.

    The message names the file, the field and what to do.
    """

    exit_code = 2


class ConvergenceError(PkgfemError):
    """A step did not converge; converged increments are already written: exit code 3."""

    exit_code = 3

"""Atomic file writes: write a temporary file in the target directory, then rename it.

A reader (ParaView, a CI script) never sees a half-written file, and a crash leaves the
previous version in place.
"""

import os
import tempfile
from contextlib import contextmanager


@contextmanager
def atomic_open(path, mode="w"):
    """Open a temporary sibling of ``path`` for writing; it replaces ``path`` on success."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_text(path, text):
    with atomic_open(path, "w") as fh:
        fh.write(text)

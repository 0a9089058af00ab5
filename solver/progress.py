"""Progress reporting: a live bar on a terminal, log lines on request, silence otherwise."""

import sys
import time


class NullProgress:
    """Reports nothing (batch runs, tests, output piped to a file)."""

    def start_step(self, name, n_increments):
        pass

    def increment(self, done):
        pass

    def end_step(self):
        pass

    def message(self, text):
        pass


class TerminalProgress(NullProgress):
    """One updating line per step on a terminal: name, bar, increments, elapsed seconds."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.name = ""
        self.n = 1
        self.t0 = time.perf_counter()

    def start_step(self, name, n_increments):
        self.name = name
        self.n = max(1, n_increments)
        self.t0 = time.perf_counter()
        self._draw(0)

    def increment(self, done):
        self._draw(done)

    def end_step(self):
        self.stream.write("\n")
        self.stream.flush()

    def message(self, text):
        self.stream.write(text + "\n")
        self.stream.flush()

    def _draw(self, done):
        width = 30
        fill = int(width * done / self.n)
        bar = "#" * fill + "." * (width - fill)
        dt = time.perf_counter() - self.t0
        self.stream.write(f"\r  {self.name:<20.20s} [{bar}] {done}/{self.n}  {dt:6.1f} s")
        self.stream.flush()


class LogProgress(NullProgress):
    """Plain lines (for log files): one per increment."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.name = ""
        self.n = 1

    def start_step(self, name, n_increments):
        self.name, self.n = name, n_increments
        self.message(f"step {name}: {n_increments} increment(s)")

    def increment(self, done):
        self.message(f"step {self.name}: increment {done}/{self.n} converged")

    def message(self, text):
        self.stream.write(text + "\n")
        self.stream.flush()


def default_progress(verbose=False):
    """A bar on a terminal, log lines when verbose, else nothing."""
    if verbose:
        return LogProgress()
    if sys.stderr.isatty():
        return TerminalProgress()
    return NullProgress()

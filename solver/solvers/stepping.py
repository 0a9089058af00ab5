"""Automatic increments: cut back on failure, grow after easy convergence.

The factors come from the case file's [solver] table (``easy_iterations``, ``easy_increments``,
``growth``, ``cutback``); the defaults are Abaqus/Standard's (grow by 1.5 after two increments in
a row converged in at most 4 iterations, cut back by 4). Problems whose increments normally
need 6-10 iterations (cohesive interfaces opening, contact sets changing) never grow with
easy_iterations = 4: raise it to about 8 for them.
"""

from dataclasses import dataclass


@dataclass
class IncrementController:
    """Chooses the next increment of a step of length ``duration`` (s).

    initial : first increment; minimum / maximum : bounds; cutback : factor on failure
    (0 < cutback < 1); growth : factor (>= 1) after ``easy`` consecutive increments converged in
    <= ``easy_iterations`` Newton iterations; max_cutbacks : failures in a row before giving up
    """

    duration: float
    initial: float
    minimum: float
    maximum: float
    cutback: float = 0.25
    growth: float = 1.5
    easy_iterations: int = 4
    easy: int = 2
    max_cutbacks: int = 12

    def __post_init__(self):
        self.time = 0.0
        self.dt = min(self.initial, self.duration)
        self._easy_count = 0
        self.cutbacks = 0

    @property
    def done(self):
        return self.time >= self.duration * (1.0 - 1e-12)

    def next(self):
        """(start, end) of the next increment, clipped to the end of the step."""
        end = min(self.time + self.dt, self.duration)
        if self.duration - end < 1e-9 * self.duration:
            end = self.duration
        return self.time, end

    def converged(self, end, iterations):
        """The increment ending at ``end`` converged. ``end`` may lie before the end that
        ``next`` proposed (the analysis ended the increment at an event: a solder reaching
        its solidus); the increment size is kept for the next one."""
        self.time = end
        self.cutbacks = 0
        if iterations <= self.easy_iterations:
            self._easy_count += 1
            if self._easy_count >= self.easy:
                self.dt = min(self.dt * self.growth, self.maximum)
                self._easy_count = 0
        else:
            self._easy_count = 0

    def failed(self, length=None):
        """Cut the increment back; False when it cannot be cut any further. ``length``: the
        increment that failed, when the analysis had ended it before ``next``'s end."""
        self._easy_count = 0
        self.cutbacks += 1
        if length is not None:
            self.dt = min(self.dt, length)
        self.dt *= self.cutback
        return self.dt >= self.minimum * (1 - 1e-12) and self.cutbacks <= self.max_cutbacks

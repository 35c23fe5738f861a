"""Module-level constants and helper functions of the student's own, beside the exercises."""

import math

EPSILON = 1e-12
GOLDEN_RATIO = (1 + math.sqrt(5)) / 2


def _my_helper(value):
    """Not an exercise: graders must leave it alone."""
    return value * GOLDEN_RATIO


def another_helper(value):
    return _my_helper(value) + EPSILON


EXPECT = {"notes": []}

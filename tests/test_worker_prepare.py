"""``worker.prepare()``: what the zygote runs once before forking workers."""

from __future__ import annotations

import subprocess
import sys

from autograder.forbidden import banned_table, resolve
from autograder.registry import all_exercises

PREPARE_TWICE = """
import sys
from autograder import worker
worker.prepare()
loaded = set(sys.modules)
worker.prepare()
assert set(sys.modules) == loaded, "a second prepare() imported more"
hidden = sorted(m for m in sys.modules if m.split(".")[0] in ("ml4p_ref", "solutions"))
assert not hidden, hidden
"""


def test_prepare_is_idempotent_and_imports_neither_reference_nor_solutions():
    subprocess.run([sys.executable, "-c", PREPARE_TWICE], check=True, timeout=120)


def test_cached_banned_table_is_what_a_fresh_resolution_gives():
    for exercise in all_exercises():
        banned, prefixes = banned_table(exercise.forbidden)
        callables = [name for name in exercise.forbidden if callable(resolve(name))]
        assert set(banned) == {resolve(name) for name in callables}
        assert all(banned[resolve(name)] in callables for name in callables)
        assert prefixes == tuple(f"{n}." for n in exercise.forbidden if n not in callables)

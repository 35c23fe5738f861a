"""The fork server that workers are forked from (it imports torch once, before any worker exists).

Kept free of heavy imports so that ``warm_up()`` can start it first thing, and torch loads in the
server while the parent process loads it too.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import shutil
import tempfile
from multiprocessing import forkserver

PRELOAD = [
    "autograder.worker",
    "autograder.registry",
    # torch.autograd.grad imports symbolic_shapes (and sympy) on first use: pay that once, here
    "torch.fx.experimental.symbolic_shapes",
]
PLOTTING = "autograder.plotting"  # matplotlib on Agg
# Heavy modules a submission's text shows it will import, preloaded only then (each costs the
# server a second or more; without it, every worker of that submission pays it again).
ON_DEMAND = {
    "matplotlib": PLOTTING,
    # torch.use_deterministic_algorithms imports torch._inductor (and torch._dynamo) on every call
    "use_deterministic_algorithms": "torch._inductor.config",
}

_context = None
_preloaded: frozenset[str] = frozenset()


def context(submission_files=()):
    """The multiprocessing context whose processes are forked from the preloaded server.

    The server preloads the ``ON_DEMAND`` modules that ``submission_files`` call for (the files are
    read here). When a later call needs one the running server lacks, the server is started again
    with it: this happens between two gradings, when none of the old server's workers is left.
    """
    global _context, _preloaded
    wanted = on_demand_modules(submission_files)
    if _context is not None and not wanted <= _preloaded and _stop_server():
        _context = None
    if _context is None:
        _preloaded |= wanted
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD + sorted(_preloaded))
        with _server_environment():
            forkserver.ensure_running()
    return _context


def warm_up(submission_files=()) -> None:
    """Start the fork server now, so that its imports overlap with the caller's own start-up."""
    context(submission_files)


def uses_matplotlib(files) -> bool:
    """Whether any of the submitted files mentions matplotlib."""
    return PLOTTING in on_demand_modules(files)


def on_demand_modules(files) -> frozenset[str]:
    """The ``ON_DEMAND`` modules whose marker appears in one of ``files``."""
    found = set()
    for path in files:
        try:
            with open(path, errors="replace") as file:
                text = file.read()
        except OSError:
            continue
        found |= {module for marker, module in ON_DEMAND.items() if marker in text}
    return frozenset(found)


def _stop_server() -> bool:
    """Stop the running fork server (its workers, if any, are not affected); False when this
    Python offers no way to."""
    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is None:
        return False
    stop()
    return True


@contextlib.contextmanager
def _server_environment():
    """The environment the server starts with: matplotlib's Agg backend and a private configuration
    directory (removed when this process exits); this process's own environment is left as it was."""
    config = tempfile.mkdtemp(prefix="ml4p-matplotlib-")
    atexit.register(shutil.rmtree, config, ignore_errors=True)
    wanted = {"MPLBACKEND": "agg", "MPLCONFIGDIR": config}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

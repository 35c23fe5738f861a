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
PLOTTING = "autograder.plotting"  # matplotlib on Agg: preloaded when the submission plots

_context = None


def context(submission_files=()):
    """The multiprocessing context whose processes are forked from the preloaded server.

    When this call starts the server and one of ``submission_files`` mentions matplotlib, the server
    preloads it too (a worker whose submission plots imports it itself otherwise, before it is
    sandboxed). The files are read only then.
    """
    global _context
    if _context is None:
        plotting = uses_matplotlib(submission_files)
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD + ([PLOTTING] if plotting else []))
        with _server_environment():
            forkserver.ensure_running()
    return _context


def warm_up(submission_files=()) -> None:
    """Start the fork server now, so that its imports overlap with the caller's own start-up."""
    context(submission_files)


def uses_matplotlib(files) -> bool:
    """Whether any of the submitted files mentions matplotlib (then the server preloads it)."""
    for path in files:
        try:
            with open(path, errors="replace") as file:
                if "matplotlib" in file.read():
                    return True
        except OSError:
            continue
    return False


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

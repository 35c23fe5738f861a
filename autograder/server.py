"""The fork server that workers are forked from (it imports torch once, before any worker exists).

Kept free of heavy imports so that ``warm_up()`` can start it first thing, and torch loads in the
server while the parent process loads it too.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver

PRELOAD = [
    "autograder.worker",
    "autograder.registry",
    # torch.autograd.grad imports symbolic_shapes (and sympy) on first use: pay that once, here
    "torch.fx.experimental.symbolic_shapes",
]

_context = None


def context():
    """The multiprocessing context whose processes are forked from the preloaded server."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def warm_up() -> None:
    """Start the fork server now, so that its imports overlap with the caller's own start-up."""
    context()
    forkserver.ensure_running()

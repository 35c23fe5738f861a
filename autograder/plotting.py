"""matplotlib for student code, on its non-interactive Agg backend, loaded before the sandbox.

matplotlib builds its font list on first import and runs ``fc-list`` to do it, which the sandbox
would refuse. So it is imported before any student code runs: in the zygote when the
submission mentions matplotlib (once per grading run, with a private configuration directory, see
``zygote``), or else in the worker itself, before it is sandboxed, with
its configuration and cache in the worker's private directory. ``plt.show()`` returns at once, and
figures saved by student code land in the worker's own directory, deleted with it.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot

"""Threads that student code leaves running: stopped, so they cannot touch later calls.

A thread started at import or during a call could go on changing global state, or the tensors of
the next case, while the grader works. After the import and after every call, each new Python thread
gets ``SystemExit`` raised in it (``PyThreadState_SetAsyncExc``) until it ends; a thread blocked in C
code ends when it next runs Python code. What was stopped becomes a note; nothing is scored.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time

PATIENCE = 2.0  # seconds to wait for the threads to end
RETRY = 0.01  # seconds between two SystemExit raised in a thread that caught the last one


def stop_new_threads(known: set[threading.Thread]) -> list[str]:
    """Stop every alive thread not in ``known``; phrases saying what was stopped (or was not)."""
    new = [t for t in threading.enumerate() if t not in known and t.is_alive() and t.ident]
    new = [t for t in new if not isinstance(t, threading._DummyThread)]
    if not new:
        return []
    deadline = time.monotonic() + PATIENCE
    alive = new
    while alive and time.monotonic() < deadline:
        for thread in alive:
            _stop(thread)
        for thread in alive:
            thread.join(RETRY)
        alive = [thread for thread in alive if thread.is_alive()]
    if alive:
        return [f"{len(new)} thread(s) left running, {len(alive)} of which could not be stopped"]
    return [f"{len(new)} thread(s) left running were stopped"]


def _stop(thread: threading.Thread) -> None:
    """Raise ``SystemExit`` in ``thread`` unless it is already reporting how it ended: a second one
    landing in its except hook would escape as an error of the hook. The check and the raise run
    without a thread switch in between (the switch interval is lifted meanwhile)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    try:
        if not _reporting_its_end(thread):
            _raise_in(thread, SystemExit)
    finally:
        sys.setswitchinterval(interval)


def _reporting_its_end(thread: threading.Thread) -> bool:
    """``thread`` has left its target and runs ``threading``'s except hook."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "invoke_excepthook" and code.co_filename == threading.__file__:
            return True
        frame = frame.f_back
    return False


def _raise_in(thread: threading.Thread, exception: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(exception)
    )

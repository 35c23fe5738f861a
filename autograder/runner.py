"""Parent side of the worker: start one per exercise, collect its messages, enforce the time limit.

Workers are forked from a multiprocessing fork server that imported torch once, so a fresh worker
per exercise costs milliseconds, not the second or more that ``import torch`` takes. Every message
is read as bytes and decoded with ``plain.loads`` (``torch.load(weights_only=True)``); a worker that
hangs is killed at its deadline, and one that dies mid-way loses only the cases it had not reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass, field
from typing import Any

from autograder import plain, server
from autograder.case import Case
from autograder.exercise import Exercise
from autograder.sandbox import Limits
from autograder.worker import OUTPUT_FILE, describe_case

MAX_MESSAGE_BYTES = 256 * 2**20
SIGNAL_MEANINGS = {
    signal.SIGSEGV: "the worker crashed with a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "the worker crashed with a bus error (SIGBUS)",
    signal.SIGABRT: "the worker aborted (SIGABRT)",
    signal.SIGFPE: "the worker crashed with an arithmetic fault (SIGFPE)",
    signal.SIGILL: "the worker crashed with an illegal instruction (SIGILL)",
    signal.SIGXCPU: "the worker used more than its CPU time limit of {limits.cpu_seconds} s (SIGXCPU)",
    signal.SIGKILL: "the worker was killed (SIGKILL: out of memory?)",
}


def limits_for(exercise: Exercise, cases: list[Case]) -> Limits:
    """The worker's resource limits: CPU time a little above the wall-clock limit; no address-space
    limit when a case runs on CUDA (its driver reserves far more virtual memory than it uses)."""
    on_cuda = any(case.device != "cpu" for case in cases)
    return Limits(
        cpu_seconds=int(exercise.timeout) + 10,
        memory_bytes=None if on_cuda else Limits.memory_bytes,
    )


OUTPUT_TAIL_CHARS = 1500


@contextlib.contextmanager
def _main_module_hidden():
    """Keep multiprocessing from re-running the caller's ``__main__`` script in the worker.

    The worker's entry point is importable (``autograder.worker.main``), so it needs nothing from
    ``__main__``; without this, a grading script with no ``if __name__ == "__main__"`` guard would run
    again inside every worker.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@dataclass
class WorkerRun:
    """What came back from one worker: a load failure, or one message per case it finished."""

    load_status: str | None = None  # None (loaded), "missing" or "error"
    load_message: str = ""
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    timed_out: bool = False
    crashed: str | None = None  # why the worker ended before reporting every case
    output_tail: str = ""


class Worker:
    """One running worker process for one exercise."""

    def __init__(
        self, exercise: Exercise, submission_file: str, cases: list[Case], sandboxed: bool = True
    ):
        self.exercise = exercise
        self.workdir = tempfile.mkdtemp(prefix="ml4p-")
        self.limits = limits_for(exercise, cases)
        request = {
            "exercise": exercise.id,
            "module": exercise.module,
            "attribute": exercise.name,
            "path": os.path.abspath(submission_file),
            "workdir": self.workdir,
            "limits": dataclasses.asdict(self.limits),
            "sandboxed": sandboxed,
            "cases": [describe_case(case) for case in cases],
        }
        context = server.context()
        self.receiver, sender = context.Pipe(duplex=False)
        from autograder import worker

        self.process = context.Process(
            target=worker.main, args=(sender, plain.dumps(request)), daemon=True
        )
        self.started = time.monotonic()
        with _main_module_hidden():
            self.process.start()
        sender.close()
        self.run = WorkerRun()
        self.stopping = False
        self.reader = threading.Thread(target=self._read_messages, daemon=True)
        self.reader.start()

    def collect(self, timeout: float) -> WorkerRun:
        """The worker's messages once it is done or dead, or ``timeout`` seconds after its start."""
        self.reader.join(max(0.0, self.started + timeout - time.monotonic()))
        if self.reader.is_alive():
            self.run.timed_out = True
        self._stop()
        self.run.output_tail = self._output_tail()
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.run

    def _read_messages(self) -> None:
        """Drain the pipe as messages arrive (in a thread), so the worker never blocks on a full
        pipe while the parent attends to another worker."""
        while True:
            try:
                message = plain.loads(self.receiver.recv_bytes(MAX_MESSAGE_BYTES))
            except (EOFError, OSError):
                if not self.stopping:
                    self.run.crashed = self._exit_description()
                return
            except Exception as error:
                self.run.crashed = f"the worker sent data that is not plain tensors ({error})"
                return
            if not self._accept(message, self.run):
                return

    @staticmethod
    def _accept(message: dict[str, Any], run: WorkerRun) -> bool:
        """Record one message; False when the run is over."""
        kind = message.get("kind")
        if kind == "load_failed":
            run.load_status, run.load_message = message["status"], message["message"]
            return False
        if kind == "case":
            run.cases[message["name"]] = message
        return kind != "done"

    def kill(self) -> None:
        """Stop the worker now, whatever it is doing, and clean up."""
        self._stop(patience=0.0)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop(self, patience: float = 1.0) -> None:
        self.process.join(timeout=patience if not self.run.timed_out else 0.0)
        self.stopping = True
        try:  # the worker leads its own process group: take down anything it left behind
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.reader.join()
        self.receiver.close()

    def _exit_description(self) -> str:
        self.process.join(timeout=2.0)
        code = self.process.exitcode
        if code is None:
            return "the worker stopped responding"
        if code < 0:
            return SIGNAL_MEANINGS.get(-code, f"the worker was killed by signal {-code}").format(
                limits=self.limits
            )
        return f"the worker exited with status {code} (os._exit or a crash in native code)"

    def _output_tail(self) -> str:
        try:
            with open(os.path.join(self.workdir, OUTPUT_FILE), errors="replace") as output:
                text = output.read()
        except OSError:
            return ""
        return text[-OUTPUT_TAIL_CHARS:]

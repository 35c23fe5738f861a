"""Parent side of the worker: start one per exercise, collect its messages, enforce the time limit.

Workers are forked from the zygote (``autograder.zygote``), which has torch imported, so a fresh
worker per exercise costs milliseconds, not the second or more that ``import torch`` takes. Every
message is read as bytes and decoded with ``plain.loads`` (plain data and tensors only); the
worker's standard output and error come through two more pipes (``autograder.output``).

An exercise's time limit is CPU time, enforced in the worker by ``RLIMIT_CPU``: a loop that never
ends is stopped after the same amount of work however loaded the machine is. A worker that waits
without computing (a sleep, a deadlock) is killed at a wall-clock deadline of twice the limit plus
``WALL_MARGIN`` seconds. A worker that dies mid-way loses only the cases it had not reported.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import Pipe
from typing import Any

from autograder import plain, zygote
from autograder.case import Case
from autograder.exercise import Exercise
from autograder.output import CapturedStream
from autograder.sandbox import Limits
from autograder.worker import describe_case

MAX_MESSAGE_BYTES = 256 * 2**20
WALL_MARGIN = 10.0  # seconds of wall clock beyond twice the CPU time limit
SIGNAL_MEANINGS = {
    signal.SIGSEGV: "the worker crashed with a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "the worker crashed with a bus error (SIGBUS)",
    signal.SIGABRT: "the worker aborted (SIGABRT)",
    signal.SIGFPE: "the worker crashed with an arithmetic fault (SIGFPE)",
    signal.SIGILL: "the worker crashed with an illegal instruction (SIGILL)",
}


def limits_for(exercise: Exercise, cases: list[Case]) -> Limits:
    """The worker's resource limits: the exercise's time limit as CPU time; no address-space limit
    when a case runs on CUDA (its driver reserves far more virtual memory than it uses; the
    emulated GPU is the CPU's memory, and keeps the limit)."""
    on_cuda = any(case.device == "cuda" for case in cases)
    return Limits(
        cpu_seconds=max(1, math.ceil(exercise.timeout)),
        memory_bytes=None if on_cuda else Limits.memory_bytes,
    )


def wall_deadline(timeout: float) -> float:
    """Seconds of wall clock a worker gets for a CPU time limit of ``timeout`` seconds."""
    return 2 * timeout + WALL_MARGIN


@dataclass
class WorkerRun:
    """What came back from one worker: a load failure, or one message per case it finished."""

    load_status: str | None = None  # None (loaded), "missing" or "error"
    load_message: str = ""
    notes: list[str] = field(default_factory=list)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False  # the worker sent its last message ("done")
    timed_out: str | None = None  # why the worker ran out of time
    crashed: str | None = None  # why the worker ended before reporting every case
    output_tail: list[str] = field(default_factory=list)  # its last lines of output


def _fork(job: bytes, pipes: tuple[int, int, int], modules) -> zygote.WorkerProcess:
    """A worker forked by the zygote; a zygote found dead is started again, once."""
    try:
        return zygote.running().fork_worker(job, pipes, modules)
    except zygote.ZygoteError:
        zygote.stop()
        return zygote.running().fork_worker(job, pipes, modules)


class Worker:
    """One running worker process for one exercise."""

    def __init__(
        self,
        exercise: Exercise,
        submission_file: str,
        cases: list[Case],
        sandboxed: bool = True,
        on_done: Callable[[], None] | None = None,
        private: Sequence[os.PathLike] = (),
        own: os.PathLike | None = None,
    ):
        """Start the worker; ``on_done()`` is called (from the thread that reads its messages) once
        the worker has sent its last message or ended; ``private``: folders it may not read from,
        but for its submission's ``own`` folder."""
        self.exercise = exercise
        self.on_done = on_done
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
            "private": [os.path.realpath(folder) for folder in private],
            "own": os.path.realpath(own) if own is not None else None,
            "cases": [describe_case(case) for case in cases],
        }
        self.receiver, sender = Pipe(duplex=False)
        (out_reader, out_writer), (err_reader, err_writer) = Pipe(duplex=False), Pipe(duplex=False)
        ends = (sender, out_writer, err_writer)
        try:
            modules = zygote.on_demand_modules([submission_file])
            self.process = _fork(plain.dumps(request), tuple(end.fileno() for end in ends), modules)
        finally:
            for end in ends:
                end.close()
        self.started = time.monotonic()
        self.deadline = self.started + wall_deadline(exercise.timeout)
        self.output = [CapturedStream(out_reader, "stdout"), CapturedStream(err_reader, "stderr")]
        self.run = WorkerRun()
        self.stopping = False
        self.reader = threading.Thread(target=self._read_messages, daemon=True)
        self.reader.start()

    def collect(self) -> WorkerRun:
        """The worker's messages once it is done or dead, or at its wall-clock deadline."""
        self.reader.join(max(0.0, self.deadline - time.monotonic()))
        if self.reader.is_alive():
            self.run.timed_out = (
                f"did not finish within {wall_deadline(self.exercise.timeout):g} s of wall-clock "
                "time (waiting for something that never comes? sleep, input or a deadlock)"
            )
        self._stop()
        for stream in self.output:
            stream.close()
        self.run.notes += [note for stream in self.output if (note := stream.note())]
        self.run.output_tail = [line for stream in self.output for line in stream.last_lines()]
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.run

    def _read_messages(self) -> None:
        """Drain the pipe as messages arrive (in a thread), so the worker never blocks on a full
        pipe while the parent attends to another worker."""
        try:
            self._read_until_done()
        finally:
            if self.on_done is not None:
                self.on_done()

    def _read_until_done(self) -> None:
        while True:
            try:
                message = plain.loads(self.receiver.recv_bytes(MAX_MESSAGE_BYTES))
            except (EOFError, OSError):
                if not self.stopping:
                    self._record_exit()
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
        if kind == "loaded":
            run.notes += [str(note) for note in message.get("notes", [])]
        if kind == "case":
            run.cases[message["name"]] = message
        run.finished = kind == "done"
        return not run.finished

    def kill(self) -> None:
        """Stop the worker now, whatever it is doing, and clean up."""
        self._stop(patience=0.0)
        for stream in self.output:
            stream.close(patience=0.0)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop(self, patience: float = 1.0) -> None:
        """End the worker. One that sent its last message is not waited for: it has nothing more
        to say, and the zygote collects it."""
        if not self.run.finished:
            self.process.join(timeout=patience if not self.run.timed_out else 0.0)
        self.stopping = True
        try:  # the worker leads its own process group: take down anything it left behind
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, zygote.ZygoteError):
            pass
        if self.run.finished:
            self.process.release()
        else:
            self.process.kill()
            self.process.join()
        self.reader.join()
        self.receiver.close()

    def _record_exit(self) -> None:
        """Why the worker ended early: its time limit (SIGXCPU) or a crash."""
        self.process.join(timeout=2.0)
        code = self.process.exitcode
        if code == -signal.SIGXCPU:
            self.run.timed_out = (
                f"did not finish within the time limit of {self.limits.cpu_seconds} s of CPU time "
                "(an infinite loop?)"
            )
        elif code == -signal.SIGKILL:  # the CPU limit's hard end: SIGXCPU was ignored
            self.run.timed_out = (
                f"was killed (SIGKILL) after running past its time limit of "
                f"{self.limits.cpu_seconds} s of CPU time with SIGXCPU ignored (or the machine ran "
                "out of memory)"
            )
        elif code is None:
            self.run.crashed = "the worker stopped responding"
        elif code < 0:
            meaning = SIGNAL_MEANINGS.get(-code, f"the worker was killed by signal {-code}")
            self.run.crashed = meaning.format(limits=self.limits)
        else:
            self.run.crashed = (
                f"the worker exited with status {code} (os._exit or a crash in native code)"
            )

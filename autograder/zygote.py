"""The zygote: the process every worker is forked from, with torch and the grader already imported.

Importing torch takes a second or more; forking a process that has imported it takes milliseconds.
One zygote serves a grading process and forks one worker per exercise on request. It starts in one
of two ways:

- ``warm_up()``, called by the command line right after its imports, forks the zygote from the
  grading process itself, so that torch is imported once. It does so only while that process is
  clean: a single thread, and neither the hidden reference nor the solutions imported (student code
  must find none of them in a worker's memory);
- otherwise (a library call, a test session, a notebook), ``running()`` starts the zygote as a
  fresh interpreter (``python -m autograder.zygote``) that imports what workers need itself.

A request carries a job (the bytes ``autograder.worker.main`` reads), the names of modules to import
first (``ON_DEMAND``: heavy modules the submission will use, imported once in the zygote and then
inherited by every later worker), and the write ends of four pipes: the worker's messages, its
standard output, its standard error, and a status pipe. The zygote forks the worker, which closes
every other descriptor and runs the job; the zygote writes the worker's pid to the status pipe, and
its exit code once it ends (``WorkerProcess`` reads them). The zygote exits when the grading process
closes its end of the socket, or dies.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass

PRELOAD = ("autograder.worker", "autograder.registry")  # imported before the zygote exists
PLOTTING = "autograder.plotting"  # matplotlib on Agg
# Heavy modules a submission's text shows it will import, imported before its workers are forked
# (each costs a second or more; without it, every worker of that submission pays it again).
ON_DEMAND = {
    "matplotlib": PLOTTING,
    # torch.autograd.grad with grad_outputs imports symbolic_shapes (and sympy) on first use
    "autograd.grad": "torch.fx.experimental.symbolic_shapes",
    # torch.use_deterministic_algorithms imports torch._inductor (and torch._dynamo) on every call
    "use_deterministic_algorithms": "torch._inductor.config",
}
SECRET_PACKAGES = ("ml4p_ref", "solutions")
REQUEST = struct.Struct("!QI")  # length of the job, length of the module names
STATUS = struct.Struct("!q")  # the worker's pid, then its exit code (-N: killed by signal N)

_zygote: Zygote | None = None
_lock = threading.Lock()


class ZygoteError(RuntimeError):
    """The zygote is gone (it crashed or was killed): no worker can be started."""


# ----------------------------------------------------------------------------------------- parent
def warm_up() -> None:
    """Start the zygote now, forked from this process when it is clean (see the module docstring).

    Imports torch and the grader's worker-side modules here first. For a command's first step
    only: a process that may have run other code (a test session, a notebook) calls ``running()``.
    """
    for name in PRELOAD:
        importlib.import_module(name)
    with _lock:
        if _zygote is None or not _zygote.alive():
            _start(fork=_clean())


def running() -> Zygote:
    """The running zygote, started (as a fresh interpreter) when there is none."""
    with _lock:
        if _zygote is None or not _zygote.alive():
            _start(fork=False)
        return _zygote


def stop() -> None:
    """Stop the zygote (running workers are not affected); the next ``running()`` starts another."""
    global _zygote
    with _lock:
        if _zygote is not None:
            _zygote.close()
            _zygote = None


def _clean() -> bool:
    """Whether a fork of this process may serve as the zygote."""
    secret = any(name.split(".", 1)[0] in SECRET_PACKAGES for name in sys.modules)
    return not secret and threading.active_count() == 1


def _start(fork: bool) -> None:
    global _zygote
    if _zygote is not None:
        _zygote.close()
    parent_end, zygote_end = socket.socketpair()
    if fork:
        pid = os.fork()
        if pid == 0:  # the zygote: never returns
            parent_end.close()
            _run_zygote(zygote_end)
        process = None
    else:
        process = subprocess.Popen(
            [sys.executable, "-m", "autograder.zygote", str(zygote_end.fileno())],
            pass_fds=[zygote_end.fileno()],
            env=os.environ | {"PYTHONPATH": os.pathsep.join(_import_path())},
        )
        pid = process.pid
    zygote_end.close()
    _zygote = Zygote(parent_end, pid, process)
    atexit.register(_zygote.close)


def _import_path() -> list[str]:
    """This process's import path, for the fresh interpreter (the current directory made explicit)."""
    return [entry or os.getcwd() for entry in sys.path]


@dataclass
class Zygote:
    """The grading process's handle on the zygote."""

    connection: socket.socket
    pid: int
    process: subprocess.Popen | None  # None: forked from this process

    @property
    def forked(self) -> bool:
        return self.process is None

    def fork_worker(
        self, job: bytes, pipes: tuple[int, int, int], modules: Iterable[str] = ()
    ) -> WorkerProcess:
        """Fork a worker that runs ``job``; ``pipes``: the write ends of its messages, standard
        output and standard error (the caller closes its copies); ``modules``: to import first."""
        names = ",".join(sorted(modules)).encode()
        status_reader, status_writer = os.pipe()
        try:
            with _lock:
                header = REQUEST.pack(len(job), len(names))
                socket.send_fds(self.connection, [header], [status_writer, *pipes])
                self.connection.sendall(names + job)
        except OSError as error:
            os.close(status_reader)
            raise ZygoteError(f"the zygote is gone ({error})") from error
        finally:
            os.close(status_writer)
        return WorkerProcess(status_reader)

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        with contextlib.suppress(ChildProcessError):
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        return False

    def close(self) -> None:
        """Close the connection (the zygote then exits) and wait for the zygote to end."""
        if self.connection.fileno() < 0:
            return
        self.connection.close()
        with contextlib.suppress(ChildProcessError, subprocess.TimeoutExpired):
            if self.process is not None:
                self.process.wait(timeout=10)
            else:
                os.waitpid(self.pid, 0)


class WorkerProcess:
    """A worker forked by the zygote, as the grading process sees it. It is not this process's
    child: the zygote writes its pid to the status pipe and, once it ended, its exit code."""

    def __init__(self, status: int):
        self._status = status
        self._pid: int | None = None
        self.exitcode: int | None = None
        self._ended = False  # the status pipe reached its end: nothing more will come
        self._lock = threading.RLock()  # the status pipe is read from more than one thread

    @property
    def pid(self) -> int:
        if self._pid is None:
            self._read(None)
        if self._pid is None:
            raise ZygoteError("the zygote ended before forking the worker")
        return self._pid

    def join(self, timeout: float | None = None) -> None:
        """Wait until the worker ended, at most ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ended:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._read(left):
                return

    def is_alive(self) -> bool:
        self.join(0)
        return not self._ended

    def kill(self) -> None:
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)

    def release(self) -> None:
        """Stop following the worker: its exit code will not be read."""
        with self._lock:
            if not self._ended:
                self._ended = True
                os.close(self._status)

    def _read(self, timeout: float | None) -> bool:
        """Read the next number (the pid, then the exit code) or the end, within ``timeout``
        seconds; False when nothing came in time."""
        with self._lock:
            if self._ended:
                return True
            if timeout is not None and not select.select([self._status], [], [], timeout)[0]:
                return False
            number = _read_number(self._status)
            if number is None or self._pid is not None:
                self.exitcode = number
                self._ended = True
                os.close(self._status)
            else:
                self._pid = number
            return True

    def __del__(self):
        if not self._ended:
            with contextlib.suppress(OSError):
                os.close(self._status)


def _read_number(fd: int) -> int | None:
    """The next ``STATUS`` number on ``fd`` (None: the end came first)."""
    data = b""
    while len(data) < STATUS.size:
        chunk = os.read(fd, STATUS.size - len(data))
        if not chunk:
            return None
        data += chunk
    return STATUS.unpack(data)[0]


# ----------------------------------------------------------------------------------------- zygote
def main() -> None:
    """Entry point of a zygote started as a fresh interpreter: ``python -m autograder.zygote FD``."""
    for name in PRELOAD:
        importlib.import_module(name)
    _run_zygote(socket.socket(fileno=int(sys.argv[1])))


def _run_zygote(connection: socket.socket) -> None:
    """Serve requests until the grading process closes the connection; then exit."""
    code = 0
    config = tempfile.mkdtemp(prefix="ml4p-matplotlib-")
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grading process
        os.environ.update(MPLBACKEND="agg", MPLCONFIGDIR=config)
        _close_descriptors_but((connection.fileno(),))
        from autograder import worker

        worker.prepare()  # here, while the grading process gets on with its own work
        _serve(connection)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        shutil.rmtree(config, ignore_errors=True)
        os._exit(code)


@dataclass
class _Request:
    job: bytes
    modules: list[str]
    status: int  # descriptors the zygote received
    pipes: tuple[int, int, int]


def _serve(connection: socket.socket) -> None:
    wake_reader, wake_writer = os.pipe()
    for fd in (wake_reader, wake_writer):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_writer)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # wakes select through wake_writer
    statuses: dict[int, int] = {}  # pid -> write end of its status pipe
    while True:
        ready = select.select([connection, wake_reader], [], [])[0]
        if wake_reader in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_reader, 4096)
        _reap(statuses)
        if connection in ready:
            request = _receive(connection)
            if request is None:
                return
            _fork_worker(request, statuses)


def _receive(connection: socket.socket) -> _Request | None:
    """The next request (None once the grading process closed the connection)."""
    header, fds, _flags, _address = socket.recv_fds(connection, REQUEST.size, 4)
    if len(header) < REQUEST.size or len(fds) != 4:
        for fd in fds:
            os.close(fd)
        return None
    job_size, names_size = REQUEST.unpack(header)
    body = _receive_exactly(connection, names_size + job_size)
    names = body[:names_size].decode()
    return _Request(body[names_size:], [n for n in names.split(",") if n], fds[0], tuple(fds[1:]))


def _receive_exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 2**20))
        if not chunk:
            raise EOFError("the grading process closed the connection mid-request")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _fork_worker(request: _Request, statuses: dict[int, int]) -> None:
    for name in request.modules:
        with contextlib.suppress(Exception):  # a broken module is the student's import error
            importlib.import_module(name)
    # Objects the zygote holds are set aside from garbage collection: a collection in a worker
    # would otherwise write to every one of them, copying the whole inherited heap page by page.
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        _run_worker(request)
    for fd in request.pipes:
        os.close(fd)
    try:
        os.write(request.status, STATUS.pack(pid))
        statuses[pid] = request.status
    except OSError:  # the grading process stopped waiting for this worker
        os.close(request.status)


def _reap(statuses: dict[int, int]) -> None:
    """Collect every ended worker and send its exit code."""
    while True:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        status = statuses.pop(pid, None)
        if status is not None:
            with contextlib.suppress(OSError):
                os.write(status, STATUS.pack(os.waitstatus_to_exitcode(wait_status)))
            os.close(status)


def _run_worker(request: _Request) -> None:
    """In the forked worker: keep only its own pipes, run the job, exit. Never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        _close_descriptors_but(request.pipes)
        _stdin_from_devnull()
        from multiprocessing.connection import Connection

        from autograder import worker

        messages, stdout, stderr = (Connection(fd, readable=False) for fd in request.pipes)
        worker.main(messages, stdout, stderr, request.job)
        code = 0
    except SystemExit as error:
        code = error.code if isinstance(error.code, int) else 1
    except BaseException:
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        os._exit(code)


def _close_descriptors_but(keep: Iterable[int]) -> None:
    """Close every descriptor above standard error except ``keep``."""
    low = 3
    for fd in sorted(set(keep)):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def _stdin_from_devnull() -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


# ----------------------------------------------------------------------------------------- submissions
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


if __name__ == "__main__":
    main()

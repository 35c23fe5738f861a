"""Hardening of the worker process, before any student code runs in it.

- its own session and process group (the parent kills the whole group at the end);
- resource limits: CPU time (the exercise's time limit), address space (CPU-only workers), file size, core dumps, processes;
- a scrubbed environment and a private working directory (also ``HOME``, ``TMPDIR``, ``tempfile``'s
  folder and torch's cache folder);
- a meta-path finder that refuses ``ml4p_ref``, ``solutions`` and ``autograder`` (the grader's own
  modules are also dropped from ``sys.modules``);
- an audit hook that refuses to read the reference and solution sources (and, when a class is
  graded, the other students' files), to write or delete
  anything outside the working directory, to start processes and to open network connections;
  every refusal is also recorded, so that it becomes a note even when the code catches the error;
- matplotlib on its non-interactive Agg backend, with its configuration and cache in the working
  directory (``plt.show()`` returns at once; saved figures vanish with the directory).

Audit hooks cannot be removed once added, so code in the worker cannot turn this off.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import signal
import sys
import tempfile
from dataclasses import dataclass

PROTECTED_PACKAGES = ("ml4p_ref", "solutions", "autograder")
SECRET_PACKAGES = ("ml4p_ref", "solutions")  # their source files may not even be read
PROCESS_EVENTS = (
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.exec",
    "os.spawn",
    "os.system",
    "subprocess.Popen",
    "pty.spawn",
)
NETWORK_EVENTS = ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg")
WRITE_EVENTS = (  # events whose first argument is a path that gets changed
    "os.remove",
    "os.rmdir",
    "os.mkdir",
    "os.chmod",
    "os.chown",
    "os.truncate",
    "os.utime",
    "os.link",
    "os.symlink",
    "shutil.rmtree",
    "shutil.copyfile",
    "shutil.move",
)
RENAME_EVENTS = ("os.rename",)  # (source, destination)
CPU_GRACE = 2  # seconds of CPU time between SIGXCPU and SIGKILL
SAFE_ENVIRONMENT = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "MPLBACKEND": "agg",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker."""

    cpu_seconds: int = 60  # SIGXCPU then; SIGKILL CPU_GRACE seconds later
    memory_bytes: int | None = 4 * 2**30  # address space; None: unlimited (needed with CUDA)
    file_bytes: int = 64 * 2**20  # largest file the code may write (output goes to pipes)
    extra_processes: int = 0  # processes beyond those the user runs now (non-root users only)

    def describe(self) -> str:
        memory = f"{self.memory_bytes / 2**30:g} GiB" if self.memory_bytes else "unlimited"
        return f"CPU {self.cpu_seconds} s, memory {memory}, files {self.file_bytes / 2**20:g} MiB"


class SandboxViolation(PermissionError):
    """Raised inside the worker when code tries something the sandbox forbids."""


def secret_roots() -> list[str]:
    """Directories of the packages whose source must stay unreadable in the worker."""
    roots = []
    for name in SECRET_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            roots += [os.path.realpath(path) for path in spec.submodule_search_locations]
    return roots


# ----------------------------------------------------------------------------------------- process
def limit_process(workdir: str, limits: Limits) -> None:
    """Session, resource limits, environment and working directory of the worker."""
    os.setsid()
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_cpu_limit(limits.cpu_seconds)
    _set_limit(resource.RLIMIT_FSIZE, limits.file_bytes)
    if limits.memory_bytes:
        _set_limit(resource.RLIMIT_AS, limits.memory_bytes)
    if os.getuid() != 0:  # root is exempt from RLIMIT_NPROC; the audit hook stops forks anyway
        _set_limit(resource.RLIMIT_NPROC, _processes_of_user() + limits.extra_processes)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing
    os.environ.clear()
    os.environ.update(SAFE_ENVIRONMENT, HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir)
    # torch's caches (torch._dynamo makes one when some backward passes first import it) go to
    # the working directory too, and so does tempfile, whose choice was made before the sandbox
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(workdir, "torchinductor")
    tempfile.tempdir = workdir
    os.chdir(workdir)


def _set_limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def _set_cpu_limit(seconds: int) -> None:
    """SIGXCPU at ``seconds`` of CPU time (a timeout), SIGKILL if the process survives it."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    ceiling = seconds + CPU_GRACE
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (min(seconds, ceiling), ceiling))


def _processes_of_user() -> int:
    uid, count = str(os.getuid()), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as status:
                    uids = next(line for line in status if line.startswith("Uid:")).split()
            except (OSError, StopIteration):
                continue
            count += uids[1] == uid
    return count


# ----------------------------------------------------------------------------------------- imports
class RefusedImport(ImportError):
    """An import of the grader's own packages from submitted code."""


class RefuseGraderImports:
    """Meta-path finder: the grader's packages cannot be imported by submitted code."""

    def __init__(self, refused: list[str]):
        self.refused = refused

    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in PROTECTED_PACKAGES:
            message = f"importing {name} is not allowed in submissions"
            self.refused.append(message)
            raise RefusedImport(message)
        return None


def hide_grader_modules(refused: list[str]) -> None:
    """Drop the grader's modules from ``sys.modules`` and refuse to import them again (recording
    each refusal in ``refused``).

    The worker keeps using the objects it already holds; only fresh imports are refused.
    """
    for name in list(sys.modules):
        if name.split(".", 1)[0] in PROTECTED_PACKAGES:
            del sys.modules[name]
    sys.meta_path.insert(0, RefuseGraderImports(refused))
    sys.path[:] = [entry for entry in sys.path if entry]  # no implicit current directory


# ----------------------------------------------------------------------------------------- audit
def install_audit_hook(
    workdir: str,
    allowed_reads: list[str],
    secret: list[str],
    private: list[str] = (),
    own: str | None = None,
) -> list[str]:
    """Refuse what a submission has no business doing (see the module docstring); ``private``:
    folders holding other submissions (a class being graded), closed but for ``own``, the
    submission's own folder.

    Returns the list to which every refusal's message is appended (the worker empties it).
    """
    workdir = os.path.realpath(workdir)
    refused: list[str] = []

    def refuse(message: str) -> None:
        refused.append(message)
        raise SandboxViolation(message)

    allowed = {os.path.realpath(path) for path in allowed_reads}

    def inside(path: str, root: str) -> bool:
        return path == root or path.startswith(root + os.sep)

    def resolved(path) -> str | None:
        if isinstance(path, int):
            return None  # an already open descriptor
        try:
            return os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return None

    def check_write(path) -> None:
        target = resolved(path)
        if target is not None and not inside(target, workdir) and target != os.devnull:
            refuse(f"writing outside the working directory is not allowed: {target}")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = ((*tuple(args), None, None, None))[:3]
            target = resolved(path)
            if target is None:
                return
            if target not in allowed and any(inside(target, root) for root in secret):
                refuse(f"reading the grader's files is not allowed: {target}")
            if any(inside(target, root) for root in private) and not (own and inside(target, own)):
                refuse(f"reading other submissions is not allowed: {target}")
            writing = (mode and any(c in str(mode) for c in "wax+")) or (
                isinstance(flags, int)
                and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC)
            )
            if writing:
                check_write(target)
        elif event in WRITE_EVENTS and args:
            check_write(args[0])
        elif event in RENAME_EVENTS and len(args) >= 2:
            check_write(args[0])
            check_write(args[1])
        elif event.startswith(PROCESS_EVENTS):
            refuse(f"starting processes is not allowed ({event})")
        elif event in NETWORK_EVENTS:
            refuse(f"network access is not allowed ({event})")

    sys.addaudithook(hook)
    return refused

"""The worker's standard output and error, read through pipes by the parent.

Student code may print as much as it likes: each stream keeps its first ``KEEP_BYTES`` and its last
``TAIL_BYTES``, counts the rest and drops it. Printing never fails a case; a flood becomes a note.
"""

from __future__ import annotations

import os
import threading

KEEP_BYTES = 2**20
TAIL_BYTES = 4096
CHUNK = 2**16


class CapturedStream:
    """Drains one pipe in a thread until every writer has closed it; the thread closes the pipe
    when it ends (so that no other thread ever closes a descriptor this one still reads)."""

    def __init__(self, connection, name: str):
        self.connection = connection  # a multiprocessing Connection: we read its raw descriptor
        self.name = name
        self.head = bytearray()
        self.tail = b""
        self.total = 0
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        try:
            self._read_to_end(self.connection.fileno())
        finally:
            self.connection.close()

    def _read_to_end(self, descriptor: int) -> None:
        while True:
            try:
                chunk = os.read(descriptor, CHUNK)
            except OSError:
                return
            if not chunk:
                return
            self.total += len(chunk)
            room = KEEP_BYTES - len(self.head)
            if room > 0:
                self.head += chunk[:room]
            self.tail = (self.tail + chunk)[-TAIL_BYTES:]

    def close(self, patience: float = 2.0) -> None:
        """Wait for the end of the stream (the worker is gone, or has closed its output, by now);
        what has not come within ``patience`` seconds is not counted."""
        self.reader.join(patience)

    def note(self) -> str | None:
        """``output truncated: ...`` when more than ``KEEP_BYTES`` were written."""
        if self.total <= KEEP_BYTES:
            return None
        return (
            f"output truncated: {_size(self.total)} written to {self.name}, the first "
            f"{KEEP_BYTES // 2**20} MiB kept"
        )

    def last_lines(self, count: int = 3) -> list[str]:
        lines = self.tail.decode(errors="replace").strip().splitlines()
        return [line for line in lines if line.strip()][-count:]


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"

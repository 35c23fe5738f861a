"""Private folders that live as long as this process: one per purpose, removed when it exits."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def scratch_folder(purpose: str) -> Path:
    """This process's folder for ``purpose`` (made on first use, removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix=f"ml4p-{purpose}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder

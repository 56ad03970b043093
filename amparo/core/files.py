"""Files holding personal data (uploads, import reports, exports on disk): created readable and
writable by their owner only (mode 0600, folders 0700), whatever the process's umask."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: str | Path) -> Path:
    """Create `path` (and missing parents) as a folder only its owner may enter."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)
    return path


def open_private(path: str | Path, mode: str = "w", **kwargs):
    """open() for writing a new or truncated file with mode 0600 from the start (no window in
    which another local user could open it)."""
    if not any(m in mode for m in "wax"):
        raise ValueError("open_private is for writing")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if "x" in mode else 0) | (os.O_APPEND if "a" in mode else 0)
    if "w" in mode:
        flags |= os.O_TRUNC
    descriptor = os.open(path, flags, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # an existing file keeps its old mode through os.open
    return os.fdopen(descriptor, mode.replace("x", "w"), **kwargs)

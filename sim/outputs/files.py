"""Writing files so that a crash or Ctrl-C never leaves a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write` on a hidden file beside `path` (same suffix, so writers that go by it still work), then
    rename it into place: readers see the old file or the new one, never a part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp makes the file private (0600); a report or a scenario is for sharing, as any new file would be
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def writable_folder(folder: Path) -> str | None:
    """Why `folder` cannot take our files, or None when it can. Creates it (and its parents) and writes a probe,
    so that the answer is the file system's, not a guess from permission bits (root ignores them; a full or
    read-only disk does not)."""
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".geosim-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        return f"cannot write there: {err.strerror or err}"
    return None

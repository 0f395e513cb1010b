"""Fill an output folder all at once: build it beside the target, then rename."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from data_schemas.errors import InputError

T = TypeVar("T")


def check_target(out_dir: Path, *, force: bool = False) -> None:
    """Raise :class:`InputError` if ``out_dir`` may not be (re)filled.

    Raises
    ------
    InputError
        If ``out_dir`` is a file, or a non-empty folder and not ``force``.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder", fix="choose a folder for --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise InputError(
            f"{out_dir} is not empty", fix="choose a new or empty folder, or pass --force to replace its contents"
        )


def fill_folder_atomically(out_dir: Path, fill: Callable[[Path], T], *, force: bool = False) -> T:
    """Create ``out_dir`` with the content ``fill`` writes, or leave it untouched.

    ``fill`` writes into a hidden temporary folder beside ``out_dir``; only
    when it has finished is the folder renamed into place.  An existing
    non-empty ``out_dir`` is refused unless ``force``, in which case it is
    replaced as a whole.

    Parameters
    ----------
    out_dir : Path
        The folder to create.
    fill : callable
        Writes the files into the folder it is given and returns a result.
    force : bool
        Replace a non-empty ``out_dir``.

    Returns
    -------
    The result of ``fill``.

    Raises
    ------
    InputError
        As :func:`check_target`.
    """
    out_dir = Path(out_dir)
    check_target(out_dir, force=force)
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    temporary = parent / f".{out_dir.name}.tmp{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        result = fill(temporary)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if out_dir.exists():
        previous = parent / f".{out_dir.name}.old{os.getpid()}"
        os.replace(out_dir, previous)
        os.replace(temporary, out_dir)
        shutil.rmtree(previous)
    else:
        os.replace(temporary, out_dir)
    return result

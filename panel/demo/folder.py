"""Whether the demo may write into an output folder."""

from __future__ import annotations

from pathlib import Path

from data_schemas.errors import InputError


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

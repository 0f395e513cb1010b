"""Writing output files so that a failed run leaves nothing half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from data_schemas.errors import InputError


def refuse_existing(paths: Iterable[str | Path], *, force: bool = False) -> None:
    """Raise if any of ``paths`` exists and overwriting was not asked for.

    Commands call this before long work, so a run that would fail to save
    fails at once.
    """
    existing = [Path(p) for p in paths if Path(p).exists()]
    if existing and not force:
        raise InputError(
            f"{existing[0]} already exists",
            fix="pass --force to overwrite it, or choose another output path",
        )


def write_atomically(targets: Mapping[Path, Callable[[Path], None]], *, force: bool = False) -> list[Path]:
    """Write several files as one step: all of them, or none.

    Each writer first writes a hidden temporary file beside its target; only
    when every writer has succeeded are the temporaries renamed over the
    targets. An existing target is an error unless ``force``.

    Parameters
    ----------
    targets : mapping of Path to callable
        Target path -> function that writes the content to the path it is given.
    force : bool
        Overwrite existing targets.

    Returns
    -------
    list of Path
        The targets written.
    """
    paths = [Path(p) for p in targets]
    refuse_existing(paths, force=force)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    temporaries = {path: path.with_name(f".{path.name}.tmp{os.getpid()}") for path in paths}
    try:
        for path, write in zip(paths, targets.values()):
            write(temporaries[path])
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    for path in paths:
        os.replace(temporaries[path], path)
    return paths


@contextmanager
def atomic_directory(target: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Fill a directory that appears at ``target`` only when the block succeeds.

    The block writes into a hidden temporary directory beside ``target``; on
    success it is renamed to ``target`` (replacing an existing one only if
    ``force``), on failure it is removed and ``target`` is untouched.

    Examples
    --------
    >>> with atomic_directory(tmp / "run1") as folder:          # doctest: +SKIP
    ...     (folder / "results.json").write_text("{}")
    """
    target = Path(target)
    refuse_existing([target], force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp", dir=target.parent))
    try:
        yield temporary
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old", dir=target.parent))
        os.replace(target, retired / target.name)
        os.replace(temporary, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(temporary, target)

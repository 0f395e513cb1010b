"""Writing output files so that a failed run leaves nothing half-written."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from data_schemas.errors import InputError


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
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            f"{existing[0]} already exists",
            fix="pass --force to overwrite it, or choose another output path",
        )
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

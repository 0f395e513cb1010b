"""Writing output files so that a failed run leaves nothing half-written, and nothing outside its folder.

* :func:`check_name` is the one check of every user-given name that becomes a
  file name or a LaTeX label (study, table, figure and run names);
* :func:`check_inside` resolves a path and refuses one outside the output folder;
* :func:`check_output_folder` finds a dangling link, a file or an unwritable
  place before any work is done;
* :func:`atomic_directory` and :func:`write_atomically` write all or nothing,
  and replace an existing folder only when asked and only when it holds the
  marker file of output this tool wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from data_schemas.errors import InputError

#: a safe name: ASCII letters, digits, '_' and '-', starting with a letter or digit
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
MAX_NAME_LENGTH = 100
SAFE_NAME_RULE = "use only letters, digits, '_' and '-', starting with a letter or digit (at most 100 characters)"


def name_problem(name: object) -> str | None:
    """Why ``name`` may not become a file name or LaTeX label (``None`` if it may).

    Examples
    --------
    >>> name_problem("roa_did-2")
    >>> name_problem("../victim")
    "'../victim' is not a safe name"
    """
    if isinstance(name, str) and SAFE_NAME.fullmatch(name) and len(name) <= MAX_NAME_LENGTH:
        return None
    return f"{name!r} is not a safe name"


def check_name(name: object, key: str) -> str:
    """Return ``name`` if it is safe as a file name and LaTeX label, else raise naming ``key``.

    Raises
    ------
    InputError
        E.g. ``run name (--name) '../x' is not a safe name; use only letters, ...``.
    """
    problem = name_problem(name)
    if problem or not isinstance(name, str):
        raise InputError(f"{key} {problem}", fix=SAFE_NAME_RULE)
    return name


def check_inside(root: str | Path, path: str | Path) -> Path:
    """Return ``path`` if, with links and ``..`` resolved, it lies inside ``root``; else raise."""
    resolved_root = Path(root).resolve()
    resolved = Path(path).resolve()
    if resolved != resolved_root and not resolved.is_relative_to(resolved_root):
        raise InputError(f"{path} lies outside the output folder {root} (it resolves to {resolved})",
                         fix="choose names without '..' and links that leave the output folder")
    return Path(path)


def check_output_folder(folder: str | Path, option: str = "--out") -> None:
    """Raise before any work if ``folder`` cannot be created or written to.

    Refuses a link to a missing place, an existing file, and a folder (or its
    nearest existing parent) this process may not write in.
    """
    folder = Path(folder)
    if folder.is_symlink() and not folder.exists():
        raise InputError(f"{option} {folder} is a link to {os.readlink(folder)}, which does not exist",
                         fix=f"create the folder it points to, or choose another {option}")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} is a file, not a folder", fix=f"choose a folder for {option}")
    existing = next(p for p in (folder, *folder.absolute().parents) if p.exists())
    if not existing.is_dir() or not writable(existing):
        raise InputError(f"{option} {folder}: cannot write in {existing} (permission denied or read-only)",
                         fix=f"choose a folder you can write to for {option}")


def writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried, not guessed from mode bits)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def replaceable(target: str | Path, *, force: bool, marker: str) -> bool:
    """Whether ``target`` may be (re)written: raise if it may not, say whether it exists.

    A missing target or an empty real folder may always be written; anything
    else only with ``force``, and then only a real folder holding ``marker``
    (the file this tool writes into every folder of its output).

    Raises
    ------
    InputError
        For a dangling link, an existing target without ``force``, or with
        ``force`` a target that is not a folder this tool wrote.
    """
    target = Path(target)
    if target.is_symlink() and not target.exists():
        raise InputError(f"{target} is a link to {os.readlink(target)}, which does not exist",
                         fix="remove the link or choose another output path")
    if not target.exists():
        return False
    if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
        return True
    if not force:
        raise InputError(f"{target} already exists", fix="pass --force to overwrite it, or choose another output path")
    if target.is_symlink() or not target.is_dir() or not (target / marker).is_file():
        raise InputError(f"{target} is not a folder chokepoint wrote (it holds no {marker})",
                         fix="--force replaces only chokepoint's own output; choose another output path "
                             "or move the folder away yourself")
    return True


def current_umask() -> int:
    """The process's file-mode creation mask (read without changing it for long)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
def atomic_directory(target: str | Path, *, marker: str, force: bool = False) -> Iterator[Path]:
    """Fill a directory that appears at ``target`` only when the block succeeds.

    The block writes into a hidden temporary directory beside ``target``; on
    success it is renamed to ``target`` (replacing an existing one only if
    ``force`` and it holds ``marker``, see :func:`replaceable`), on failure it
    is removed and ``target`` is untouched.  The folder gets the permissions
    of the user's umask, like any folder they create.

    Examples
    --------
    >>> with atomic_directory(tmp / "run1", marker="manifest.json") as folder:  # doctest: +SKIP
    ...     (folder / "manifest.json").write_text("{}")
    """
    target = Path(target)
    replaceable(target, force=force, marker=marker)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp", dir=target.parent))
    temporary.chmod(0o777 & ~current_umask())
    try:
        yield temporary
        replaceable(target, force=force, marker=marker)  # still so after the work
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

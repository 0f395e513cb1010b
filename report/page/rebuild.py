"""Reading bundles back for their pages: checked against the manifest, rebuilt all at once or not at all."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError
from panel.files import write_atomically
from report.bundle import MANIFEST_FILE, RESULTS_FILE
from report.page.content import PAGE_KEY, RESULTS_HASH_KEY, sha256_text
from report.page.run_index import run_index, run_index_path
from report.page.study import PAGE_FILE, study_page


@dataclass(frozen=True)
class StoredBundle:
    """A bundle's stored files, parsed and checked.

    Attributes
    ----------
    folder : Path
        The bundle.
    stored, manifest : dict
        ``results.json`` and ``manifest.json``.
    """

    folder: Path
    stored: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def study(self) -> str:
        """The study folder's name."""
        return self.folder.parent.name

    @property
    def run_name(self) -> str:
        """The run folder's name."""
        return self.folder.name

    def page(self) -> str:
        """The bundle's page.

        Raises
        ------
        InputError
            If the stored files lack what the page shows.
        """
        try:
            return study_page(self.stored, self.manifest)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"cannot build the page ({exc.__class__.__name__}: {exc})", file=self.folder / RESULTS_FILE,
                             fix="re-run the study to write the bundle again") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"unreadable ({exc.__class__.__name__})", file=path,
                         fix="re-run the study to write the bundle again") from None


def _parse(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc})", file=path, fix="re-run the study to write the bundle again") from None


def read_stored_bundle(folder: str | Path) -> StoredBundle:
    """Read a bundle's ``results.json`` and ``manifest.json`` and check that the results are as the run wrote them.

    Raises
    ------
    InputError
        If a file is missing or unreadable, if ``results.json`` differs from the
        SHA-256 the manifest recorded (edited or truncated), or if it holds no page block.
    """
    folder = Path(folder)
    results_path, manifest_path = folder / RESULTS_FILE, folder / MANIFEST_FILE
    for path in (results_path, manifest_path):
        if not path.is_file():
            raise InputError(f"no {path.name} in {folder}", fix="pass a run folder written by 'chokepoint run'")
    manifest = _parse(_read_text(manifest_path), manifest_path)
    recorded = manifest.get(RESULTS_HASH_KEY) if isinstance(manifest, dict) else None
    if recorded is None:
        raise InputError(f"no SHA-256 of {RESULTS_FILE} recorded (the bundle predates run pages)",
                         file=manifest_path, fix="re-run the study to write a bundle with its page")
    text = _read_text(results_path)
    if sha256_text(text) != recorded:
        raise InputError(f"not the file the run wrote (its SHA-256 differs from the one in {MANIFEST_FILE}): "
                         "edited or truncated", file=results_path,
                         fix="restore it or re-run the study; nothing was written")
    stored = _parse(text, results_path)
    if not isinstance(stored, dict) or PAGE_KEY not in stored:
        raise InputError(f"no '{PAGE_KEY}' block", file=results_path, fix="re-run the study to write it again")
    return StoredBundle(folder, stored, manifest)


def find_bundles(folder: str | Path) -> list[Path]:
    """``folder`` itself if it is a bundle, else every ``<study>/<run>/`` bundle under it, sorted.

    Raises
    ------
    InputError
        If there is no bundle there.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"no folder {folder}", fix="pass a run folder or a results folder")
    if (folder / RESULTS_FILE).is_file():
        return [folder]
    found = sorted(p.parent for p in folder.glob(f"*/*/{RESULTS_FILE}"))
    if not found:
        raise InputError(f"no run bundle in {folder}", fix="pass a run folder (results/<study>/<run>) or the folder holding them")
    return found


def run_pages(out_root: Path, bundles: Sequence[StoredBundle]) -> dict[Path, str]:
    """The index page of every run with more than one bundle among ``bundles``: path -> text."""
    runs: dict[str, list[StoredBundle]] = {}
    for bundle in sorted(bundles, key=lambda b: (b.run_name, b.study)):
        runs.setdefault(bundle.run_name, []).append(bundle)
    return {run_index_path(out_root, name): run_index(name, [(b.study, b.stored, b.manifest) for b in members])
            for name, members in runs.items() if len(members) > 1}


def rebuild_pages(folder: str | Path) -> list[Path]:
    """Rebuild the page of a bundle, or of every bundle under a results folder and the index of each run.

    Every bundle is read and checked before anything is written; then all
    pages are written at once.

    Returns
    -------
    list of Path
        The pages written.
    """
    folder = Path(folder)
    bundles = [read_stored_bundle(path) for path in find_bundles(folder)]
    texts = {b.folder / PAGE_FILE: b.page() for b in bundles}
    if not (folder / RESULTS_FILE).is_file():
        texts.update(run_pages(folder, bundles))
    return write_atomically({path: _writer(text) for path, text in texts.items()}, force=True)


def _writer(text: str):
    return lambda path: path.write_bytes(text.encode("utf-8"))


def write_run_index(out_root: str | Path, bundle_folders: Sequence[Path]) -> list[Path]:
    """Write the index of the run that wrote ``bundle_folders`` (when there are several), all under ``out_root``."""
    bundles = [read_stored_bundle(path) for path in bundle_folders]
    pages = run_pages(Path(out_root), bundles)
    return write_atomically({path: _writer(text) for path, text in pages.items()}, force=True)

"""The manifest of a run: enough to trace a table back to its inputs and redo it."""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

#: distributions whose versions go into every manifest
PACKAGES = ("chokepoint-panel", "numpy", "pandas", "scipy", "statsmodels", "linearmodels", "pandera", "pyarrow",
            "duckdb", "matplotlib", "click")


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution (``"not installed"`` if absent)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def file_record(path: str | Path) -> dict[str, Any]:
    """Path, size and SHA-256 of a file."""
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def build_manifest(
    *,
    study: Mapping[str, Any],
    data: Mapping[str, Any],
    panel: Mapping[str, Any],
    argv: list[str] | None = None,
) -> dict[str, Any]:
    """Assemble the manifest of one run.

    Parameters
    ----------
    study : mapping
        Name, source file and its SHA-256, and the study as data.
    data : mapping
        Where the data came from (demo with seed and size, a folder with its
        files' hashes, or a panel file with its hash).
    panel : mapping
        Build options, sample name and definition, firms and firm-years.
    argv : list of str, optional
        The command line (``sys.argv`` by default).
    """
    return {
        "created_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": list(sys.argv if argv is None else argv),
        "study": dict(study),
        "data": dict(data),
        "panel": dict(panel),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
    }


def drop_summary(drop_log) -> list[dict[str, Any]]:
    """Rows dropped while building a panel, counted by stage and reason (in the log's order).

    Parameters
    ----------
    drop_log : pandas.DataFrame
        The panel's drop log (columns ``stage`` and ``reason`` among others).
    """
    counts = drop_log.groupby(["stage", "reason"], sort=False).size()
    return [{"stage": str(stage), "reason": str(reason), "rows": int(rows)} for (stage, reason), rows in counts.items()]

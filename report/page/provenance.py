"""A run's manifest as the facts its page shows: data, panel, sample, dropped rows, inputs, command."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any


def study_name(manifest: Mapping[str, Any]) -> str:
    """The study's name as the manifest records it."""
    study = manifest.get("study", {})
    return str(study.get("name", "")) if isinstance(study, Mapping) else str(study)


def is_simulated(manifest: Mapping[str, Any]) -> bool:
    """Whether the run's data are the simulated demo."""
    data = manifest.get("data", {})
    return bool(data.get("simulated", data.get("kind") == "demo"))


def data_source(manifest: Mapping[str, Any]) -> str:
    """E.g. "Simulated demo data (seed 0, 4,000 firms): not real firms." or "Raw files in csmar/"."""
    data = manifest.get("data", {})
    kind = data.get("kind")
    if kind == "demo":
        size = f", {data['firms']:,} firms" if "firms" in data else ""
        return f"Simulated demo data (seed {data.get('seed', 0)}{size}): not real firms."
    where = data.get("path", "")
    text = {"data": f"Raw files in {where}.", "panel": f"A built panel, {where}."}.get(kind, f"{kind}: {where}.")
    return text + (" The files are the simulated demo's: not real data." if is_simulated(manifest) else "")


def facts(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs describing the data and the panel of a run."""
    panel = manifest.get("panel", {})
    rows = [("Data", data_source(manifest))]
    if "firm_years" in panel and "firms" in panel:
        rows.append(("Panel", f"{panel['firm_years']:,} firm-years of {panel['firms']:,} firms"))
    coverage = panel.get("coverage", {})
    if "first_year" in coverage and "last_year" in coverage:
        rows.append(("Years", f"{coverage['first_year']}–{coverage['last_year']}"))
    if panel.get("sample"):
        definition = panel.get("sample_definition")
        rows.append(("Sample", panel["sample"] + (f": {definition}" if definition else "")))
    if panel.get("options"):
        rows.append(("Build options", "; ".join(f"{k} = {_value(v)}" for k, v in panel["options"].items())))
    groups = manifest.get("data", {}).get("hs_groups")
    if groups:
        rows.append(("Technology groups", f"{groups.get('source', '')} ({PurePath(groups.get('file', '')).name})"))
    if manifest.get("created_utc"):
        rows.append(("Run at", manifest["created_utc"].replace("T", " ").replace("Z", " UTC")))
    return rows


def drops(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The drop-log summary (stage, reason, rows) the manifest holds, if any."""
    return list(manifest.get("panel", {}).get("drops", []))


def input_files(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every input file with its size and SHA-256."""
    return list(manifest.get("data", {}).get("files", []))


def command(manifest: Mapping[str, Any]) -> str:
    """The command line that made the run, with the program's name rather than its install path."""
    argv = [str(a) for a in manifest.get("command", [])]
    if not argv:
        return ""
    return shlex.join([PurePath(argv[0]).name, *argv[1:]])


def versions(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Python, platform and package versions."""
    rows = [("Python", manifest.get("python", "")), ("Platform", manifest.get("platform", ""))]
    return [r for r in rows if r[1]] + sorted(manifest.get("packages", {}).items())


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) if value else "none"
    return str(value)

"""The studies bundled with the package (``scripts/studies/*.toml``) and running a study file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from data_schemas.errors import InputError, did_you_mean
from models.studies.results import StudyResults
from models.studies.runner import run_study
from models.studies.study import Study, read_study

PACKAGE, FOLDER = "scripts", "studies"


def builtin_studies() -> dict[str, Path]:
    """The bundled study files by name (file stem), e.g. ``"returns_to_innovation"``."""
    folder = resources.files(PACKAGE).joinpath(FOLDER)
    return {Path(entry.name).stem: Path(str(entry)) for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".toml")}


def load_study(path_or_name: str | Path) -> Study:
    """Read a study from a TOML file, or a bundled study by name.

    Raises
    ------
    InputError
        If it is neither an existing file nor a bundled study name.
    """
    path = Path(path_or_name)
    if path.is_file():
        return read_study(path)
    bundled = builtin_studies()
    if str(path_or_name) in bundled:
        return read_study(bundled[str(path_or_name)])
    hint = did_you_mean(str(path_or_name), bundled)
    raise InputError(f"no study file or built-in study '{path_or_name}'",
                     fix=hint or f"give a .toml file or one of: {', '.join(bundled)}")


def run_study_file(path_or_name: str | Path, panel) -> StudyResults:
    """Read a study (file or built-in name) and run it on ``panel`` in one call."""
    return run_study(load_study(path_or_name), panel)

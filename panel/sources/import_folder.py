"""The inputs of the import-substitution study: a data folder's customs, GDP and group-list files.

Files looked for in the data folder (names as in :func:`panel.sources.folder.discover`:
the stem, optionally followed by ``_`` and more text, any readable suffix):

* ``customs_imports``: one or more monthly import files by HS code, China
  Customs or Comtrade layout (:mod:`panel.sources.customs`); required;
* ``gdp``: the annual GDP series (:mod:`panel.sources.gdp`); required;
* ``hs_groups``: the user's own technology-group list (:mod:`panel.sources.hs_groups`);
  without it the bundled approximation is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.demo.imports import TRUTH_FILE
from panel.sources.customs import read_customs
from panel.sources.folder import discover
from panel.sources.gdp import read_gdp
from panel.sources.hs_groups import HSGroups, bundled_path, load_hs_groups

#: file stems looked for in the data folder
CUSTOMS_STEM, GDP_STEM, GROUPS_STEM = "customs_imports", "gdp", "hs_groups"


@dataclass(frozen=True)
class ImportInputs:
    """The files of one import-substitution run.

    Parameters
    ----------
    customs : tuple of Path
        Monthly import files.
    gdp : Path
        The GDP series.
    groups : Path or None
        The user's group list (None: the bundled approximation).
    """

    customs: tuple[Path, ...]
    gdp: Path
    groups: Path | None

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file read, the bundled group list included."""
        return (*self.customs, self.gdp, self.groups or bundled_path())


@dataclass(frozen=True)
class ImportData:
    """What the import-substitution study estimates from.

    Parameters
    ----------
    inputs : ImportInputs
        The files read.
    groups : HSGroups
        The technology groups.
    imports : pandas.DataFrame
        Monthly imports by HS code: ``period``, ``hs_code``, ``value``.
    gdp : pandas.DataFrame
        The annual GDP series.
    simulated : bool
        Whether the folder holds the demo's simulated imports (its truth file sits beside them).
    """

    inputs: ImportInputs
    groups: HSGroups
    imports: pd.DataFrame
    gdp: pd.DataFrame
    simulated: bool


def find_inputs(folder: Path, study: str = "import_substitution") -> ImportInputs:
    """The customs, GDP and group-list files of a data folder.

    Raises
    ------
    InputError
        If the folder does not exist, lacks customs or GDP files, or holds
        several GDP files or group lists.
    """
    if not folder.is_dir():
        raise InputError("data folder not found", file=folder, fix="pass the folder holding the raw files")
    customs, gdp, groups = (discover(folder, stem) for stem in (CUSTOMS_STEM, GDP_STEM, GROUPS_STEM))
    missing = [what for what, files in (("no customs import file (customs_imports.csv or .xlsx)", customs),
                                        ("no GDP file (gdp.csv or .xlsx)", gdp)) if not files]
    if missing:
        raise InputError(
            " and ".join(missing),
            file=folder,
            fix=f"the {study} study needs monthly imports by HS code (China Customs or Comtrade layout) "
                "and annual GDP in US dollars; 'chokepoint demo' writes examples of both",
        )
    for what, files in (("GDP files", gdp), ("group lists", groups)):
        if len(files) > 1:
            raise InputError(f"several {what}: {', '.join(p.name for p in files)}", file=folder,
                             fix="keep one of them in the folder")
    return ImportInputs(customs=tuple(customs), gdp=gdp[0], groups=groups[0] if groups else None)


def read_imports(inputs: ImportInputs) -> tuple[HSGroups, pd.DataFrame]:
    """The group list and the monthly imports by HS code of all customs files.

    Returns
    -------
    tuple of (HSGroups, pandas.DataFrame)
        The list and ``period``, ``hs_code``, ``value``.

    Raises
    ------
    InputError
        From the readers, or when two files hold the same code and month.
    """
    groups = load_hs_groups(inputs.groups)
    frames = [read_customs(path, groups).assign(file=path.name) for path in inputs.customs]
    imports = pd.concat(frames, ignore_index=True)
    twice = imports.duplicated(["hs_code", "period"], keep=False)
    if twice.any():
        first = imports[twice].iloc[0]
        files = list(dict.fromkeys(imports.loc[twice & (imports["hs_code"] == first["hs_code"])
                                               & (imports["period"] == first["period"]), "file"]))
        raise InputError(
            f"HS code '{first['hs_code']}' in {first['period']:%Y-%m} is in several files: {', '.join(files)}",
            file=inputs.customs[0].parent,
            fix="each customs file must cover other months or codes; remove the duplicate download",
        )
    return groups, imports.drop(columns="file")


def load_import_data(folder: Path) -> ImportData:
    """Find and read the import-substitution inputs of ``folder``."""
    inputs = find_inputs(Path(folder))
    groups, imports = read_imports(inputs)
    gdp = read_gdp(inputs.gdp)
    return ImportData(inputs, groups, imports, gdp, simulated=(inputs.gdp.parent / TRUTH_FILE).is_file())

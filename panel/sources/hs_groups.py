"""The technology-group list: which HS codes make up which of the 17 chokepoint groups.

The bundled list (``panel/reference/hs_groups.csv``) is **this project's
approximation** at HS6 level, built from the HS2022 nomenclature; see
``panel/reference/hs_groups.md`` for the reasoning.  A user can pass their own
list instead, at HS8, HS6 or HS4 level:

* required columns ``hs_code`` and ``group`` (the group number, 1-17 for the
  bundled groups);
* optional ``batch``: several alternative lists side by side in one file
  (e.g. one per validation list); without it the whole file is one batch
  named after the file;
* optional ``group_name``, ``category`` (capital/intermediate/consumption) and
  ``semiconductor`` (1/0): needed only for groups outside 1-17, otherwise taken
  from the bundled list.

An import line is assigned by its longest matching code in a batch (an HS8 entry
beats the HS6 heading it extends, which beats an HS4 heading).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from data_schemas.customs import hs_groups as HS_GROUPS_SCHEMA
from data_schemas.customs import tech_groups as TECH_GROUPS_SCHEMA
from data_schemas.errors import InputError
from panel.sources.coerce import parse_numbers, parse_text
from panel.sources.tabular import read_raw
from panel.sources.validate import type_and_validate, validate_table

#: the name of the bundled list's only batch
APPROXIMATION = "approximation"
#: the code lengths a group list may use, longest first
_CODE_LENGTHS = (8, 6, 4)
_FLAGS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}


@dataclass(frozen=True)
class HSGroups:
    """A technology-group list.

    Parameters
    ----------
    groups : pandas.DataFrame
        One row per group: ``group``, ``group_name``, ``category``,
        ``semiconductor`` (:data:`data_schemas.customs.tech_groups`).
    codes : pandas.DataFrame
        One row per batch and HS code: ``batch``, ``group``, ``hs_code``
        (:data:`data_schemas.customs.hs_groups`).
    source : str
        Where the list came from (the file, or ``"bundled approximation"``).
    """

    groups: pd.DataFrame
    codes: pd.DataFrame
    source: str

    @property
    def batches(self) -> list[str]:
        """The batch names, in file order."""
        return list(dict.fromkeys(self.codes["batch"]))

    def lookup(self, hs_codes: pd.Series, batch: str) -> pd.Series:
        """The group of each HS code in ``batch`` (missing where no code of the batch matches).

        Parameters
        ----------
        hs_codes : pandas.Series
            Codes of 6 or 8 digits.
        batch : str
            One of :attr:`batches`.

        Returns
        -------
        pandas.Series
            ``Int64`` group numbers, same index as ``hs_codes``.
        """
        if batch not in self.batches:
            raise InputError(f"unknown batch '{batch}'", fix="batches in the group list: " + ", ".join(self.batches))
        in_batch = self.codes[self.codes["batch"] == batch]
        by_code = dict(zip(in_batch["hs_code"], in_batch["group"]))
        found = pd.Series(pd.NA, index=hs_codes.index, dtype="Int64")
        for length in _CODE_LENGTHS:
            missing = found.isna()
            if not missing.any():
                break
            prefix = hs_codes[missing].astype(str).str[:length]
            found[missing] = prefix.map(by_code).astype("Int64")
        return found

    def covered(self, hs_codes: pd.Series) -> pd.Series:
        """Whether each code belongs to a group in at least one batch."""
        covered = pd.Series(False, index=hs_codes.index)
        for batch in self.batches:
            covered |= self.lookup(hs_codes, batch).notna().to_numpy()
        return covered


def bundled_path() -> Path:
    """The path of the bundled approximate list."""
    return Path(str(resources.files("panel") / "reference" / "hs_groups.csv"))


def load_hs_groups(path: str | Path | None = None) -> HSGroups:
    """Read a technology-group list (the bundled approximation when ``path`` is None).

    Parameters
    ----------
    path : str or Path, optional
        A CSV/XLSX file with columns ``hs_code`` and ``group`` (and optionally
        ``batch``, ``group_name``, ``category``, ``semiconductor``).

    Returns
    -------
    HSGroups

    Raises
    ------
    InputError
        A missing column, a malformed code, a code listed twice in a batch, an
        unknown group without its name and category, or inconsistent group
        attributes.
    """
    bundled = path is None
    raw = read_raw(bundled_path() if path is None else path)
    by_name = {str(column).lower(): column for column in raw.data.columns}
    for required in ("hs_code", "group"):
        if required not in by_name:
            raise InputError(
                "required column not found",
                file=raw.path,
                column=required,
                fix="a group list needs the columns hs_code and group (and optionally batch)",
            )
    cells = raw.data.rename(columns={actual: name for name, actual in by_name.items()})
    if "batch" not in cells:
        cells = cells.assign(batch=raw.path.stem)
    cells = cells.assign(hs_code=_code_text(cells["hs_code"]))
    labels = {name: by_name.get(name, name) for name in ("batch", "group", "hs_code")}
    codes = type_and_validate(cells[["batch", "group", "hs_code"]], HS_GROUPS_SCHEMA, labels, raw.path,
                              excel=raw.kind == "xlsx")
    own = _own_groups(cells, by_name, raw.path)
    reference = own if bundled else _merge_groups(own, _bundled_groups(), codes, raw.path)
    return HSGroups(groups=reference, codes=codes, source="bundled approximation" if bundled else str(raw.path))


def _code_text(raw: pd.Series) -> pd.Series:
    """HS codes as digit strings: dots and blanks removed (``8542.31`` -> ``854231``)."""
    return parse_text(raw).str.replace(r"[.\s]", "", regex=True)


def _own_groups(cells: pd.DataFrame, by_name: dict[str, str], file: Path) -> pd.DataFrame | None:
    """The group attributes a list file carries itself (None if it has none)."""
    names = ["group", "group_name", "category", "semiconductor"]
    if not all(name in by_name for name in names):
        return None
    frame = cells[names].copy()
    frame["group"] = parse_numbers(frame["group"], by_name["group"], file, whole=True)
    flags = parse_text(frame["semiconductor"]).str.lower().map(_FLAGS)
    bad = flags.isna()
    if bad.any():
        raise InputError(
            f"expected 1 or 0, got '{frame['semiconductor'][bad].iloc[0]}'",
            file=file,
            column=by_name["semiconductor"],
            rows=frame.index[bad].tolist(),
            fix="mark semiconductor groups 1 and the others 0",
        )
    frame["semiconductor"] = flags.astype(bool)
    frame["group_name"] = parse_text(frame["group_name"])
    frame["category"] = parse_text(frame["category"])
    unique = frame.drop_duplicates()
    conflicting = unique["group"].duplicated(keep=False)
    if conflicting.any():
        group = int(unique.loc[conflicting, "group"].iloc[0])
        raise InputError(
            f"group {group} has different names, categories or semiconductor flags on different rows",
            file=file,
            rows=frame.index[frame["group"] == group].tolist(),
            fix="give every row of a group the same group_name, category and semiconductor",
        )
    unique = unique.assign(group=unique["group"].astype("int64"))
    labels = {name: by_name[name] for name in names}
    return validate_table(unique, TECH_GROUPS_SCHEMA, labels, file)


def _bundled_groups() -> pd.DataFrame:
    return load_hs_groups().groups


def _merge_groups(own: pd.DataFrame | None, bundled: pd.DataFrame, codes: pd.DataFrame, file: Path) -> pd.DataFrame:
    """The user's group attributes, completed from the bundled 17 groups."""
    merged = bundled if own is None else pd.concat([own, bundled[~bundled["group"].isin(own["group"])]], ignore_index=True)
    unknown = sorted(set(codes["group"]) - set(merged["group"]))
    if unknown:
        raise InputError(
            f"group {unknown[0]} is not one of the bundled groups 1-17",
            file=file,
            column="group",
            fix="add the columns group_name, category and semiconductor for your own groups",
        )
    return merged[merged["group"].isin(codes["group"])].sort_values("group").reset_index(drop=True)

"""The import-substitution study as a run bundle: ``chokepoint run import_substitution``.

Reads a data folder's customs imports and GDP series, computes the indices
of :mod:`models.import_substitution` for the whole period and before/from
2019, and returns the bundle content: three tables as :class:`report.table.Table`
(the 2x3 matrix with the groups listed in its cells, the per-group index
table, imports as a share of GDP with the change between the first and last
full years), three figures and a manifest.

Files looked for in the data folder (names as in :func:`panel.sources.folder.discover`:
the stem, optionally followed by ``_`` and more text, any readable suffix):

* ``customs_imports``: one or more monthly import files by HS code, China
  Customs or Comtrade layout (:mod:`panel.sources.customs`); required;
* ``gdp``: the annual GDP series (:mod:`panel.sources.gdp`); required;
* ``hs_groups``: the user's own technology-group list (:mod:`panel.sources.hs_groups`);
  without it the bundled approximation is used.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from data_schemas.errors import InputError
from models.import_substitution import (
    BANDS,
    GROWTH_THRESHOLD,
    MEDIUM_VOLATILITY_FLOOR,
    PATTERNS,
    VOLATILITY_THRESHOLD,
    WINDOWS,
    Window,
    gdp_shares,
    group_indices,
)
from panel.demo.imports import TRUTH_FILE
from panel.sources.customs import group_monthly, read_customs
from panel.sources.folder import discover
from panel.sources.gdp import read_gdp
from panel.sources.hs_groups import HSGroups, bundled_path, load_hs_groups
from report.bundle import BundleContent
from report.import_substitution_figures import (
    plot_gdp_shares,
    plot_growth_volatility,
    plot_series_by_pattern,
)
from report.import_substitution_tables import (
    BAND_COLUMNS,
    GROWTH_ROWS,
    gdp_share_table,
    group_index_table,
    group_label,
    matrix_members,
)
from report.table import Table, TextRow

STUDY = "import_substitution"
#: file stems looked for in the data folder
CUSTOMS_STEM, GDP_STEM, GROUPS_STEM = "customs_imports", "gdp", "hs_groups"
#: the options of a run (the method's defaults)
WEIGHTS = "linear"
DDOF = 1
#: short pattern names for the index table's cells
PATTERN_SHORT = {"stockpiling": "stockpiling", "no_discernible_effect": "no effect",
                 "import_substitution": "substitution"}
CATEGORY_LABELS = {"capital": "Capital goods", "intermediate": "Intermediate goods",
                   "consumption": "Consumption goods", "capital_and_intermediate": "Capital and intermediate goods"}
WINDOW_LABELS = {"whole": "Whole period", "pre_2019": "Before 2019", "post_2019": "From 2019"}
EMPTY_CELL = "—"
SIMULATED_NOTE = "SIMULATED demo data (panel/demo/imports.py): not real customs statistics."
METHOD_NOTE = (
    "Method of Naughton and Fang (China's Self-Reliance Goal: How Much Progress?), on monthly imports "
    "(US dollars) of each technology group: volatility V = SD/mean (sample SD, n − 1); growth G = the "
    "weighted mean over the months t of a window of (x_t − x_1)/x_1, x_1 the window's first month, with {weights}."
)
WEIGHTS_TEXT = {"linear": "linear weights w_t = t (recent months weigh more)", "equal": "equal weights w_t = 1"}
PARTITION_NOTE = (
    f"Partition: G > {GROWTH_THRESHOLD} and V > {VOLATILITY_THRESHOLD}: {PATTERNS['stockpiling']}; "
    f"G > {GROWTH_THRESHOLD} and V ≤ {VOLATILITY_THRESHOLD}: {PATTERNS['no_discernible_effect']}; "
    f"G ≤ {GROWTH_THRESHOLD}: {PATTERNS['import_substitution']}."
)

BANDS_NOTE = (
    f"Volatility bands: high V > {VOLATILITY_THRESHOLD}, medium {MEDIUM_VOLATILITY_FLOOR} ≤ V ≤ "
    f"{VOLATILITY_THRESHOLD}, low V < {MEDIUM_VOLATILITY_FLOOR} (the published bands, with their gaps closed as "
    "in models.import_substitution)."
)
SHARE_NOTE = (
    "Annual imports of the groups of each category (customs values, US dollars) divided by GDP, in percent of GDP; "
    "the change from {first} to {last} in percentage points (pp) and in percent of the {first} share. Capital and "
    "intermediate goods: both categories together. Years with fewer than twelve months of imports are left out."
)
PUBLISHED_SHARES_NOTE = (
    "For comparison, Naughton and Fang report imported capital goods without semiconductors at 2.06 % of GDP in "
    "2015 and 1.27 % in 2024, intermediates 6.40 % and 5.26 %, together 8.46 % and 6.53 %."
)


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


def find_inputs(folder: Path) -> ImportInputs:
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
            fix=f"the {STUDY} study needs monthly imports by HS code (China Customs or Comtrade layout) "
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


def window_span(indices: pd.DataFrame, window: str) -> str:
    """``"2015-01 to 2024-12"``: the months a window's indices span."""
    rows = indices[indices["window"] == window]
    return f"{rows['first_period'].min():%Y-%m} to {rows['last_period'].max():%Y-%m}"


def matrix_table(indices: pd.DataFrame, *, batch: str, label: str, notes: tuple[str, ...],
                 window: str = "whole") -> Table:
    """The 2x3 matrix: growth class by volatility band, one group per line of each cell.

    Parameters
    ----------
    indices : pandas.DataFrame
        From :func:`models.import_substitution.group_indices`.
    batch : str
        The batch tabulated.
    label : str
        The table's label (file stem).
    notes : tuple of str
        Notes shared by the study's tables (data, group list, method), placed first.
    window : str
        The window tabulated.
    """
    members = matrix_members(indices, window=window, batch=batch)
    rows = []
    for growth in GROWTH_ROWS:
        cells = [members.loc[growth, BAND_COLUMNS[band]] for band in BANDS]
        for line in range(max(1, *(len(c) for c in cells))):
            rows.append(TextRow(
                label=growth if line == 0 else "",
                cells=tuple(c[line] if line < len(c) else (EMPTY_CELL if not c and line == 0 else "") for c in cells),
            ))
    return Table(
        title=f"Technology groups by growth and volatility of imports, {window_span(indices, window)}",
        column_groups=tuple((BAND_COLUMNS[band], 1) for band in BANDS),
        panels=(),
        indicators=tuple(rows),
        notes=(
            *notes,
            PARTITION_NOTE,
            BANDS_NOTE,
        ),
        label=label,
        numbered=False,
        stub="Growth index",
    )


def index_table(indices: pd.DataFrame, *, batch: str, label: str, notes: tuple[str, ...]) -> Table:
    """V, G and pattern of every group in every window, with its category and semiconductor flag."""
    wide = group_index_table(indices, batch=batch)
    windows = list(dict.fromkeys(indices["window"]))
    rows = []
    for values in wide.to_dict("records"):
        cells = [values["category"], "yes" if values["semiconductor"] else "no"]
        for window in windows:
            cells += [f"{values[f'volatility_{window}']:.3f}", f"{values[f'growth_{window}']:.3f}",
                      PATTERN_SHORT[values[f"pattern_{window}"]]]
        rows.append(TextRow(group_label(values["group"], values["group_name"]), tuple(cells)))
    return Table(
        title="Volatility and growth indices of imports by technology group",
        column_groups=(("Category", 1), ("Semicond.", 1), *((WINDOW_LABELS.get(w, w), 3) for w in windows)),
        panels=(),
        indicators=tuple(rows),
        notes=(
            *notes,
            "Windows: " + "; ".join(f"{WINDOW_LABELS.get(w, w).lower()} {window_span(indices, w)}" for w in windows)
            + ".",
            "Semicond.: semiconductor-related group. Patterns: stockpiling = stockpiling or other policy "
            "disturbance; no effect = no discernible effect; substitution = successful import substitution. "
            + PARTITION_NOTE,
        ),
        label=label,
        column_titles=("", "", *(["V", "G", "Pattern"] * len(windows))),
        numbered=False,
        stub="Technology group",
    )


def share_table(shares: pd.DataFrame, *, label: str, notes: tuple[str, ...]) -> Table:
    """Imports by category as a percent of GDP by year, with the change from the first to the last year."""
    years = sorted(set(shares["year"]))
    first, last = years[0], years[-1]
    wide = gdp_share_table(shares, first, last)
    categories = list(dict.fromkeys(wide["category"]))
    wide = wide.sort_values(["category", "semiconductors"], kind="stable",
                            key=lambda c: c.map(categories.index) if c.name == "category" else c.eq("excluded"))
    rows = []
    for row in wide.to_dict("records"):
        name = CATEGORY_LABELS.get(row["category"], row["category"])
        suffix = "" if row["semiconductors"] == "included" else ", excl. semiconductor groups"
        cells = [f"{row[str(y)]:.2f}" for y in years] + [f"{row['change_pp']:.2f}", f"{row['change_pct']:.1f}"]
        rows.append(TextRow(name + suffix, tuple(cells)))
    return Table(
        title="Imports of the technology groups as a share of GDP",
        column_groups=(*((str(y), 1) for y in years), ("Change, pp", 1), ("Change, %", 1)),
        panels=(),
        indicators=tuple(rows),
        notes=(
            *notes,
            SHARE_NOTE.format(first=first, last=last),
            PUBLISHED_SHARES_NOTE,
        ),
        label=label,
        numbered=False,
        stub="Imports",
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-able rows (months as ``YYYY-MM``)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in out.to_dict("records")]


def import_substitution_bundle(source, progress, *, weights: str = WEIGHTS,
                               windows: tuple[Window, ...] = WINDOWS) -> BundleContent:
    """The bundle content of the import-substitution study (the entry of ``SPECIAL_STUDIES``).

    Parameters
    ----------
    source : scripts.pipeline.DataSource
        Where the raw folder comes from (a fresh demo or ``--data DIR``).
    progress : scripts.progress.Progress
        Told of the data and estimation steps.
    weights : {"linear", "equal"}
        Weights of the growth index.
    windows : tuple of Window
        Windows of the indices; the matrix shows the first.

    Returns
    -------
    report.bundle.BundleContent

    Raises
    ------
    InputError
        With ``--panel`` (the study needs raw files), or from the inputs.
    """
    from report.manifest import build_manifest, file_record

    progress.step(f"{STUDY}: customs imports and GDP")
    inputs = find_inputs(Path(source.imports_folder()))
    groups, imports = read_imports(inputs)
    gdp = read_gdp(inputs.gdp)
    progress.step(f"{STUDY}: indices in {len(windows)} windows")
    monthly = group_monthly(imports, groups)
    indices = group_indices(monthly, groups.groups, windows=windows, weights=weights, ddof=DDOF)

    simulated = source.choice.demo or _simulated_folder(inputs)
    group_note = (
        "Technology groups: the project's approximate HS6 mapping of Naughton and Fang's 17 groups "
        "(panel/reference/hs_groups.csv), not their own HS8 list."
        if inputs.groups is None else f"Technology groups: the list in {inputs.groups.name}."
    )
    data_notes = (*((SIMULATED_NOTE,) if simulated else ()), group_note)
    notes = (*data_notes, METHOD_NOTE.format(weights=WEIGHTS_TEXT[weights]))
    figure_note = SIMULATED_NOTE if simulated else ""
    several = len(groups.batches) > 1
    tables, figures, shares_by_batch = {}, {}, {}
    for batch in groups.batches:
        stem = f"{STUDY}_{batch}" if several else STUDY
        batch_label = (f"Batch: {batch}.",) if several else ()
        table_notes = (*notes, *batch_label)
        batch_indices = indices[indices["batch"] == batch]
        batch_monthly = monthly[monthly["batch"] == batch]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            shares = gdp_shares(batch_monthly, groups.groups, gdp)
        shares_by_batch[batch] = shares
        share_notes = (*data_notes, *batch_label, *(f"Note: {w.message}." for w in caught))
        for table in (
            matrix_table(indices, batch=batch, label=f"{stem}_matrix", notes=table_notes, window=windows[0].name),
            index_table(indices, batch=batch, label=f"{stem}_indices", notes=table_notes),
            share_table(shares, label=f"{stem}_gdp_shares", notes=share_notes),
        ):
            tables[table.label] = table
        figures[f"{stem}_series_by_pattern"] = partial(plot_series_by_pattern, batch_monthly, batch_indices,
                                                       window=windows[0].name, note=figure_note)
        figures[f"{stem}_growth_volatility"] = partial(plot_growth_volatility, batch_indices,
                                                       window=windows[0].name, note=figure_note)
        figures[f"{stem}_gdp_shares"] = partial(plot_gdp_shares, shares, note=figure_note)

    options = {
        "weights": weights,
        "ddof": DDOF,
        "windows": [{"name": w.name, "first": w.first, "last": w.last} for w in windows],
        "matrix_window": windows[0].name,
        "thresholds": {"growth": GROWTH_THRESHOLD, "volatility": VOLATILITY_THRESHOLD,
                       "medium_volatility_floor": MEDIUM_VOLATILITY_FLOOR},
    }
    group_file = inputs.groups or bundled_path()
    files = [file_record(p) for p in (*inputs.customs, inputs.gdp, group_file)]
    manifest = build_manifest(
        study={"name": STUDY, "implementation": f"{__name__}:import_substitution_bundle", "options": options},
        data={**source.choice.describe(), "simulated": simulated, "files": files,
              "hs_groups": {"source": groups.source, "file": str(group_file), "batches": groups.batches}},
        panel={},
    )
    results = {
        "study": STUDY,
        "simulated": simulated,
        "options": options,
        "hs_groups": groups.source,
        "indices": _records(indices),
        "gdp_shares": {batch: _records(shares) for batch, shares in shares_by_batch.items()},
    }
    return BundleContent(tables=tables, figures=figures, results=results, manifest=manifest)


def _simulated_folder(inputs: ImportInputs) -> bool:
    """Whether the folder holds the demo's imports (its truth file sits beside them)."""
    return (inputs.gdp.parent / TRUTH_FILE).is_file()

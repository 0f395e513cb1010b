"""The import-substitution study rendered: three tables and three figures per batch of the group list.

Renders :class:`models.import_substitution_study.ImportSubstitutionResults`:
the 2x3 matrix with the groups listed in its cells, the per-group index
table, imports as a share of GDP with the change between the first and last
full years (as :class:`report.table.Table`), and the figures of
:mod:`report.import_substitution_figures`.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from models.import_substitution import (
    BANDS,
    GROWTH_THRESHOLD,
    MEDIUM_VOLATILITY_FLOOR,
    PATTERNS,
    VOLATILITY_THRESHOLD,
)
from models.import_substitution_study import STUDY, ImportSubstitutionResults
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
from report.page.content import Figure
from report.table import Table, TextRow

#: short pattern names for the index table's cells
PATTERN_SHORT = {"stockpiling": "stockpiling", "no_discernible_effect": "no effect",
                 "import_substitution": "substitution"}
CATEGORY_LABELS = {"capital": "Capital goods", "intermediate": "Intermediate goods",
                   "consumption": "Consumption goods", "capital_and_intermediate": "Capital and intermediate goods"}
WINDOW_LABELS = {"whole": "Whole period", "pre_2019": "Before 2019", "post_2019": "From 2019"}
EMPTY_CELL = "—"
TITLE = "Import substitution in China's technology imports"
DESCRIPTION = (
    "Naughton and Fang's test of self-reliance on customs data: for each technology group, the volatility "
    "and growth of monthly imports over each window place it as stockpiling, no discernible effect or "
    "successful import substitution (the growth-by-volatility matrix and the index table); imports of the "
    "groups by category as a share of GDP show whether dependence fell."
)
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
        body=tuple(rows),
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
        body=tuple(rows),
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
        body=tuple(rows),
        notes=(
            *notes,
            SHARE_NOTE.format(first=first, last=last),
            PUBLISHED_SHARES_NOTE,
        ),
        label=label,
        numbered=False,
        stub="Imports",
    )


def import_substitution_tables(results: ImportSubstitutionResults) -> dict[str, Table]:
    """The matrix, index and GDP-share tables of every batch, by label."""
    tables = {}
    for batch, stem, batch_label in _batches(results):
        notes = (*_data_notes(results), *batch_label)
        table_notes = (*_data_notes(results), METHOD_NOTE.format(weights=WEIGHTS_TEXT[results.weights]), *batch_label)
        share_notes = (*notes, *(f"Note: {w}." for w in results.share_warnings[batch]))
        for table in (
            matrix_table(results.indices, batch=batch, label=f"{stem}_matrix", notes=table_notes,
                         window=results.windows[0].name),
            index_table(results.indices, batch=batch, label=f"{stem}_indices", notes=table_notes),
            share_table(results.shares[batch], label=f"{stem}_gdp_shares", notes=share_notes),
        ):
            tables[table.label] = table
    return tables


def import_substitution_figures(results: ImportSubstitutionResults) -> dict[str, Figure]:
    """The figures of every batch, captioned: name -> :class:`report.page.content.Figure`."""
    note = SIMULATED_NOTE if results.simulated else ""
    window = results.windows[0].name
    span = window_span(results.indices, window)
    figures: dict[str, Figure] = {}
    for batch, stem, batch_label in _batches(results):
        indices = results.indices[results.indices["batch"] == batch]
        monthly = results.monthly[results.monthly["batch"] == batch]
        caption = " ".join((*batch_label, note)).strip()
        figures[f"{stem}_series_by_pattern"] = Figure(
            partial(plot_series_by_pattern, monthly, indices, window=window, note=note),
            f"Monthly imports of the technology groups by pattern, {span}", caption)
        figures[f"{stem}_growth_volatility"] = Figure(
            partial(plot_growth_volatility, indices, window=window, note=note),
            f"Growth and volatility indices of the technology groups, {span}", caption)
        figures[f"{stem}_gdp_shares"] = Figure(
            partial(plot_gdp_shares, results.shares[batch], note=note),
            "Imports of the technology groups as a share of GDP", caption)
    return figures


def _batches(results: ImportSubstitutionResults) -> list[tuple[str, str, tuple[str, ...]]]:
    """(batch, file stem, batch note) of each batch; one batch keeps the plain stem and no note."""
    several = len(results.batches) > 1
    return [(batch, f"{STUDY}_{batch}" if several else STUDY, (f"Batch: {batch}.",) if several else ())
            for batch in results.batches]


def _data_notes(results: ImportSubstitutionResults) -> tuple[str, ...]:
    group_note = (
        "Technology groups: the project's approximate HS6 mapping of Naughton and Fang's 17 groups "
        "(panel/reference/hs_groups.csv), not their own HS8 list."
        if results.group_file is None else f"Technology groups: the list in {results.group_file}."
    )
    return (*((SIMULATED_NOTE,) if results.simulated else ()), group_note)

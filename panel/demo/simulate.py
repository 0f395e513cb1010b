"""Generate the whole demo data set and write it to a folder.

:func:`generate` builds the canonical tables (column names and types of
:mod:`data_schemas.raw`) and the ground truth; :func:`write_demo` renders the
tables through their layouts (:mod:`panel.sources.formats`) with one writer,
adds ``ground_truth.json`` and ``README.txt``, and moves the folder into place
in one step.  Everything is a function of the seed and the number of firms:
the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from panel.demo.cases import plant_cases
from panel.demo.customs_transactions import write_customs_transactions
from panel.demo.financials import BALANCE_COLUMNS, INCOME_COLUMNS, simulate_financials
from panel.demo.firms import (
    annual_info_table,
    company_table,
    listed_firm_years,
    simulate_firms,
    simulate_st_prefixes,
)
from panel.demo.imports import write_imports_demo
from panel.demo.params import FIRST_SUPPLIER_YEAR, MAX_FIRMS, MIN_FIRMS, DemoParams
from panel.demo.patents import KINDS, patent_counts_table, patent_records_table, simulate_patent_counts
from panel.demo.suppliers import observed_foreign_share_pre, simulate_supplier_firms, simulate_suppliers
from panel.demo.treatment import (
    exposure_table,
    simulate_designations,
    simulate_huawei_suppliers,
    simulate_sanctions,
)
from panel.demo.truth import ground_truth
from panel.demo.writer import WrittenFile, write_table
from panel.files import atomic_directory, replaceable
from panel.jobs import JobRunner, largest_first
from panel.sources.formats import LAYOUTS

GROUND_TRUTH_FILE = "ground_truth.json"
README_FILE = "README.txt"
#: the random streams, one per step, in a fixed order (adding one at the end keeps the others)
STEPS = (
    "firms", "st", "sanctions", "huawei", "designations", "supplier_firms", "suppliers_pre",
    "suppliers_post", "patents", "patent_counts", "patent_records", "financials",
)
#: fixed decimals of float columns, per table
DECIMALS: dict[str, dict[str, int]] = {
    "balance_sheet": dict.fromkeys(BALANCE_COLUMNS, 2),
    "income_statement": dict.fromkeys(INCOME_COLUMNS, 2),
    "market_value": {"market_value": 2, "tobin_q": 4},
    "subsidies": {"subsidy": 2},
    "patent_counts": {f"{kind}_apply_{who}": 0 for kind in KINDS for who in ("own", "joint")},
    "suppliers": {"purchase_share": 2},
}


@dataclass(frozen=True)
class DemoData:
    """A generated demo data set.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Canonical raw tables keyed by table name (keys of
        :data:`panel.sources.formats.LAYOUTS`).
    truth : dict
        The ground-truth document.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict


def file_name(table: str) -> str:
    """The demo's file name of a canonical table (``FS_Combas.csv`` ...)."""
    return f"{LAYOUTS[table].file_stem}.csv"


def check_size(n_firms: int) -> None:
    """Raise :class:`InputError` unless ``n_firms`` is within what the simulator supports."""
    if not MIN_FIRMS <= n_firms <= MAX_FIRMS:
        raise InputError(
            f"--firms {n_firms} is out of range",
            fix=f"choose between {MIN_FIRMS} and {MAX_FIRMS} firms (default 4000)",
        )


def generate(seed: int = 0, n_firms: int = 4000, params: DemoParams | None = None) -> DemoData:
    """Simulate every raw table and the ground truth.

    Parameters
    ----------
    seed : int
        Seed of all random draws.
    n_firms : int
        Number of firms (MIN_FIRMS..MAX_FIRMS).
    params : DemoParams, optional
        Planted parameters (defaults: :class:`DemoParams`).

    Returns
    -------
    DemoData
    """
    check_size(n_firms)
    params = params or DemoParams()
    rng = dict(zip(STEPS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STEPS)))))

    firms = simulate_firms(rng["firms"], n_firms, params)
    firm_years = listed_firm_years(firms)
    st_prefix = simulate_st_prefixes(rng["st"], firms, firm_years)
    sanctions = simulate_sanctions(rng["sanctions"], firms, params)
    huawei = simulate_huawei_suppliers(rng["huawei"], firms, sanctions, params)
    designations = simulate_designations(rng["designations"], firms, params)

    supplier_firms = simulate_supplier_firms(rng["supplier_firms"], firms)
    year = firm_years["year"]
    pre = firm_years[(year >= FIRST_SUPPLIER_YEAR) & (year < params.cutoff_year)].reset_index(drop=True)
    suppliers_pre = simulate_suppliers(rng["suppliers_pre"], firms, pre, supplier_firms, np.zeros(len(pre)), params).table
    exposure = exposure_table(firms, sanctions, huawei, observed_foreign_share_pre(suppliers_pre, params), params)
    post = firm_years[year >= params.cutoff_year].reset_index(drop=True)
    post_fi = post["fi"].to_numpy()
    effect = np.where(
        exposure["exposed"].to_numpy()[post_fi],
        np.where(
            firms["upstream"].to_numpy()[post_fi],
            params.foreign_share_upstream_effect,
            params.foreign_share_downstream_effect,
        ),
        0.0,
    )
    suppliers_post = simulate_suppliers(rng["suppliers_post"], firms, post, supplier_firms, effect, params)
    suppliers = pd.concat([suppliers_pre, suppliers_post.table]).sort_values(["firm_id", "year", "rank"], ignore_index=True)

    giant_year = firms["firm_id"].map(designations.set_index("firm_id")["year"]).fillna(0).astype("int64").to_numpy()
    counts = simulate_patent_counts(
        rng["patents"],
        firms,
        firm_years,
        exposure["first_treat_year"].to_numpy(),
        exposure["sanctioned"].to_numpy(),
        giant_year,
        params,
    )
    financials = simulate_financials(
        rng["financials"],
        firms,
        firm_years,
        counts.total("invention"),
        exposure["exposed"].to_numpy(),
        st_prefix != "",
        params,
    )
    tables = {
        "company": company_table(firms),
        "annual_info": annual_info_table(firms, firm_years, st_prefix),
        "balance_sheet": financials.balance_sheet,
        "income_statement": financials.income_statement,
        "market_value": financials.market_value,
        "subsidies": financials.subsidies,
        "patent_counts": patent_counts_table(rng["patent_counts"], firm_years, counts),
        "patent_records": patent_records_table(rng["patent_records"], firms, firm_years, counts),
        "suppliers": suppliers,
        "sanctions": sanctions,
        "huawei_suppliers": huawei,
        "designations": designations,
    }
    truth = ground_truth(
        seed=seed,
        params=params,
        firms=firms,
        firm_years=firm_years,
        exposure=exposure,
        sanctions=sanctions,
        designations=designations,
        counts=counts,
        supplier_shift=(post, suppliers_post.share_shift),
        st_prefix=st_prefix,
        financials=financials,
        suppliers=suppliers,
        tables=tables,
        file_names={name: file_name(name) for name in tables},
    )
    tables, truth = plant_cases(tables, truth, firms)
    return DemoData(tables=tables, truth=truth)


def readme_text(data: DemoData, files: list[WrittenFile]) -> str:
    """The README.txt written beside the files."""
    truth = data.truth
    lines = [
        "SIMULATED DATA - NOT REAL FIRMS",
        "",
        truth["description"],
        "",
        f"Generated by `chokepoint demo` with seed {truth['seed']} and {truth['n_firms']} firms, "
        f"years {truth['years'][0]}-{truth['years'][1]}.",
        "The files use the raw layouts of CSMAR (two extra header rows: Chinese labels, units; UTF-8 with BOM),",
        "CNRDS (one extra header row: Chinese labels) and the project's plain layouts (panel/sources/formats.py).",
        "The data-generating process and every planted effect are documented in panel/demo/README.md;",
        f"the planted values and the firm ids of each group are in {GROUND_TRUTH_FILE}.",
        "",
        "Files (data rows):",
    ]
    lines += [f"  {f.name:<28} {f.rows:>10,}" for f in files]
    lines += ["", "Build the panel with: chokepoint build --data <this folder> --out panel.parquet", ""]
    return "\n".join(lines)


def write_files(data: DemoData, folder: Path, written: list[WrittenFile]) -> list[WrittenFile]:
    """Write ground_truth.json and README.txt (listing the tables ``written``) into ``folder``; return all files."""
    written = list(written)
    truth_path = folder / GROUND_TRUTH_FILE
    truth_path.write_text(json.dumps(data.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append(WrittenFile(GROUND_TRUTH_FILE, 0, truth_path.stat().st_size))
    readme_path = folder / README_FILE
    readme_path.write_text(readme_text(data, written), encoding="utf-8")
    written.append(WrittenFile(README_FILE, 0, readme_path.stat().st_size))
    return written


def write_demo(out_dir: str | Path, *, seed: int = 0, n_firms: int = 4000, force: bool = False,
               run: JobRunner | None = None) -> list[WrittenFile]:
    """Generate the demo data and write it to ``out_dir`` in one step.

    Parameters
    ----------
    out_dir : str or Path
        Folder to create; an existing non-empty folder is refused unless ``force``,
        and even then unless it is an earlier demo (holds ``ground_truth.json``).
    seed : int
        Seed of all random draws.
    n_firms : int
        Number of firms.
    force : bool
        Replace an earlier demo in ``out_dir``.
    run : callable, optional
        A job runner (:mod:`panel.jobs`, e.g. :meth:`runs.parallel.Workers.run`):
        each table, the commodity imports and the customs transactions are
        written by a job of their own; by default here, one after another.
        The files are the same.

    Returns
    -------
    list of WrittenFile
        What was written (name, data rows, bytes).

    Raises
    ------
    InputError
        For a non-empty ``out_dir`` without ``force`` or not written by the demo,
        or ``n_firms`` out of range.
    """
    out_dir = Path(out_dir)
    check_size(n_firms)
    replaceable(out_dir, force=force, marker=GROUND_TRUTH_FILE)  # before the work, and again when writing
    data = generate(seed, n_firms)
    groups, cutoff = data.truth["groups"], data.truth["params"]["cutoff_year"]
    with atomic_directory(out_dir, force=force, marker=GROUND_TRUTH_FILE) as folder:
        tables = [partial(write_table, table, LAYOUTS[name], folder / file_name(name), DECIMALS.get(name))
                  for name, table in data.tables.items()]
        others = [partial(_write_imports, folder, seed),
                  partial(_write_transactions, folder, seed, data.tables["company"]["firm_id"], set(groups["exposed"]),
                          cutoff)]
        # the commodity imports and transactions, of no size known beforehand, first; then the largest tables
        sizes = [*(table.size for table in data.tables.values()), *(float("inf") for _ in others)]
        done = largest_first(run, [*tables, *others], sizes)
        written = write_files(data, folder, done[:len(tables)])
        for files in done[len(tables):]:
            written += files
    return written


def _write_imports(folder: Path, seed: int) -> list[WrittenFile]:
    return [_written(path) for path in write_imports_demo(folder, seed=seed).values()]


def _write_transactions(folder: Path, seed: int, firm_ids: pd.Series, exposed: set[str], cutoff: int) -> list[WrittenFile]:
    return [_written(path) for path in write_customs_transactions(folder, seed, firm_ids, exposed, cutoff)]


def _written(path: Path) -> WrittenFile:
    return WrittenFile(path.name, _data_rows(path), path.stat().st_size)


def _data_rows(path: Path) -> int:
    """Data rows of a plain CSV written by the demo (0 for other files)."""
    if path.suffix != ".csv":
        return 0
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def simulate(out_dir: str | Path, seed: int = 0, n_firms: int = 4000, force: bool = False, *,
             run: JobRunner | None = None) -> Path:
    """Write a demo data set to ``out_dir`` and return the folder (for tests and notebooks).

    ``run`` writes the files side by side, as in :func:`write_demo`.

    Examples
    --------
    >>> folder = simulate(tmp_path / "demo", seed=1, n_firms=200)  # doctest: +SKIP
    >>> sorted(p.name for p in folder.iterdir())[:3]  # doctest: +SKIP
    ['CNRDS_PatentApply.csv', 'FI_T10.csv', 'FS_Combas.csv']
    """
    write_demo(out_dir, seed=seed, n_firms=n_firms, force=force, run=run)
    return Path(out_dir)

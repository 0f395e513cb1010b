"""The Spark engine (local mode) gives exactly the DuckDB engine's results on the same input.

Slow (a Spark session takes seconds to start, minutes on a loaded machine):
deselected by default, run by CI with ``pytest -m spark``.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover - CI installs a JRE
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

from models.compressed import fit_compressed  # noqa: E402
from models.spec import Spec  # noqa: E402
from panel.engines import get_engine  # noqa: E402
from panel.sources.customs_transactions import aggregate_customs_transactions  # noqa: E402
from panel.sources.patents import aggregate_patent_records  # noqa: E402
from tests.test_engines_records import TRANSACTIONS  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def spark():
    engine = get_engine("spark", master="local[2]")
    yield engine
    engine.stop()


@pytest.mark.parametrize("form", ["csv", "parquet-parts"])
def test_patent_aggregates_are_identical_on_the_demo_records(small_demo, tmp_path, spark, form):
    path = small_demo / "patent_records.csv"
    if form == "parquet-parts":
        frame = pd.read_csv(path, dtype=str)
        path = tmp_path / "parts"
        path.mkdir()
        for i in range(4):
            frame.iloc[i::4].to_parquet(path / f"part-{i}.parquet")
    duck = aggregate_patent_records(path)
    spk = aggregate_patent_records(path, engine=spark)
    assert duck.aggregation.n_rows == spk.aggregation.n_rows > 10_000
    pd.testing.assert_frame_equal(spk.firm_year, duck.firm_year)
    pd.testing.assert_frame_equal(spk.semiconductor_share, duck.semiconductor_share)


def test_customs_aggregates_and_bad_rows_are_identical(tmp_path, spark):
    path = tmp_path / "transactions.csv"
    path.write_text(TRANSACTIONS + "000001,85423100,201913,5,US\n", encoding="utf-8")
    duck = aggregate_customs_transactions(path, max_bad_share=0.2)
    spk = aggregate_customs_transactions(path, engine=spark, max_bad_share=0.2)
    for name in ("hs8_month", "firm_year", "firm_year_group"):
        pd.testing.assert_frame_equal(getattr(spk, name), getattr(duck, name))
    for result in (spk, duck):
        assert [(b.check.column, b.count, b.example, b.lines) for b in result.aggregation.bad] == [
            ("month", 1, "201913", (8,))
        ]


def test_cells_padded_with_unicode_spaces_are_trimmed_alike(tmp_path, spark):
    from tests.test_engines_records import PADDED_TRANSACTIONS

    path = tmp_path / "padded.csv"
    path.write_text(PADDED_TRANSACTIONS, encoding="utf-8")
    duck = aggregate_customs_transactions(path, max_bad_share=0.2)
    spk = aggregate_customs_transactions(path, engine=spark, max_bad_share=0.2)
    for name in ("hs8_month", "firm_year", "firm_year_group"):
        pd.testing.assert_frame_equal(getattr(spk, name), getattr(duck, name))
    assert [(b.check.column, b.count, b.lines) for b in spk.aggregation.bad] == [
        (b.check.column, b.count, b.lines) for b in duck.aggregation.bad]


def test_spark_numbers_the_lines_of_csv_parts_and_aligns_their_columns(tmp_path, spark):
    from tests.test_engines_records import csv_parts

    columns = TRANSACTIONS.splitlines()[0].split(",")
    headers = [columns, columns[::-1], [f" {c.upper()} " for c in columns[2:] + columns[:2]]]
    text = TRANSACTIONS + "600000,85423100,202001,7,JP\n000001,84864000,2019-05,3,US\n000001,85423100,201913,5,US\n"
    folder = csv_parts(tmp_path, text, headers)
    duck = aggregate_customs_transactions(folder, max_bad_share=0.2)
    spk = aggregate_customs_transactions(folder, engine=spark, max_bad_share=0.2)
    for name in ("hs8_month", "firm_year", "firm_year_group"):
        pd.testing.assert_frame_equal(getattr(spk, name), getattr(duck, name))
    assert spk.aggregation.report() == duck.aggregation.report().replace("(duckdb)", "(spark)")
    assert [(b.file, b.lines) for b in spk.aggregation.bad] == [(str(folder / "part-2.csv"), (4,))]


def test_compression_is_identical_and_fits_equal(tmp_path, spark):
    rng = np.random.default_rng(3)
    n = 5_000
    records = pd.DataFrame(
        {
            "firm": rng.integers(0, 80, n),
            "year": rng.integers(2015, 2021, n),
            "treated": rng.integers(0, 2, n).astype(float),
        }
    )
    records["y"] = 1.0 + 0.5 * records["treated"] + rng.normal(size=n)
    path = tmp_path / "records.parquet"
    records.to_parquet(path)
    keys = ["firm", "year", "treated"]
    duck, spk = get_engine("duckdb").compress(path, keys, "y"), spark.compress(path, keys, "y")
    pd.testing.assert_frame_equal(
        spk.cells.astype({k: "int64" for k in ("firm", "year")}),
        duck.cells.astype({k: "int64" for k in ("firm", "year")}),
        rtol=1e-12,
    )
    spec = Spec("y", ["treated"], fixed_effects=["firm", "year"], cluster=["firm"])
    np.testing.assert_allclose(fit_compressed(spk, spec).coef, fit_compressed(duck, spec).coef, rtol=1e-12)

"""Time record-level aggregation at national scale: patent records and customs transactions.

The script generates the data itself (with DuckDB, as Parquet in a temporary
folder under /tmp that is deleted at the end, also on Ctrl-C), then runs each
task as its own process, so its peak resident memory (``ru_maxrss``) and CPU
time are its own:

* ``patents``: patent records -> firm-year application and grant counts and
  the semiconductor share (5,000 firms), our DuckDB engine against a peer
  (pyarrow reads the columns, pandas counts distinct patents per firm-year)
  in the same run, and optionally our Spark engine (``--spark``);
* ``patents-large``: the same at a size that does not fit a pandas peer,
  DuckDB engine with a memory limit;
* ``customs``: transactions (firm, HS8, month, value, origin) -> HS8-month
  series and firm-year shares from the US and its allies.

CPU seconds are printed beside wall seconds, and the load average before and
after, because the machine may be shared: wall time under load overstates the
cost, CPU time does not.

Usage::

    python bench/bench_records.py                              # 20M patent records
    python bench/bench_records.py --patents 2e6 --customs 2e6  # a quick run
    python bench/bench_records.py --large 100e6 --large-memory 3GB --customs 200e6
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_FIRMS = 5_000

ENGINE_TASK = """
import sys
sys.path.insert(0, {root!r})
from panel.engines import get_engine
engine = get_engine({engine!r}, **{options!r})
if {kind!r} == "patents":
    from panel.sources.patents import aggregate_patent_records
    out = aggregate_patent_records({path!r}, engine=engine).firm_year
    print("invention applications", int(out["invention_apply"].sum()), "firm-years", int((out.iloc[:, 2:5].sum(axis=1) > 0).sum()))
else:
    from panel.sources.customs_transactions import aggregate_customs_transactions
    result = aggregate_customs_transactions({path!r}, engine=engine)
    print("import value", round(float(result.firm_year["import_value"].sum()), 1), "firm-years", len(result.firm_year),
          "HS8-months", len(result.hs8_month))
"""

PANDAS_PEER = """
import pyarrow.compute as pc, pyarrow.parquet as pq
table = pq.read_table({path!r}, columns=["patent_id", "Scode", "application_date", "patent_type"])
t = table.append_column("year", pc.year(table["application_date"])).drop_columns(["application_date"]).to_pandas()
counts = t.groupby(["Scode", "year", "patent_type"])["patent_id"].nunique().unstack(fill_value=0)
print("invention applications", int(counts["invention"].sum()), "firm-years", len(counts))
"""


def generate_patents(path: Path, n: int) -> None:
    """``n`` patent records of 5,000 firms, 2005-2024, a third without grant, 10 % semiconductor IPC."""
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")
        con.execute(
            f"""COPY (
                SELECT 'SIM' || i::VARCHAR AS patent_id,
                       lpad((1 + hash(i) % {N_FIRMS})::VARCHAR, 6, '0') AS Scode,
                       DATE '2005-01-01' + (hash(i + 1) % 7300)::INTEGER AS application_date,
                       CASE WHEN i % 3 = 0 THEN NULL
                            ELSE DATE '2005-01-01' + (hash(i + 1) % 7300 + 400)::INTEGER END AS grant_date,
                       ['invention', 'utility_model', 'design'][1 + i % 3] AS patent_type,
                       CASE WHEN i % 10 = 0 THEN 'H01L 21/00' ELSE 'G06F 1/00' END AS ipc
                FROM range({n}) t(i)
            ) TO '{path}' (FORMAT parquet)"""
        )


def generate_customs(path: Path, n: int) -> None:
    """``n`` transactions of 5,000 firms, 400 HS8 codes, 2015-2024, 12 origins."""
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")
        con.execute(
            f"""COPY (
                SELECT lpad((1 + hash(i) % {N_FIRMS})::VARCHAR, 6, '0') AS Stkcd,
                       (85000000 + (hash(i + 7) % 400) * 1000 + 100)::VARCHAR AS hs8,
                       (2015 + i % 10) * 100 + 1 + (i // 10) % 12 AS month,
                       (hash(i + 3) % 100000) / 10.0 AS value_usd,
                       ['US', 'JP', 'KR', 'TW', 'DE', 'NL', 'CN', 'VN', 'MY', 'FR', 'GB', 'SG'][(1 + hash(i + 5) % 12)::BIGINT]
                         AS origin
                FROM range({n}) t(i)
            ) TO '{path}' (FORMAT parquet)"""
        )


def measure(code: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MB) and last output line of ``code`` run in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    assert process.stdout is not None and process.stderr is not None  # both piped above
    out, err = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"task failed ({process.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=float, default=20e6, help="patent records (0 to skip)")
    parser.add_argument("--memory", default="1GB", help="DuckDB memory limit for the patent and customs runs")
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas peer")
    parser.add_argument("--spark", action="store_true", help="also run the Spark engine (local[*]) on the patents")
    parser.add_argument("--large", type=float, default=0, help="patent records for the large run (e.g. 100e6)")
    parser.add_argument("--large-memory", default="3GB", help="DuckDB memory limit of the large run")
    parser.add_argument("--customs", type=float, default=0, help="customs transactions (e.g. 200e6)")
    args = parser.parse_args()

    rows = []
    load_before = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="chokepoint-bench-", dir="/tmp"))
    try:
        for label, n, memory in (
            ("patents", args.patents, args.memory),
            ("patents-large", args.large, args.large_memory),
        ):
            if not n:
                continue
            path = scratch / f"{label}.parquet"
            started = time.perf_counter()
            generate_patents(path, int(n))
            print(f"generated {int(n):,} patent records in {time.perf_counter() - started:.0f} s", flush=True)
            runs = [("duckdb", {"memory_limit": memory}, f"duckdb ({memory})")]
            if label == "patents" and args.spark:
                runs.append(("spark", {}, "spark local[*]"))
            for engine, options, name in runs:
                code = ENGINE_TASK.format(
                    root=str(ROOT), engine=engine, options=options, kind="patents", path=str(path)
                )
                rows.append((label, int(n), name, *measure(code)))
            if label == "patents" and not args.no_peer:
                rows.append((label, int(n), "pandas peer", *measure(PANDAS_PEER.format(path=str(path)))))
            path.unlink()
        if args.customs:
            path = scratch / "customs.parquet"
            started = time.perf_counter()
            generate_customs(path, int(args.customs))
            print(f"generated {int(args.customs):,} transactions in {time.perf_counter() - started:.0f} s", flush=True)
            options = {"memory_limit": args.memory}
            code = ENGINE_TASK.format(root=str(ROOT), engine="duckdb", options=options, kind="customs", path=str(path))
            rows.append(("customs", int(args.customs), f"duckdb ({args.memory})", *measure(code)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    load_after = os.getloadavg()

    print(
        f"\n{'task':<14} {'rows':>13} {'engine':<16} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  peer/ours (wall, cpu)"
    )
    peers = {r[0]: r[3:5] for r in rows if r[2] == "pandas peer"}
    for task, count, engine, wall, cpu, peak, _ in rows:
        ratio = ""
        if task in peers and engine != "pandas peer":
            ratio = f"{peers[task][0] / wall:.2f}, {peers[task][1] / cpu:.2f}"
        print(f"{task:<14} {count:>13,} {engine:<16} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f}  {ratio}")
    print(f"\nload average (1/5/15 min) before {load_before}, after {load_after}; {os.cpu_count()} cores")
    for task, _count, engine, *_, out in rows:
        print(f"{task} {engine}: {out}")


if __name__ == "__main__":
    main()

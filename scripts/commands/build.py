"""``chokepoint build``: raw files -> firm-year panel (Parquet), codebook and drop log."""

from __future__ import annotations

from pathlib import Path

import click

from scripts.options import data_options, jobs_option


@click.command(name="build")
@data_options(panel=False)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("panel.parquet"),
              show_default=True, help="Panel file to write; the codebook and drop log go beside it.")
@click.option("--sample", default="all", show_default=True, help="Named sample (see 'chokepoint samples') or a file of firm ids.")
@click.option("--cutoff-year", type=int, default=2019, show_default=True, help="First post-sanction year.")
@click.option("--sanction-date", type=click.Choice(["effective", "announcement"]), default="effective",
              show_default=True, help="Which Entity-List date dates a sanction.")
@click.option("--winsorize", type=click.Choice(["none", "pooled", "by_year"]), default="none", show_default=True,
              help="Winsorize ratios at 1/99 %, pooled or within each year.")
@click.option("--force", is_flag=True, help="Overwrite an existing panel file.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Engine that aggregates patent-level records (spark needs the [spark] extra and Java).")
@click.option("--spark-master", default="local[*]", show_default=True,
              help="Spark master with --engine spark: local[*] or a cluster URL (spark://host:7077, yarn).")
@jobs_option("writing the demo and reading the raw tables")
def command(data_dir: Path | None, demo: bool, out: Path, sample: str, cutoff_year: int, sanction_date: str,
            winsorize: str, seed: int, firms: int, force: bool, engine: str, spark_master: str, jobs: int) -> None:
    """Build the firm-year panel from raw files.

    Reads every raw table found in the folder, applies the standard filters
    (annual consolidated statements; no finance, ST/*ST/PT, leverage > 1 or
    negative equity), derives the variables of the codebook and the treatment
    timing, and writes the panel with its codebook and the log of every
    dropped row.

    \b
    Examples:
      chokepoint build --demo --out demo_panel.parquet
      chokepoint build --data csmar_exports --sample high_tech --winsorize by_year
      chokepoint build --data csmar_exports --sample my_firms.csv --out mine.parquet
      chokepoint build --data cnipa --engine spark --spark-master spark://head:7077
    """
    import tempfile

    from panel.assemble.options import BuildOptions
    from panel.engines import get_engine
    from panel.files import check_output_folder, refuse_existing
    from panel.firm_panel import companion_paths
    from runs.data import READER_MODULES, DataChoice, DataSource
    from runs.parallel import Workers

    if out.suffix.lower() != ".parquet":
        raise click.UsageError(f"--out {out}: the panel is written as Parquet; name it *.parquet")
    check_output_folder(out.parent, "the folder of --out")
    choice = DataChoice(demo=demo, data_dir=data_dir, seed=seed, firms=firms, panel_allowed=False)
    refuse_existing(companion_paths(out).values(), force=force)
    options = BuildOptions(cutoff_year=cutoff_year, sanction_date=sanction_date, winsorize=winsorize)
    records_engine = get_engine("spark", master=spark_master) if engine == "spark" else None  # None: DuckDB
    with (tempfile.TemporaryDirectory(prefix="chokepoint-demo-") as tmp,
          Workers(jobs, preload=READER_MODULES) as workers):
        panel = DataSource(choice, Path(tmp), engine=records_engine, run=workers.run).panel(options, sample)
    paths = panel.save(out, force=force)
    dropped = panel.drop_log.groupby(["stage", "reason"], sort=False).size()
    click.echo(f"Panel: {len(panel.data):,} firm-years, {panel.n_firms:,} firms, "
               f"{panel.data['year'].min()}-{panel.data['year'].max()}, sample '{panel.sample}'")
    if demo:
        click.echo("Data: SIMULATED demo (not real firms).")
    click.echo("Dropped rows:")
    for (stage, reason), n in dropped.items():
        click.echo(f"  {n:>9,}  {stage}: {reason}")
    for kind, path in paths.items():
        click.echo(f"Wrote {kind}: {path}")

"""``chokepoint build``: raw files -> firm-year panel (Parquet), codebook and drop log."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="build")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of raw files (CSMAR/CNRDS exports, supplier disclosures, treatment inputs).")
@click.option("--demo", is_flag=True, help="Build from a fresh simulated demo instead of --data.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("panel.parquet"),
              show_default=True, help="Panel file to write; the codebook and drop log go beside it.")
@click.option("--sample", default="all", show_default=True, help="Named sample (see 'chokepoint samples') or a file of firm ids.")
@click.option("--cutoff-year", type=int, default=2019, show_default=True, help="First post-sanction year.")
@click.option("--sanction-date", type=click.Choice(["effective", "announcement"]), default="effective",
              show_default=True, help="Which Entity-List date dates a sanction.")
@click.option("--winsorize", type=click.Choice(["none", "pooled", "by_year"]), default="none", show_default=True,
              help="Winsorize ratios at 1/99 %, pooled or within each year.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the demo (with --demo).")
@click.option("--firms", type=int, default=4000, show_default=True, help="Number of demo firms (with --demo).")
@click.option("--force", is_flag=True, help="Overwrite an existing panel file.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Engine that aggregates patent-level records (spark needs the [spark] extra and Java).")
@click.option("--spark-master", default="local[*]", show_default=True,
              help="Spark master with --engine spark: local[*] or a cluster URL (spark://host:7077, yarn).")
def command(data_dir: Path | None, demo: bool, out: Path, sample: str, cutoff_year: int, sanction_date: str,
            winsorize: str, seed: int, firms: int, force: bool, engine: str, spark_master: str) -> None:
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
    if demo == (data_dir is not None):
        raise click.UsageError("give exactly one of --data DIR or --demo")
    from panel.build.builder import build_panel
    from panel.build.options import BuildOptions
    from panel.engines import get_engine
    from panel.files import check_output_folder, refuse_existing
    from panel.firm_panel import companion_paths
    from panel.samples import select_sample
    from panel.sources import load_folder

    if out.suffix.lower() != ".parquet":
        raise click.UsageError(f"--out {out}: the panel is written as Parquet; name it *.parquet")
    check_output_folder(out.parent, "the folder of --out")
    refuse_existing(companion_paths(out).values(), force=force)
    options = BuildOptions(cutoff_year=cutoff_year, sanction_date=sanction_date, winsorize=winsorize)
    records_engine = get_engine(engine, **({"master": spark_master} if engine == "spark" else {}))
    if demo:
        import tempfile

        from panel.demo import simulate

        with tempfile.TemporaryDirectory(prefix="chokepoint-demo-") as tmp:
            raw = load_folder(
                simulate(Path(tmp) / "demo", seed=seed, n_firms=firms), cutoff_year=cutoff_year, engine=records_engine
            )
    else:
        raw = load_folder(data_dir, cutoff_year=cutoff_year, engine=records_engine)
    panel = select_sample(build_panel(raw, options), sample)
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

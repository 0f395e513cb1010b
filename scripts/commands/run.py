"""``chokepoint run``: run a study (or all) into reproducible run bundles."""

from __future__ import annotations

from pathlib import Path

import click

from scripts.options import data_options, jobs_option


@click.command(name="run")
@click.argument("study")
@data_options(panel=True)
@click.option("--sample", help="Named sample (see 'chokepoint samples') or a file of firm ids.")
@click.option("--out", "out_root", type=click.Path(file_okay=False, path_type=Path), default=Path("results"),
              show_default=True, help="Where bundles go: OUT/<study>/<run>/.")
@click.option("--name", "run_name", help="Run folder name (default: the UTC time stamp).")
@click.option("--format", "formats", default="latex,md,html,csv,docx", show_default=True,
              help="Table formats, comma-separated: latex, md, html, csv, docx.")
@click.option("--stars", default="0.1,0.05,0.01", show_default=True, help="p-value thresholds, or 'none'.")
@click.option("--se", "second_row", default="se", show_default=True, help="Under each coefficient: se, t, p, ci or none.")
@click.option("--force", is_flag=True, help="Replace an existing run folder of the same name.")
@jobs_option("reading the data, estimating the studies and drawing their figures")
def command(study: str, demo: bool, data_dir: Path | None, panel_file: Path | None, sample: str | None, out_root: Path,
            run_name: str | None, formats: str, stars: str, second_row: str, seed: int, firms: int, force: bool,
            jobs: int) -> None:
    """Run STUDY (a built-in name, a TOML file, or 'all') and write its run bundle.

    A bundle holds every table in every requested format (LaTeX fragment and
    standalone document), the figures (PDF and PNG), results.json (re-render
    with 'chokepoint table') and a manifest (study, sample, input hashes,
    package versions, seed). An existing run is never replaced without --force.

    \b
    Examples:
      chokepoint run all --demo
      chokepoint run returns_to_innovation --data csmar_exports --sample high_tech
      chokepoint run my_study.toml --panel panel.parquet --format latex --name draft1
    """
    from report.bundle import parse_formats
    from report.style import Style
    from runs import DataChoice, default_run_name, run_studies, study_names
    from scripts.commands.table import parse_stars
    from scripts.progress import Progress

    choice = DataChoice(demo=demo, data_dir=data_dir, panel_file=panel_file, seed=seed, firms=firms)
    style = Style(stars=parse_stars(stars), second_row=second_row)
    written = run_studies(
        study_names(study, choice), choice, sample=sample, out_root=out_root, run_name=run_name or default_run_name(),
        formats=parse_formats(formats), style=style, force=force, jobs=jobs,
        progress_factory=Progress,
    )
    for path in written:
        click.echo(f"Wrote {path}")
    if demo:
        click.echo("Data: SIMULATED demo (not real firms).")

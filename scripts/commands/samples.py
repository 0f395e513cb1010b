"""``chokepoint samples``: the named firm samples, their definitions and sizes."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="samples")
@click.option("--panel", "panel_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A panel built by 'chokepoint build'; gives each sample's size in it.")
def command(panel_path: Path | None) -> None:
    """List the named firm samples with their definitions (and sizes in a panel).

    Any of these names, or a file of firm ids (one per line, or a CSV with a
    firm_id or Stkcd column), can be passed to --sample.

    \b
    Examples:
      chokepoint samples
      chokepoint samples --panel panel.parquet
    """
    from panel.samples import SAMPLES

    if panel_path is None:
        width = max(len(name) for name in SAMPLES)
        for sample in SAMPLES.values():
            click.echo(f"{sample.name:<{width}}  {sample.definition}")
        click.echo("\nPass --panel FILE to see each sample's size.")
        return
    from panel.firm_panel import load_panel
    from panel.samples import sample_sizes

    sizes = sample_sizes(load_panel(panel_path))
    width = int(sizes["sample"].str.len().max())
    click.echo(f"{'sample':<{width}}  {'firms':>7}  {'firm-years':>10}  definition")
    for row in sizes.itertuples():
        click.echo(f"{row.sample:<{width}}  {row.firms:>7,}  {row.firm_years:>10,}  {row.definition}")

"""``chokepoint demo``: write simulated raw files (CSMAR/CNRDS layouts) to a folder."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="demo")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder to create (refused if it exists and is not empty, unless --force).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of all random draws.")
@click.option("--firms", "n_firms", type=int, default=4000, show_default=True, help="Number of simulated firms.")
@click.option("--force", is_flag=True, help="Replace the contents of a non-empty --out folder.")
def command(out_dir: Path, seed: int, n_firms: int, force: bool) -> None:
    """Write simulated raw files (CSMAR/CNRDS layouts) to a folder.

    The files look like the exports a researcher has (TRD_Co, FS_Combas,
    FS_Comins, FI_T10, STK_LISTEDCOINFOANL with their label and unit rows;
    CNRDS patent counts; patent records; top-five suppliers; Entity-List
    events, Huawei suppliers, Little Giant designations), generated from a
    documented process with planted effects.  ground_truth.json holds the
    planted values and the firm ids of each group.  The same seed and size
    give byte-identical files.  THE DATA ARE SIMULATED.

    \b
    Examples:
      chokepoint demo --out demo_data
      chokepoint demo --out small_demo --firms 300 --seed 7
      chokepoint demo --out demo_data --force
    """
    from panel.demo import write_demo

    written = write_demo(out_dir, seed=seed, n_firms=n_firms, force=force)
    click.echo(f"Wrote simulated demo data (seed {seed}, {n_firms:,} firms) to {out_dir}:")
    for item in written:
        rows = f"{item.rows:>10,} rows" if item.name.endswith(".csv") else " " * 15
        click.echo(f"  {item.name:<26} {rows} {item.size_bytes / 1e6:>9.2f} MB")
    click.echo("SIMULATED DATA - not real firms; planted effects are in ground_truth.json.")

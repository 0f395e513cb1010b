"""``chokepoint case``: a firm dossier and its counterfactuals, written to one folder."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="case")
@click.argument("firms", nargs=-1, required=True)
@click.option("--demo", is_flag=True, help="Use a fresh simulated demo.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder of raw files.")
@click.option("--panel", "panel_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A panel written by 'chokepoint build'.")
@click.option("--name", "label", help="Name of the case (default: the firm codes).")
@click.option("--synth", "outcomes", multiple=True, default=("invention_apply", "foreign_supplier_share"),
              show_default=True, help="Outcome for synthetic control and synthetic DiD (repeatable; 'none' for none).")
@click.option("--donors", "scope", type=click.Choice(["industry", "section", "all"]), default="industry",
              show_default=True, help="Donor pool: never-exposed firms listed before --start, in the case's "
              "industries, their sections, or any.")
@click.option("--start", type=int, default=2019, show_default=True, help="First treated year of the counterfactuals.")
@click.option("--out", "out_root", type=click.Path(file_okay=False, path_type=Path), default=Path("results/cases"),
              show_default=True, help="Folder under which the case's folder is written.")
@click.option("--seed", type=int, default=0, show_default=True, help="Demo seed (with --demo).")
@click.option("--firms", "n_firms", type=int, default=4000, show_default=True, help="Demo firms (with --demo).")
@click.option("--force", is_flag=True, help="Replace an existing folder of the same case.")
def command(firms: tuple[str, ...], demo: bool, data_dir: Path | None, panel_file: Path | None, label: str | None,
            outcomes: tuple[str, ...], scope: str, start: int, out_root: Path, seed: int, n_firms: int, force: bool) -> None:
    """Dossier of FIRM (or of the group FIRM FIRM ...): time lines against the industry band,
    events, a facts table, and synthetic control / synthetic DiD with placebos.

    \b
    Examples:
      chokepoint case 000013 --demo
      chokepoint case 300024 002747 --data csmar_exports --name robots --synth invention_apply
    """
    import tempfile

    from models.case_study import estimate_case
    from panel.assemble.options import BuildOptions
    from panel.case_dossier import case_data
    from panel.files import atomic_directory, refuse_existing
    from report.case_study import write_case_study
    from runs.data import DataChoice, DataSource

    choice = DataChoice(demo=demo, data_dir=data_dir, panel_file=panel_file, seed=seed, firms=n_firms)
    with tempfile.TemporaryDirectory() as workdir:
        source = DataSource(choice, Path(workdir))
        panel = source.panel(BuildOptions(), None).data
        sanctions = None
        if choice.panel_file is None:
            from panel.sources import load_folder

            sanctions = load_folder(source.raw_folder()).get("sanctions")
        case = case_data(panel, firms, label=label, sanctions=sanctions)
        target = out_root / case.label
        refuse_existing([target], force=force)
        study = estimate_case(panel, case, outcomes=[o for o in outcomes if o != "none"], start=start, scope=scope)
        note = "Simulated demo data (not real firms)." if demo else ""
        with atomic_directory(target, marker="case.json", force=force) as folder:
            write_case_study(study, folder, note=note)
    click.echo(f"Wrote {target}")
    for fact in study.dossier.facts:
        value = "n/a" if fact.value is None else f"{fact.value:.4f}"
        click.echo(f"  {fact.claim}: {value}")
    for fit in study.counterfactuals:
        r = fit.result
        se = "n/a" if r.std_error is None else f"{r.std_error:.3f}"
        click.echo(f"  {r.method} on {r.outcome}: {r.estimate:.3f} (placebo SE {se}, rank p {fit.placebo.p_value:.3f})")
    if demo:
        click.echo("Data: SIMULATED demo (not real firms).")

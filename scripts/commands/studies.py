"""``chokepoint studies``: the built-in studies."""

from __future__ import annotations

import click


@click.command(name="studies")
def command() -> None:
    """List the built-in studies with their titles and files.

    Copy a file, edit it and run it with 'chokepoint run my_study.toml --demo';
    the format is documented in the README.

    \b
    Example:
      chokepoint studies
    """
    from models.studies import builtin_studies, load_study
    from runs import BUILTIN_KINDS

    for name, path in builtin_studies().items():
        click.echo(f"{name:<26} {load_study(name).title}\n{'':<26} {path}")
    for name in BUILTIN_KINDS:
        click.echo(f"{name:<26} (built into the program; needs --demo or --data DIR)")

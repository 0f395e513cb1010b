"""Entry point of the ``chokepoint`` command.

Sub-commands live in :mod:`scripts.commands`, one module each, and are imported
only when named, so ``chokepoint --help`` stays fast.  Library errors
(:class:`data_schemas.errors.InputError`) become one ``Error:`` line and exit
code 2.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

import click

from data_schemas.errors import InputError

#: the sub-commands, each the module of that name under scripts.commands
COMMANDS = ("build", "demo", "did", "fit", "indices", "report", "run", "samples", "studies", "table")


def summary(name: str) -> str:
    """The first line of a command's docstring, read from its source without importing it (fast ``--help``)."""
    spec = importlib.util.find_spec(f"scripts.commands.{name}")
    source = Path(spec.origin).read_text(encoding="utf-8") if spec and spec.origin else ""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            return (ast.get_docstring(node) or "").splitlines()[0]
    return ""


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"scripts.commands.{cmd_name}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary(name)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            ctx.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chokepoint-panel")
def main() -> None:
    """chokepoint: firm-level panel econometrics of the technology blockade.

    \b
    Start with the simulated demo:
      chokepoint demo --out demo_data
      chokepoint build --data demo_data --out panel.parquet
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

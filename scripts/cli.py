"""Entry point of the ``chokepoint`` command.

Sub-commands live in :mod:`scripts.commands`, one module each, and are imported
only when named, so ``chokepoint --help`` stays fast.  Library errors
(:class:`data_schemas.errors.InputError`) become one ``Error:`` line and exit
code 2; library warnings become ``Warning:`` lines; any other exception becomes one ``Error:`` line naming the command,
its input and the step that failed, with exit code 1 (the traceback only with
``--debug``); Ctrl-C stops with exit code 130.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import warnings
from pathlib import Path

import click

from data_schemas.errors import InputError, failed_step

#: exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it
INTERRUPTED = 130

#: the sub-commands, each the module of that name under scripts.commands
COMMANDS = ("build", "case", "demo", "did", "fit", "indices", "report", "run", "samples", "studies", "synth", "table")


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
        arguments = list(ctx.args)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default", UserWarning)
                warnings.showwarning = show_warning
                return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("Error: interrupted (Ctrl-C); no output was written", err=True)
            ctx.exit(INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            command_line = " ".join(["chokepoint", ctx.invoked_subcommand or "", *arguments])
            click.echo(f"Error: {unexpected_error(exc, command_line)}", err=True)
            ctx.exit(1)


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ARG001
    """Print a library's warning as one ``Warning:`` line (user warnings only; others are for developers)."""
    if issubclass(category, UserWarning):
        click.echo(f"Warning: {message}", err=True)


def unexpected_error(exc: Exception, command_line: str) -> str:
    """One line for an exception no check caught: the command line, the step, the exception.

    Examples
    --------
    >>> unexpected_error(ValueError("bad\\nmore"), "chokepoint did x.csv")
    "'chokepoint did x.csv' failed (ValueError: bad); rerun with --debug to see the traceback"
    """
    step = failed_step(exc)
    detail = (str(exc).strip().splitlines() or [""])[0]
    return (f"'{command_line}' failed{f' while {step}' if step else ''} ({type(exc).__name__}: {detail}); "
            "rerun with --debug to see the traceback")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chokepoint-panel")
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected error.")
def main(debug: bool) -> None:
    """chokepoint: firm-level panel econometrics of the technology blockade.

    \b
    Start with the simulated demo:
      chokepoint demo --out demo_data
      chokepoint build --data demo_data --out panel.parquet
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

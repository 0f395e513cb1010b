"""Command-line options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def data_options(*, panel: bool) -> Callable[[F], F]:
    """``--demo``, ``--data DIR`` (and ``--panel FILE`` when ``panel``), ``--seed`` and ``--firms``.

    The command receives ``demo``, ``data_dir``, (``panel_file``,) ``seed`` and
    ``firms``; :class:`runs.data.DataChoice` checks that exactly one source is given.
    """
    options = [
        click.option("--demo", is_flag=True, help="Use a fresh simulated demo."),
        click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder of raw files (CSMAR/CNRDS exports, supplier disclosures, treatment inputs)."),
        *([click.option("--panel", "panel_file", type=click.Path(dir_okay=False, path_type=Path),
                        help="A panel built by 'chokepoint build'.")] if panel else []),
        click.option("--seed", type=int, default=0, show_default=True, help="Demo seed (with --demo)."),
        click.option("--firms", type=int, default=4000, show_default=True, help="Demo firms (with --demo)."),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def jobs_option(what: str) -> Callable[[F], F]:
    """``--jobs N``: how many processes do ``what`` side by side (the command receives ``jobs``, every core by default)."""
    return click.option("--jobs", type=int, callback=_every_core_by_default,
                        help=f"Processes {what} side by side (default and most: every core available; 1 does one "
                        "thing at a time). The output is the same whatever the number.")


def _every_core_by_default(ctx: click.Context, param: click.Parameter, value: int | None) -> int:
    from runs.parallel import usable_cores

    return usable_cores() if value is None else value


def names(text: str | None) -> tuple[str, ...]:
    """``"a, b"`` -> ``("a", "b")``; nothing -> ``()``.

    Examples
    --------
    >>> names("firm_id, year"), names(None)
    (('firm_id', 'year'), ())
    """
    return tuple(part.strip() for part in text.split(",") if part.strip()) if text else ()

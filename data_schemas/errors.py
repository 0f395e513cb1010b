"""The one error type that reaches the user as a single ``Error:`` line.

Every layer (sources, panel builder, models, reporter) raises :class:`InputError`
for problems the user can fix: a missing column, a value of the wrong type, a
duplicate firm-year, an empty sample.  The CLI turns it into one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import SupportsInt

MAX_ROWS_SHOWN = 5


class InputError(Exception):
    """A problem with the user's input, described well enough to fix it.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"duplicate firm-year"``.
    file : str or Path, optional
        The file the problem was found in.
    column : str, optional
        The offending column.
    rows : iterable of int, optional
        Offending row numbers (line numbers in the file where a file is known;
        only the first few are shown).
    fix : str, optional
        What the user should do about it.

    Examples
    --------
    >>> str(InputError("expected a number, got 'n/a'", file="FS_Combas.csv",
    ...                column="A001000000", rows=[4, 9], fix="clean the export"))
    "FS_Combas.csv: column 'A001000000': expected a number, got 'n/a' (rows 4, 9); clean the export"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        column: str | None = None,
        rows: Iterable[int] | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.column = column
        self.rows = [] if rows is None else [int(r) for r in rows]
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message, without the ``Error:`` prefix."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.column:
            parts.append(f"column '{self.column}'")
        text = ": ".join(parts + [self.problem])
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" and {len(self.rows) - MAX_ROWS_SHOWN} more" if len(self.rows) > MAX_ROWS_SHOWN else ""
            noun = "row" if len(self.rows) == 1 else "rows"
            text += f" ({noun} {shown}{more})"
        if self.fix:
            text += f"; {self.fix}"
        return text

    def __str__(self) -> str:
        return self.message


def line_number(position: SupportsInt, file: str | Path | None) -> int:
    """The line of a data row in ``file`` (one header line), or its 0-based position when there is no file.

    Examples
    --------
    >>> line_number(0, "wages.csv"), line_number(0, None)
    (2, 0)
    """
    return int(position) + 2 if file else int(position)


def closest(name: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) choices nearest to ``name``, compared case-insensitively, best first.

    The one similarity rule behind every did-you-mean of the project
    (:func:`difflib.get_close_matches` on lower-cased names).

    Examples
    --------
    >>> closest("SUBSIDY", ["subsidies", "firms", "patents"])
    ['subsidies']
    >>> closest("zzz", ["iid"])
    []
    """
    by_lower = {str(choice).lower(): str(choice) for choice in choices}
    return [by_lower[match] for match in difflib.get_close_matches(str(name).lower(), list(by_lower), n=n,
                                                                    cutoff=cutoff)]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A hint naming the closest of ``choices`` to ``name`` (case-insensitive), or ``""``.

    Examples
    --------
    >>> did_you_mean("cluter", ["iid", "hc1", "cluster"])
    "did you mean 'cluster'?"
    >>> did_you_mean("zzz", ["iid"])
    ''
    """
    match = closest(name, choices)
    return f"did you mean '{match[0]}'?" if match else ""


def unknown_choice(value: str, choices: Iterable[str], *, what: str, file: str | Path | None = None,
                   column: str | None = None, listing: bool = True, where: str = "") -> InputError:
    """The error for a ``value`` that is not one of ``choices``: a did-you-mean hint and the choices.

    Parameters
    ----------
    value : str
        What the user gave.
    choices : iterable of str
        What exists.
    what : str
        What the value names, e.g. ``"vcov"`` (the message says ``unknown vcov 'x'``).
    file, column : optional
        Where the value was found.
    listing : bool
        Whether to list the choices after a hint (a hint alone when false; the
        choices are always listed when there is no hint).
    where : str
        Where the value was given, added after it, e.g. ``"in [firms]"``.

    Examples
    --------
    >>> str(unknown_choice("cluter", ["iid", "cluster"], what="vcov"))
    "unknown vcov 'cluter'; did you mean 'cluster'? (choices: iid, cluster)"
    >>> str(unknown_choice("x", ["iid", "cluster"], what="vcov"))
    "unknown vcov 'x'; choose from iid, cluster"
    >>> str(unknown_choice("fiel", ["file", "columns"], what="key", where="in [firms]", file="sources.toml"))
    "sources.toml: unknown key 'fiel' in [firms]; did you mean 'file'? (choices: file, columns)"
    """
    names = [str(c) for c in choices]
    hint = did_you_mean(value, names)
    if hint:
        fix = f"{hint} (choices: {', '.join(names)})" if listing else hint
    else:
        fix = f"choose from {', '.join(names) or '(none)'}"
    return InputError(f"unknown {what} '{value}'" + (f" {where}" if where else ""), file=file, column=column,
                      fix=fix)


def check_choice(value: str, choices: Iterable[str], *, what: str, file: str | Path | None = None,
                 column: str | None = None, listing: bool = True, where: str = "") -> None:
    """Raise :func:`unknown_choice`'s error unless ``value`` is one of ``choices``.

    Examples
    --------
    >>> check_choice("hc1", ["iid", "hc1"], what="vcov")
    """
    names = [str(c) for c in choices]
    if value not in names:
        raise unknown_choice(value, names, what=what, file=file, column=column, listing=listing, where=where)


def missing_column(name: str, available: Iterable[str], *, file: str | Path | None = None,
                   where: str = "") -> InputError:
    """The error for a column ``name`` that is not among ``available``: a hint or the columns there are.

    Examples
    --------
    >>> str(missing_column("unoin", ["union", "year"], file="wages.csv"))
    "wages.csv: column 'unoin': no such column; did you mean 'union'?"
    >>> str(missing_column("x", ["union", "year"], where="in the panel"))
    "column 'x': no such column in the panel; the columns are: union, year"
    """
    have = [str(c) for c in available]
    listing = ", ".join(have[:20]) + (" ..." if len(have) > 20 else "")
    return InputError("no such column" + (f" {where}" if where else ""), file=file, column=name,
                      fix=did_you_mean(name, have) or f"the columns are: {listing}")


def check_columns(wanted: Iterable[str], available: Iterable[str], *, file: str | Path | None = None,
                  where: str = "") -> None:
    """Raise :func:`missing_column`'s error for the first of ``wanted`` not among ``available``.

    Examples
    --------
    >>> check_columns(["year"], ["union", "year"])
    """
    have = [str(c) for c in available]
    for name in wanted:
        if name not in have:
            raise missing_column(name, have, file=file, where=where)


#: prefix of the exception note that :func:`during` adds
STEP_NOTE = "chokepoint step: "


@contextmanager
def during(step: str) -> Iterator[None]:
    """Name the step an unexpected exception escaped from, for the CLI's ``Error:`` line.

    An :class:`InputError` passes unchanged (it already says what is wrong);
    any other exception gets a note ``step`` unless an inner step named it
    first, so the innermost step is reported.

    Examples
    --------
    >>> with during("reading FS_Combas.csv"):                        # doctest: +SKIP
    ...     frame = parse(path)
    """
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        if failed_step(exc) is None:
            exc.add_note(STEP_NOTE + step)
        raise


def failed_step(exc: BaseException) -> str | None:
    """The step :func:`during` recorded on ``exc``, if any."""
    for note in getattr(exc, "__notes__", ()):
        if note.startswith(STEP_NOTE):
            return note[len(STEP_NOTE):]
    return None

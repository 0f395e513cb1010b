"""The one error type that reaches the user as a single ``Error:`` line.

Every layer (sources, panel builder, models, reporter) raises :class:`InputError`
for problems the user can fix: a missing column, a value of the wrong type, a
duplicate firm-year, an empty sample.  The CLI turns it into one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

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

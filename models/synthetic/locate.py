"""Where bad rows are: file line numbers when the table came from a file, else unit and period."""

from __future__ import annotations

import pandas as pd

from data_schemas.errors import MAX_ROWS_SHOWN


def locate_rows(problem: str, frame: pd.DataFrame, bad: pd.Series, *, unit: str, time: str,
                line_numbers: bool) -> tuple[str, list[int] | None]:
    """The problem text and the rows to report for the rows flagged in ``bad``.

    With ``line_numbers`` the index of ``frame`` holds the file's line numbers and
    they are returned as rows; otherwise the rows are named by unit and period in
    the problem text, since a position in a table means nothing to the reader.

    Examples
    --------
    >>> frame = pd.DataFrame({"u": ["a", "a", "b"], "t": [1, 2, 1]}, index=[2, 3, 4])
    >>> locate_rows("infinite value", frame, frame.t == 1, unit="u", time="t", line_numbers=True)
    ('infinite value', [2, 4])
    >>> locate_rows("infinite value", frame, frame.t == 1, unit="u", time="t", line_numbers=False)
    ('infinite value (a 1, b 1)', None)
    """
    if line_numbers:
        return problem, [int(row) for row in frame.index[bad]]
    pairs = list(dict.fromkeys(f"{u} {t}" for u, t in zip(frame.loc[bad, unit], frame.loc[bad, time], strict=True)))
    more = f" and {len(pairs) - MAX_ROWS_SHOWN} more" if len(pairs) > MAX_ROWS_SHOWN else ""
    return f"{problem} ({', '.join(pairs[:MAX_ROWS_SHOWN])}{more})", None

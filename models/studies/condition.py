"""A small, safe condition language for study subsamples (no ``eval``).

A condition is one or more comparisons joined by ``and``::

    supplier_coverage == 1
    upstream == 1 and year >= 2012
    industry != 'C39'

Each comparison is ``column OP value`` with ``OP`` one of ``== != < <= > >=``
and ``value`` a number or a quoted string.  A row whose column is missing
fails every comparison, so it is left out.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from data_schemas.errors import InputError

OPERATORS: dict[str, Callable] = {
    "==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_COMPARISON = re.compile(
    r"""^\s*(?P<column>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>==|!=|<=|>=|<|>)\s*"""
    r"""(?P<value>'[^']*'|"[^"]*"|[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$"""
)
_AND = re.compile(r"\s+and\s+")


@dataclass(frozen=True)
class Comparison:
    """``column OP value``."""

    column: str
    op: str
    value: float | str

    def mask(self, data: pd.DataFrame) -> pd.Series:
        """Rows where the comparison holds (missing values never hold)."""
        column = data[self.column]
        if isinstance(self.value, str):
            column = column.astype("string")
        else:
            column = pd.to_numeric(column, errors="coerce").astype(float)
        return OPERATORS[self.op](column, self.value).fillna(False).astype(bool)


@dataclass(frozen=True)
class Condition:
    """Comparisons that must all hold; ``text`` is what the user wrote."""

    text: str
    comparisons: tuple[Comparison, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the condition reads."""
        return tuple(dict.fromkeys(c.column for c in self.comparisons))

    def mask(self, data: pd.DataFrame) -> pd.Series:
        """Rows of ``data`` where every comparison holds."""
        keep = pd.Series(True, index=data.index)
        for comparison in self.comparisons:
            keep &= comparison.mask(data)
        return keep


def parse_condition(text: str) -> Condition:
    """Read a condition such as ``"supplier_coverage == 1 and upstream == 0"``.

    Raises
    ------
    InputError
        If a part is not ``column OP value``.

    Examples
    --------
    >>> parse_condition("supplier_coverage == 1").comparisons
    (Comparison(column='supplier_coverage', op='==', value=1.0),)
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("a condition must be a non-empty string", fix="write e.g. 'supplier_coverage == 1'")
    comparisons = []
    for part in _AND.split(text.strip()):
        match = _COMPARISON.match(part)
        if match is None:
            raise InputError(
                f"cannot read the condition part {part.strip()!r} of {text!r}",
                fix="write comparisons 'column OP value' (OP one of == != < <= > >=, text values quoted) joined by 'and'",
            )
        raw = match["value"]
        value: float | str = raw[1:-1] if raw[0] in "'\"" else float(raw)
        comparisons.append(Comparison(match["column"], match["op"], value))
    return Condition(text=text.strip(), comparisons=tuple(comparisons))

"""How numbers are shown: significance stars, the row under each coefficient, digits and their format."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from data_schemas.errors import InputError, check_choice
from report.numbers import NUMBER_FORMATS

SECOND_ROWS = ("se", "t", "p", "ci", "none")
DEFAULT_STARS: tuple[float, ...] = (0.10, 0.05, 0.01)


@dataclass(frozen=True)
class Style:
    """Display options shared by every renderer.

    Parameters
    ----------
    stars : tuple of float
        p-value thresholds, loosest first, one star each (``()`` for none,
        the AER style).
    second_row : {"se", "t", "p", "ci", "none"}
        What goes in parentheses under each coefficient.
    digits : int
        Decimals of coefficients, their second row and ratio statistics
        (significant digits with ``numbers="significant"``).
    numbers : {"auto", "fixed", "significant"}
        How ``digits`` is read (:mod:`report.numbers`): ``auto`` adds decimals
        where a non-zero number would show fewer than two significant digits,
        ``fixed`` never does.
    """

    stars: tuple[float, ...] = DEFAULT_STARS
    second_row: str = "se"
    digits: int = 3
    numbers: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "stars", tuple(float(s) for s in self.stars))
        check_choice(self.second_row, SECOND_ROWS, what="second row")
        if any(not 0 < s < 1 for s in self.stars) or list(self.stars) != sorted(self.stars, reverse=True):
            raise InputError(
                f"star thresholds {list(self.stars)} must be p-values in (0, 1), loosest first",
                fix="e.g. 0.1,0.05,0.01",
            )
        if not 0 <= self.digits <= 10:
            raise InputError(f"digits must be between 0 and 10, got {self.digits}")
        check_choice(self.numbers, NUMBER_FORMATS, what="number format")
        if self.numbers == "significant" and self.digits == 0:
            raise InputError("significant digits must be at least 1, got 0")

    def for_table(self, table: Any) -> Style:
        """This style with the choices a table makes for itself (:data:`report.table.TABLE_STYLE`) in force."""
        from report.table import TABLE_STYLE

        own = {key: getattr(table, key) for key in TABLE_STYLE if getattr(table, key, None) is not None}
        return replace(self, **own) if own else self

    def stars_for(self, pvalue: float) -> str:
        """The stars earned by ``pvalue`` (one per threshold it is below)."""
        return "*" * sum(pvalue < s for s in self.stars)

    @property
    def star_legend(self) -> str | None:
        """E.g. ``* p<0.10, ** p<0.05, *** p<0.01``, from the same thresholds; None without stars."""
        if not self.stars:
            return None
        return ", ".join(f"{'*' * (i + 1)} p<{_threshold(s)}" for i, s in enumerate(self.stars))

    @property
    def second_row_note(self) -> str | None:
        """What the parentheses hold, for the notes."""
        return {
            "se": "Standard errors in parentheses.",
            "t": "t statistics in parentheses.",
            "p": "p-values in parentheses.",
            "ci": "95 % confidence intervals in brackets.",
            "none": None,
        }[self.second_row]


def _threshold(value: float) -> str:
    """0.1 -> '0.10', 0.05 -> '0.05', 0.001 -> '0.001'."""
    text = f"{value:.3f}".rstrip("0")
    return text + "0" * max(0, 4 - len(text))

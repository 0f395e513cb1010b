"""Numbers as table text: decimals, significant digits, thousands separators, no negative zero.

Three ways to choose the decimals of a number, named by :data:`NUMBER_FORMATS`:

``"auto"`` (the default)
    ``digits`` decimals, and more where a non-zero number would otherwise
    show fewer than ``MIN_SIGNIFICANT`` significant digits, so that no
    standard error prints as ``0.000``: 0.00042 -> ``0.00042``.
``"fixed"``
    Exactly ``digits`` decimals (a non-zero number may print as ``0.000``).
``"significant"``
    ``digits`` significant digits: 0.0123456 -> ``0.0123``, 123.456 -> ``123``.

In every format a number that rounds to zero prints without a minus sign,
and thousands are separated by commas (``12,345.678``).
"""

from __future__ import annotations

import math

NUMBER_FORMATS = ("auto", "fixed", "significant")
#: significant digits the ``auto`` format always shows of a non-zero number
MIN_SIGNIFICANT = 2
#: the most decimals any format shows
MAX_DECIMALS = 10


def _leading_exponent(value: float) -> int:
    """The power of ten of the first significant digit (0.0042 -> -3, 42 -> 1)."""
    return math.floor(math.log10(abs(value)))


def decimals_for(value: float, digits: int, how: str = "auto") -> int:
    """The number of decimals ``value`` is printed with.

    Parameters
    ----------
    value : float
        A finite number.
    digits : int
        Decimals (``auto``, ``fixed``) or significant digits (``significant``).
    how : {"auto", "fixed", "significant"}
        See the module docstring.
    """
    if how == "fixed" or value == 0:
        return digits if how != "significant" else max(0, digits - 1)
    exponent = _leading_exponent(value)
    if how == "significant":
        wanted = digits - 1 - exponent
    else:
        wanted = max(digits, MIN_SIGNIFICANT - 1 - exponent)
    decimals = min(max(0, wanted), MAX_DECIMALS)
    # rounding can carry into a new leading digit (0.000996 -> 0.0010): one decimal fewer then suffices
    if how == "significant" and decimals > 0 and _leading_exponent(round(value, decimals)) > exponent:
        decimals -= 1
    return decimals


def format_number(value: float | None, digits: int = 3, how: str = "auto") -> str:
    """``value`` as table text ('' for a missing value).

    Examples
    --------
    >>> format_number(-0.0004), format_number(0.00042), format_number(-0.00004, how="fixed")
    ('-0.00040', '0.00042', '0.000')
    >>> format_number(12345.6789), format_number(0.0123456, how="significant"), format_number(None)
    ('12,345.679', '0.0123', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    decimals = decimals_for(value, digits, how)
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        return text[1:]
    return text

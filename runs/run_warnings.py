"""The warnings a study raises while its data are read and its models estimated, kept for its bundle."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def recording(into: list[str]) -> Iterator[None]:
    """Append the text of every user warning raised inside to ``into``, in order, and raise them again on leaving.

    Raised again, they still reach the console (``chokepoint`` prints each as a
    ``Warning:`` line); warnings of other categories pass through unrecorded.

    Examples
    --------
    >>> seen = []
    >>> with warnings.catch_warnings(record=True), recording(seen):
    ...     warnings.warn("only 2 clusters")
    >>> seen
    ['only 2 clusters']
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            into.append(str(warning.message))
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def distinct(texts: list[str]) -> tuple[str, ...]:
    """Each warning once, where it first appeared."""
    return tuple(dict.fromkeys(texts))

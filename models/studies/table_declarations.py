"""``[[tables]]`` entries of a study file: which models make a table and how it looks, checked before estimating.

The keys name the reporter's choices (:mod:`report.regression`,
:mod:`report.stacking`, :class:`report.style.Style`); their vocabularies are
read from there, so a table declared here is one the reporter can build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from data_schemas.errors import did_you_mean
from models.studies.declarations import Entry, Where, check_names

TABLE_KINDS = ("regression", "staggered", "panels")
#: keys of a regression table (and of a panels table) that a staggered table does not have
REGRESSION_ONLY = ("keep", "drop", "order", "rename", "controls_row", "statistics", "extra_rows", "row_digits")
#: keys of a ``[[tables.panels]]`` entry
PANEL_KEYS = ("title", "models")


def _statistic_names() -> tuple[str, ...]:
    from report.regression import STATISTIC_NAMES

    return STATISTIC_NAMES


@dataclass(frozen=True)
class TablePanel:
    """One panel of a ``kind = "panels"`` table: its title ("Panel A: <title>") and models (one per column)."""

    title: str
    models: tuple[str, ...]

    @classmethod
    def read(cls, table: Mapping[str, Any], at: Where) -> TablePanel:
        at.check_keys(table, PANEL_KEYS, PANEL_KEYS)
        return cls(at.required_text(table, "title"), at.names(table, "models"))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        return {"title": self.title, "models": list(self.models)}


def _mapping(at: Where, table: Mapping[str, Any], key: str, example: str) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, Mapping) or not value:
        raise at.error(f"'{key}' must be a table of names and values, got {value!r}", fix=f"write {key} = {example}")
    return dict(value)


def _patterns(at: Where, key: str, patterns: Iterable[str]) -> None:
    """Raise for a ``key`` pattern that is not a regular expression."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise at.error(f"'{key}' pattern '{pattern}' is not a regular expression ({exc})",
                           fix=r"e.g. 'event_.*' or '^(size|leverage)$'") from None


def _choice(at: Where, key: str, value: Any, choices: Sequence[Any], what: str) -> None:
    """Raise ``'key': unknown <what> 'value'`` with a did-you-mean hint unless ``value`` is one of ``choices``."""
    if value not in choices:
        hint = did_you_mean(str(value), [str(c) for c in choices])
        raise at.error(f"'{key}': unknown {what} '{value}'",
                       fix=hint or f"choose from {', '.join(str(c) for c in choices)}")


def _digits(at: Where, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise at.error(f"'{key}' must be a whole number from 0 to 10, got {value!r}", fix=f"write {key} = 3")
    return value


@dataclass(frozen=True)
class TableEntry(Entry):
    """One ``[[tables]]`` declaration, read by the reporter (nothing is estimated).

    ``kind = "regression"`` (the default): one column per model or event
    study.  ``kind = "panels"``: ``panels`` stack several such rows of models
    (the same number each) as Panel A, Panel B ... under one header, with one
    fixed-effect and statistics block for all (``shared = true``) or one per
    panel.  ``kind = "staggered"``: ``models`` names ``[[staggered]]``
    entries, each giving one column per estimator (``column_titles`` then
    title the entries); the keys of :data:`REGRESSION_ONLY` are for the other
    kinds only.
    """

    name: str
    title: str
    models: tuple[str, ...]
    column_titles: tuple[str, ...] = ()
    keep: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    controls_row: bool = True
    notes: str = ""
    kind: str = "regression"
    rename: tuple[tuple[str, str], ...] = ()
    statistics: tuple[str, ...] | None = None
    extra_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    second_row: str | None = None
    digits: int | None = None
    numbers: str | None = None
    row_digits: tuple[tuple[str, int], ...] = ()
    panels: tuple[TablePanel, ...] = ()
    shared: bool = True

    SECTION: ClassVar[str] = "tables"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name",)
    #: keys added after the first format, written by :meth:`to_dict` only when set
    OPTIONAL: ClassVar[tuple[str, ...]] = ("rename", "statistics", "extra_rows", "second_row", "digits", "numbers",
                                           "row_digits", "panels", "shared")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> TableEntry:
        from report.numbers import NUMBER_FORMATS
        from report.style import SECOND_ROWS

        at, name = cls.open(table, file, position)
        kind = at.required_text(table, "kind", "regression")
        at.choice(kind, TABLE_KINDS, "table kind")
        if kind == "staggered":
            for key in (*REGRESSION_ONLY, "panels", "shared"):
                if key in table:
                    raise at.error(f"'{key}' is for regression tables, not staggered ones", fix=f"remove '{key}'")
        panels = cls._panels(table, at, kind)
        models = at.names(table, "models") if kind != "panels" else ()
        if kind != "panels" and not models:
            raise at.error("missing key 'models'", fix="add models = [...]")
        columns = len(panels[0].models) if panels else len(models)
        titles = at.names(table, "column_titles", unique=False)
        if titles and len(titles) != columns:
            raise at.error(f"{len(titles)} column titles for {columns} {'columns' if panels else 'models'}",
                           fix="give one title per column" if panels else "give one title per model")
        keep = at.names(table, "keep") if "keep" in table else None
        drop, order = at.names(table, "drop"), at.names(table, "order")
        for key, patterns in (("keep", keep or ()), ("drop", drop), ("order", order)):
            _patterns(at, key, patterns)
        statistics = at.names(table, "statistics") if "statistics" in table else None
        for statistic in statistics or ():
            _choice(at, "statistics", statistic, _statistic_names(), "statistic")
        second_row, numbers = at.text(table, "second_row"), at.text(table, "numbers")
        if second_row is not None:
            _choice(at, "second_row", second_row, SECOND_ROWS, "second row")
        if numbers is not None:
            _choice(at, "numbers", numbers, NUMBER_FORMATS, "number format")
        digits = None if "digits" not in table else _digits(at, "digits", table["digits"])
        if numbers == "significant" and digits == 0:
            raise at.error("'digits' = 0 with numbers = \"significant\": no digit would show",
                           fix="write digits = 1 or more")
        return cls(name=name, title=at.required_text(table, "title", name), models=models, column_titles=titles,
                   keep=keep, drop=drop, order=order, controls_row=at.flag(table, "controls_row", True),
                   notes=at.required_text(table, "notes", ""), kind=kind, rename=cls._rename(table, at),
                   statistics=statistics, extra_rows=cls._extra_rows(table, at, columns), second_row=second_row,
                   digits=digits, numbers=numbers, row_digits=cls._row_digits(table, at), panels=panels,
                   shared=at.flag(table, "shared", True))

    @staticmethod
    def _panels(table: Mapping[str, Any], at: Where, kind: str) -> tuple[TablePanel, ...]:
        if kind != "panels":
            for key in ("panels", "shared"):
                if key in table:
                    raise at.error(f"'{key}' is for tables of kind = \"panels\"", fix='add kind = "panels"')
            return ()
        if "models" in table:
            raise at.error("'models' and 'panels' both given: a panels table takes its models from its panels",
                           fix="move the models into the [[tables.panels]] entries")
        raw = table.get("panels")
        if not isinstance(raw, list) or len(raw) < 2:
            raise at.error("a panels table needs two or more [[tables.panels]] entries",
                           fix='add [[tables.panels]] with title = "..." and models = [...] for each panel')
        panels = tuple(TablePanel.read(p, Where(at.file, f"{at.label}: panels #{i}")) for i, p in enumerate(raw, 1))
        first = panels[0]
        for panel in panels[1:]:
            if sum(p.title == panel.title for p in panels) > 1:
                raise at.error(f"panel title '{panel.title}' is used twice", fix="give every panel its own title")
            if len(panel.models) != len(first.models):
                raise at.error(f"panel '{panel.title}' has {len(panel.models)} models and panel '{first.title}' "
                               f"has {len(first.models)}", fix="give every panel one model per column")
        return panels

    @staticmethod
    def _rename(table: Mapping[str, Any], at: Where) -> tuple[tuple[str, str], ...]:
        if "rename" not in table:
            return ()
        rename = _mapping(at, table, "rename", '{ "ln_invention_apply" = "Invention applications" }')
        _patterns(at, "rename", rename)
        for pattern, label in rename.items():
            if not isinstance(label, str):
                raise at.error(f"'rename' of '{pattern}' must be a label (a string), got {label!r}")
        return tuple(rename.items())

    @staticmethod
    def _extra_rows(table: Mapping[str, Any], at: Where, columns: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if "extra_rows" not in table:
            return ()
        rows = _mapping(at, table, "extra_rows", '{ Sample = ["All", "Exposed"] }')
        out = []
        for label, cells in rows.items():
            if not isinstance(cells, list) or not all(isinstance(c, str) for c in cells):
                raise at.error(f"'extra_rows' row '{label}' must be a list of texts, got {cells!r}",
                               fix=f'write "{label}" = ["...", "..."], one text per column')
            if len(cells) != columns:
                raise at.error(f"'extra_rows' row '{label}' has {len(cells)} cells for {columns} columns",
                               fix="give one cell per column")
            out.append((label, tuple(cells)))
        return tuple(out)

    @staticmethod
    def _row_digits(table: Mapping[str, Any], at: Where) -> tuple[tuple[str, int], ...]:
        if "row_digits" not in table:
            return ()
        rows = _mapping(at, table, "row_digits", '{ nobs = 0, "ln_.*" = 4 }')
        _patterns(at, "row_digits", [k for k in rows if k not in _statistic_names()])
        return tuple((key, _digits(at, f"row_digits.{key}", value)) for key, value in rows.items())

    @property
    def columns(self) -> tuple[tuple[str, ...], ...]:
        """The models of each panel (one tuple for a table without panels)."""
        return tuple(p.models for p in self.panels) or (self.models,)

    @property
    def all_models(self) -> tuple[str, ...]:
        """Every model the table shows, each once, in order."""
        return tuple(dict.fromkeys(name for models in self.columns for name in models))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys (a staggered table has none of the regression-only ones; later keys only when set)."""
        defaults = {f.name: f.default for f in fields(self)}
        out: dict[str, Any] = {}
        for key, value in super().to_dict().items():
            if self.kind == "staggered" and key in REGRESSION_ONLY or key in self.OPTIONAL and getattr(self, key) == defaults[key]:
                continue
            out[key] = value
        for key in ("rename", "row_digits", "extra_rows"):
            if getattr(self, key):
                out[key] = {k: list(v) if isinstance(v, tuple) else v for k, v in getattr(self, key)}
        if self.panels:
            out["panels"] = [p.to_dict() for p in self.panels]
            out.pop("models", None)
        return out


def check_table(at: Where, table: TableEntry, models: Mapping[str, Any], event_studies: Iterable[str],
                staggered: Iterable[str]) -> None:
    """Check a table's names against the study: its models exist, its patterns match, its panels agree.

    Parameters
    ----------
    at : Where
        The table, for error messages.
    table : TableEntry
        The declaration.
    models : mapping
        The study's ``[[models]]`` entries by name.
    event_studies, staggered : iterable of str
        Names of the study's event studies and staggered entries.
    """
    event_studies, staggered = set(event_studies), sorted(staggered)
    if table.kind == "staggered":
        check_names(at, table.models, staggered, "[[staggered]] entry")
        return
    known = [*models, *event_studies]
    for name in table.all_models:
        if name not in known:
            raise at.error(f"names '{name}', which is not a model or event study of the study",
                           fix=did_you_mean(name, known) or f"choose from {', '.join(known) or '(none declared)'}")
    if any(name in event_studies for name in table.all_models):
        return
    used = [models[name] for name in table.all_models]
    terms = list(dict.fromkeys(t for m in used for t in m.spec.regressors))
    for key in ("keep", "drop", "order"):
        for pattern in getattr(table, key) or ():
            if not any(re.fullmatch(pattern, term) for term in terms):
                raise at.error(f"{key} names '{pattern}', which none of its models estimates",
                               fix=did_you_mean(pattern, terms) or f"choose from {', '.join(terms)}")
    names = [*terms, *dict.fromkeys(n for m in used for n in (m.spec.outcome, *m.spec.fixed_effects, *m.spec.cluster))]
    for pattern, _ in table.rename:
        if not any(re.fullmatch(pattern, name) for name in names):
            raise at.error(f"rename names '{pattern}', which is no coefficient, outcome, fixed effect or cluster "
                           "of its models", fix=did_you_mean(pattern, names) or f"choose from {', '.join(names)}")
    for key, _ in table.row_digits:
        if key not in _statistic_names() and not any(re.fullmatch(key, term) for term in terms):
            raise at.error(f"row_digits names '{key}', which is no statistic and no coefficient of its models",
                           fix=did_you_mean(key, [*_statistic_names(), *terms])
                           or f"choose a statistic ({', '.join(_statistic_names())}) or a coefficient")
    if table.panels and table.shared:
        _check_shared_block(at, table, models)


def _check_shared_block(at: Where, table: TableEntry, models: Mapping[str, Any]) -> None:
    """Raise if the panels' models differ, column by column, in what the shared block states once."""
    first = table.panels[0]
    for panel in table.panels[1:]:
        for column, (a, b) in enumerate(zip(first.models, panel.models), start=1):
            mine, theirs = models[a].spec, models[b].spec
            for what, value in (("fixed effects", lambda s: s.fixed_effects), ("estimator", lambda s: s.family),
                                ("standard errors", lambda s: (s.vcov, s.cluster))):
                if value(mine) != value(theirs):
                    raise at.error(
                        f"shared = true, but column ({column}) has other {what} in panel '{panel.title}' "
                        f"({b}) than in panel '{first.title}' ({a})",
                        fix="give each panel its own block (shared = false) or make the columns match")


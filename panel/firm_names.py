"""Patent applicants matched to listed firms and their subsidiaries by name.

Applicant names in a patent register are written many ways: 股份有限公司 or
有限公司, full-width or half-width letters and brackets, blanks, an English
name.  The user supplies the register to match against: listed firms and
their subsidiaries (``firm_id`` = the listed parent's stock code, ``name``;
English names are just more rows).  Only the distinct applicant names are
matched (count them in one engine pass with :func:`applicant_counts`), so the
register of tens of millions of records costs one pass plus the matching of
its few hundred thousand names.

The rule, in order:

1. **Normalisation** (:func:`normalize_name`): Unicode NFKC (full-width
   letters, digits and brackets become half-width), lower case, brackets,
   legal-form words at the end of an English name removed repeatedly as whole
   words (``co``, ``ltd``, ``limited``, ``inc``, ``corp``, ``corporation``,
   ``company``, ``plc``, ``llc``, ``gmbh``: "Cisco" keeps its "co"), brackets,
   blanks and punctuation removed, then Chinese legal-form endings removed
   repeatedly (股份有限公司, 有限责任公司, 有限公司, 股份公司, 公司).  Names whose normal form is shorter than two
   characters are not matched.
2. **Exact**: the applicant's normal form equals a register name's.
3. **Prefix**: the applicant's normal form starts with exactly one register
   name's normal form of at least :data:`MIN_PREFIX` characters (a branch or
   research institute written after the company name:
   华为技术有限公司上海研究所).  The longest such name wins.
4. **Fuzzy**: among register names with the same first two characters, the
   highest similarity ``2 M / T`` (``M`` characters in matching blocks, ``T``
   characters in both names: :class:`difflib.SequenceMatcher`'s ratio), if
   at least :data:`MIN_SIMILARITY` and ahead of the best name of any other
   firm by at least :data:`MIN_MARGIN` (a typo, a dropped character: one
   character wrong in a ten-character name scores 0.9).

A normal form that belongs to several firms (at any step) is **ambiguous**
and left unmatched; the report lists it.  Nothing else is matched.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.engines import Engine, get_engine
from panel.engines.records import Check, Column, Output, RecordTable, SourceColumn

MIN_PREFIX = 4
MIN_SIMILARITY = 0.85
MIN_MARGIN = 0.05
_CHINESE_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "公司")
_ENGLISH_FORM = re.compile(
    r"(^|[\s,.()])(co|ltd|limited|inc|incorporated|corp|corporation|company|plc|llc|gmbh)[\s,.()]*$"
)
_DROPPED = re.compile(r"[\s()\[\]{}<>【】〔〕《》'\"`.,;:&·・\-_/]+")


def normalize_name(name: str) -> str:
    """The normal form of a company name (see the module description).

    Examples
    --------
    >>> normalize_name("京东方科技集团股份有限公司") == normalize_name("京东方科技集团有限公司")
    True
    >>> normalize_name("ＢＯＥ Technology Group Co., Ltd.")
    'boetechnologygroup'
    >>> normalize_name("华为技术（深圳）有限公司")
    '华为技术深圳'
    """
    text = unicodedata.normalize("NFKC", str(name)).lower().strip(" ,.")
    while (ending := _ENGLISH_FORM.search(text)) is not None and ending.start(2) > 0:
        text = text[: ending.start(2)].rstrip(" ,.(")
    text = _DROPPED.sub("", text)
    while (form := next((f for f in _CHINESE_FORMS if text.endswith(f) and len(text) > len(f)), None)) is not None:
        text = text[: -len(form)]
    return text


@dataclass(frozen=True)
class NameMatch:
    """Applicant names matched to firms.

    Parameters
    ----------
    matches : pandas.DataFrame
        One row per applicant name: ``applicant``, ``n_records``, ``firm_id``
        (missing when unmatched), ``method`` (``exact``, ``prefix``, ``fuzzy``,
        ``ambiguous`` or ``unmatched``), ``similarity`` (fuzzy only).
    """

    matches: pd.DataFrame

    @property
    def match_rate(self) -> tuple[float, float]:
        """Shares of applicant names and of records matched to a firm."""
        matched = self.matches["firm_id"].notna()
        records = self.matches["n_records"]
        return float(matched.mean()), float(records[matched].sum() / records.sum())

    def report(self, top: int = 10) -> str:
        """Match rate by method, the ambiguous names, and the unmatched applicants with most records."""
        by_method = self.matches.groupby("method")["n_records"].agg(["size", "sum"])
        names, records = self.match_rate
        lines = [f"matched {names:.1%} of {len(self.matches):,} applicant names, {records:.1%} of records"]
        for method in ("exact", "prefix", "fuzzy", "ambiguous", "unmatched"):
            if method in by_method.index:
                size, total = by_method.loc[method]
                lines.append(f"  {method:<10} {int(size):>8,} names {int(total):>12,} records")
        ambiguous = self.matches[self.matches["method"] == "ambiguous"]
        if len(ambiguous):
            lines.append("ambiguous (several firms): " + "; ".join(ambiguous["applicant"].head(top)))
        unmatched = self.matches[self.matches["method"] == "unmatched"].nlargest(top, "n_records")
        if len(unmatched):
            lines.append(
                "top unmatched: "
                + "; ".join(f"{a} ({n:,})" for a, n in zip(unmatched["applicant"], unmatched["n_records"]))
            )
        return "\n".join(lines)


def match_applicants(applicants: pd.DataFrame, register: pd.DataFrame) -> NameMatch:
    """Match distinct applicant names to the firms of ``register``.

    Parameters
    ----------
    applicants : pandas.DataFrame
        ``applicant`` (name) and ``n_records``, one row per distinct name.
    register : pandas.DataFrame
        ``firm_id`` and ``name``: listed firms and their subsidiaries (and
        English names), each under the listed parent's code.

    Returns
    -------
    NameMatch

    Raises
    ------
    InputError
        A missing column in either table.
    """
    for table, columns, label in (
        (applicants, ("applicant", "n_records"), "applicants"),
        (register, ("firm_id", "name"), "register"),
    ):
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise InputError(
                f"the {label} table has no column {missing[0]!r}", fix=f"give columns {', '.join(columns)}"
            )
    firms_of: dict[str, set[str]] = defaultdict(set)
    for firm, name in zip(register["firm_id"].astype(str), register["name"].astype(str)):
        key = normalize_name(name)
        if len(key) >= 2:
            firms_of[key].add(firm)
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for key in firms_of:
        by_prefix[key[:2]].append(key)
    rows = [_match_one(name, firms_of, by_prefix) for name in applicants["applicant"].astype(str)]
    matches = pd.DataFrame(rows, columns=["firm_id", "method", "similarity"])
    matches.insert(0, "applicant", applicants["applicant"].astype(str).to_numpy())
    matches.insert(1, "n_records", applicants["n_records"].astype("int64").to_numpy())
    return NameMatch(matches=matches)


def _match_one(name: str, firms_of: dict[str, set[str]], by_prefix: dict[str, list[str]]):
    key = normalize_name(name)
    if len(key) < 2:
        return None, "unmatched", None
    if key in firms_of:
        return _decided(firms_of[key], "exact", None)
    starts = [k for k in by_prefix.get(key[:2], ()) if len(k) >= MIN_PREFIX and key.startswith(k)]
    if starts:
        return _decided(firms_of[max(starts, key=len)], "prefix", None)
    best: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(a=key, autojunk=False)
    for candidate in by_prefix.get(key[:2], ()):
        matcher.set_seq2(candidate)
        score = matcher.ratio()
        for firm in firms_of[candidate]:
            best[firm] = max(best.get(firm, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < MIN_SIMILARITY:
        return None, "unmatched", None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MIN_MARGIN:
        return None, "ambiguous", ranked[0][1]
    return ranked[0][0], "fuzzy", ranked[0][1]


def _decided(firms: set[str], method: str, similarity: float | None):
    if len(firms) > 1:
        return None, "ambiguous", similarity
    return next(iter(firms)), method, similarity


def _applicant_sql(applicant: SourceColumn | None) -> str:
    """SQL: the applicant name and whether it is missing (the column is required, so it is found)."""
    assert applicant is not None
    return f"{applicant.text} AS applicant, {applicant.missing} AS applicant_missing"


#: a record file's applicant column, counted per distinct name
APPLICANT_TABLE = RecordTable(
    name="patent_applicants",
    columns=(Column("applicant", "applicant"),),
    typed=lambda sql, cells: _applicant_sql(cells["applicant"]),
    checks=(
        Check(
            "c0",
            "applicant",
            "applicant_missing",
            "applicant",
            "missing value in a required column",
            "fill these cells",
        ),
    ),
    outputs={"names": Output(keys=("applicant",), measures={"n_records": "count(*)"})},
    record_columns=("applicant",),
)


def applicant_counts(path: str | Path, *, engine: Engine | None = None, max_bad_share: float = 1e-3) -> pd.DataFrame:
    """Distinct applicant names of a record file (column ``applicant``) and their record counts, in one pass.

    Rows without an applicant are counted and left out up to ``max_bad_share`` of all rows.
    """
    result = (engine or get_engine("duckdb")).aggregate(APPLICANT_TABLE, path, max_bad_share=max_bad_share)
    names = result.outputs["names"]
    return names.astype({"n_records": "int64"}).sort_values("n_records", ascending=False, ignore_index=True)

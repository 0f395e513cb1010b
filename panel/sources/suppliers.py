"""Top-five supplier disclosures: masked names, country codes and the foreign flag.

Annual reports often hide supplier names behind placeholders ("供应商一",
"供应商A", "第一名", "Supplier 1", "客户一", "单位甲", or nothing at all); such
rows are flagged ``is_masked``.  Country spellings are normalised to ISO 3166
alpha-2 codes where recognised (中国 / China / CN / PRC / 中华人民共和国 ->
``CN``); an unrecognised spelling is kept as written.  ``is_foreign`` is True
when the country is not mainland China (Hong Kong, Macao and Taiwan count as
outside the mainland, as in mainland customs statistics), False for China, and
missing when the row is masked or the country unknown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data_schemas.raw import suppliers as suppliers_schema
from panel.sources.coerce import map_distinct, text_series
from panel.sources.formats import SUPPLIERS
from panel.sources.validate import validate_table
from panel.sources.vendor import read_export

_NUMERAL = r"(?:[一二三四五六七八九十]|[0-9]{1,2}|[A-Ja-j]|[甲乙丙丁戊己])"
_PLACEHOLDER = re.compile(
    rf"""^(?:
        (?:供应商|客户|单位|公司|企业|厂商)\s*(?:第\s*)?{_NUMERAL}\s*(?:名)?
      | (?:第\s*)?{_NUMERAL}\s*名(?:供应商)?
      | {_NUMERAL}\s*(?:公司|供应商|单位)
      | (?:supplier|vendor|customer)\s*(?:no\.?\s*|\#\s*)?{_NUMERAL}
      | (?:no\.?\s*|\#\s*){_NUMERAL}
      | 未披露|不适用|未知|n/?a|none|unknown|\*+|-+|—+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

#: country spelling (lower-cased, blanks removed) -> ISO 3166 alpha-2 code
COUNTRY_CODES: dict[str, str] = {
    **dict.fromkeys(
        ["中国", "china", "cn", "chn", "prc", "p.r.c.", "中华人民共和国", "中国大陆", "大陆", "境内", "国内",
         "mainlandchina", "peoplesrepublicofchina", "people'srepublicofchina"],
        "CN",
    ),
    **dict.fromkeys(["美国", "usa", "us", "u.s.", "u.s.a.", "unitedstates", "unitedstatesofamerica", "america"], "US"),
    **dict.fromkeys(["日本", "japan", "jp", "jpn"], "JP"),
    **dict.fromkeys(["韩国", "southkorea", "korea", "republicofkorea", "kr", "kor"], "KR"),
    **dict.fromkeys(["德国", "germany", "de", "deu"], "DE"),
    **dict.fromkeys(["中国台湾", "台湾", "taiwan", "tw", "twn", "台湾地区"], "TW"),
    **dict.fromkeys(["中国香港", "香港", "hongkong", "hk", "hkg", "香港特别行政区"], "HK"),
    **dict.fromkeys(["中国澳门", "澳门", "macao", "macau", "mo"], "MO"),
    **dict.fromkeys(["荷兰", "netherlands", "nl", "holland"], "NL"),
    **dict.fromkeys(["英国", "unitedkingdom", "uk", "gb", "greatbritain", "britain"], "GB"),
    **dict.fromkeys(["法国", "france", "fr"], "FR"),
    **dict.fromkeys(["瑞士", "switzerland", "ch"], "CH"),
    **dict.fromkeys(["新加坡", "singapore", "sg"], "SG"),
    **dict.fromkeys(["马来西亚", "malaysia", "my"], "MY"),
    **dict.fromkeys(["以色列", "israel", "il"], "IL"),
    **dict.fromkeys(["意大利", "italy", "it"], "IT"),
    **dict.fromkeys(["瑞典", "sweden", "se"], "SE"),
    **dict.fromkeys(["澳大利亚", "australia", "au"], "AU"),
    **dict.fromkeys(["加拿大", "canada", "ca"], "CA"),
    **dict.fromkeys(["印度", "india", "in"], "IN"),
    **dict.fromkeys(["越南", "vietnam", "vn"], "VN"),
    **dict.fromkeys(["泰国", "thailand", "th"], "TH"),
    **dict.fromkeys(["爱尔兰", "ireland", "ie"], "IE"),
    **dict.fromkeys(["比利时", "belgium", "be"], "BE"),
    **dict.fromkeys(["奥地利", "austria", "at"], "AT"),
}
#: spellings meaning "country not known"
_UNKNOWN = frozenset({"", "未知", "不详", "未披露", "unknown", "n/a", "na", "-", "--"})
#: characters that hide part of a name ("深圳市**科技有限公司", "某公司")
_HIDDEN = re.compile(r"[*＊×]|某")


def is_placeholder(name: object) -> bool:
    """Whether a disclosed supplier name is a placeholder (or empty)."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return True
    text = str(name).strip()
    return not text or bool(_PLACEHOLDER.match(text) or _HIDDEN.search(text))


def country_code(country: object) -> str | None:
    """The ISO code for a country spelling; unrecognised spellings come back stripped."""
    if country is None or (isinstance(country, float) and pd.isna(country)):
        return None
    text = str(country).strip()
    key = re.sub(r"[\s_]", "", text).lower()
    if key in _UNKNOWN:
        return None
    return COUNTRY_CODES.get(key, text)


def flag_suppliers(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalise ``country`` and add ``is_masked`` and ``is_foreign``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Supplier rows with ``supplier_name`` and ``country`` (missing allowed).

    Returns
    -------
    pandas.DataFrame
        A copy with ``country`` as ISO codes where recognised, ``is_masked``
        (bool) and ``is_foreign`` (nullable boolean).
    """
    masked = map_distinct(frame["supplier_name"], is_placeholder).astype(bool)
    codes = map_distinct(frame["country"], country_code)
    foreign = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    known = ~masked & codes.notna()
    foreign[known] = codes[known] != "CN"
    return frame.assign(
        country=text_series(codes.tolist(), frame.index),
        is_masked=masked,
        is_foreign=foreign,
    )


def read_suppliers(path: str | Path) -> pd.DataFrame:
    """Read a top-five supplier file (``top5_suppliers`` layout) with its flags.

    Returns
    -------
    pandas.DataFrame
        The ``suppliers`` table of :mod:`data_schemas.raw`.

    Raises
    ------
    InputError
        As :func:`panel.sources.vendor.read_export`.
    """
    return finish_suppliers(read_export(path, SUPPLIERS), path)


def finish_suppliers(frame: pd.DataFrame, path: str | Path | None) -> pd.DataFrame:
    """Flag and validate an already-read supplier table (vendor or mapped)."""
    return validate_table(flag_suppliers(frame), suppliers_schema, {}, path)

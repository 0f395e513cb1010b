"""The simulated firm universe: codes, listing, industry, ownership, ST episodes.

Data-generating process
-----------------------
* Listing dates spread from 1991 to 2024 (more IPOs 2010–2021); the exchange
  segment follows the date: SH main board 600/601 (``Markettype`` 1) and SZ
  main board 000 (4) before mid-2004, the SZ SME board 002 (4) from 2004,
  ChiNext 300 (16) from October 2009, SH 603/605 (1) from 2011 and the STAR
  Market 688 (32) from July 2019.  Codes are handed out in listing order with
  small gaps, so they are plausible but belong to no real firm.
* Industries are CSRC-2012 divisions from ``panel/reference/industries.csv``
  with weights close to the A-share market (many C39/C26/C38/C35/C27/I65, about
  3 % finance J66–J69); STAR firms are high-tech only.  A share of C39 firms
  are semiconductor firms (their patents are mostly IPC H01L).
* SOE share about 30 %, higher among early listings; ``OWNERSHIPTYPE`` text
  国有企业 / 民营企业 / 外资企业 / 集体企业 / 其他.
* About 5 % of the firms listed before 2019 are delisted (``Statco`` 终止上市,
  ``Statdt``); they have no statements from the delisting year on.
* ST/*ST episodes of one to three years for some firms and in the last two
  listed years of delisted firms show up as prefixes of the yearly short name
  in STK_LISTEDCOINFOANL.
* Every short name carries the 模拟 ("simulated") marker, e.g. 模拟电子0001.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panel.demo.params import FIRST_YEAR, LAST_YEAR, DemoParams
from panel.demo.reference_data import industries

#: segment -> (Markettype, inclusive code ranges handed out in order)
SEGMENTS: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = {
    "sh_main": (1, ((600000, 601999),)),
    "sh_new": (1, ((603000, 603999), (605000, 605999))),
    "sz_main": (4, ((1, 999),)),
    "sz_sme": (4, ((2001, 2999), (1201, 1399), (3001, 3999))),
    "chinext": (16, ((300001, 301999),)),
    "star": (32, ((688001, 688999), (689001, 689999))),
}
SME_BOARD_OPENS = pd.Timestamp("2004-06-25")
CHINEXT_OPENS = pd.Timestamp("2009-10-30")
STAR_OPENS = pd.Timestamp("2019-07-22")

#: relative IPO weight of each listing year
LISTING_YEAR_WEIGHTS: dict[int, float] = {
    **{year: 2.0 for year in range(1991, 2010)},
    **{year: 4.5 for year in range(2010, 2022)},
    2022: 4.0,
    2023: 2.5,
    2024: 1.0,
}

#: industry weights of the A-share market (divisions not named get OTHER_INDUSTRY_WEIGHT)
INDUSTRY_WEIGHTS: dict[str, float] = {
    "C39": 11.0, "C26": 7.0, "C38": 6.0, "C35": 6.0, "C27": 6.0, "I65": 6.0, "C34": 4.0, "C36": 4.0,
    "C32": 2.5, "K70": 2.5, "F51": 2.5, "C40": 2.0, "C29": 2.0, "C30": 2.0, "D44": 2.0, "E48": 1.8,
    "C33": 1.5, "I64": 1.5, "F52": 1.5, "C14": 1.2, "C37": 1.2, "C15": 1.1, "L72": 1.0, "C13": 0.9,
    "C18": 0.9, "C31": 0.8, "C17": 0.8, "I63": 0.8, "E50": 0.8, "G54": 0.8, "M74": 0.8, "N77": 0.8,
    "C28": 0.7, "C22": 0.7, "D45": 0.6, "G55": 0.6, "B06": 0.6, "B09": 0.6, "R86": 0.6, "M73": 0.5,
    "E47": 0.5, "D46": 0.5, "J66": 2.0, "J67": 1.5, "J68": 0.4, "J69": 0.25,
}
OTHER_INDUSTRY_WEIGHT = 0.15
STAR_INDUSTRY_WEIGHTS: dict[str, float] = {
    "C39": 40.0, "C35": 20.0, "C27": 15.0, "I65": 10.0, "C26": 8.0, "C40": 5.0, "C34": 2.0,
}
FINANCE = ("J66", "J67", "J68", "J69")

PROVINCE_WEIGHTS: dict[str, float] = {
    "广东省": 15, "浙江省": 13, "江苏省": 13, "北京市": 9, "上海市": 8, "山东省": 6, "福建省": 4,
    "四川省": 3.5, "安徽省": 3.5, "湖北省": 3, "湖南省": 3, "河南省": 2, "辽宁省": 2,
    "天津市": 1.5, "重庆市": 1.5, "陕西省": 1.5, "河北省": 1.5, "江西省": 1.5, "新疆维吾尔自治区": 1,
    "吉林省": 1, "云南省": 1, "广西壮族自治区": 1, "山西省": 1, "黑龙江省": 1, "海南省": 0.8,
    "贵州省": 0.7, "甘肃省": 0.7, "内蒙古自治区": 0.6, "西藏自治区": 0.5, "宁夏回族自治区": 0.4,
    "青海省": 0.3,
}
PRIVATE_OWNERSHIP: dict[str, float] = {"民营企业": 0.88, "外资企业": 0.06, "集体企业": 0.02, "其他": 0.04}
SOE_OWNERSHIP = "国有企业"
STATUS_LISTED = "正常交易"
STATUS_DELISTED = "终止上市"
SIMULATED_MARKER = "模拟"

#: name word by industry division or section letter
NAME_WORDS: dict[str, str] = {
    "C39": "电子", "C38": "电气", "C34": "装备", "C35": "装备", "C26": "化工", "C28": "化工",
    "C27": "医药", "C36": "汽车", "C37": "重工", "C40": "仪器", "I63": "通信", "I64": "网络",
    "I65": "软件", "J": "金融", "K": "地产", "D": "能源", "E": "建设", "F": "商贸", "G": "物流",
}


def _normalised(weights: dict, keys: list) -> np.ndarray:
    raw = np.array([weights.get(key, OTHER_INDUSTRY_WEIGHT) for key in keys], dtype=float)
    return raw / raw.sum()


def simulate_firms(rng: np.random.Generator, n_firms: int, params: DemoParams) -> pd.DataFrame:
    """Draw the firm universe.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream of this step.
    n_firms : int
        Number of firms.
    params : DemoParams
        Planted parameters (delisted share).

    Returns
    -------
    DataFrame
        One row per firm, sorted by ``firm_id``: the company-file columns
        (``firm_id, short_name, list_date, industry, industry_name, province,
        market_type, ownership, status, status_date``) plus the simulation's
        own attributes ``base_name, delist_date, list_year, last_year,
        finance, high_tech, manufacturing, upstream, semiconductor, soe`` and
        ``size_base`` (the firm's ln(total assets) level in its first
        listed year, before growth).
    """
    years = np.array(list(LISTING_YEAR_WEIGHTS))
    year_p = _normalised(LISTING_YEAR_WEIGHTS, list(years))
    list_year = rng.choice(years, size=n_firms, p=year_p)
    list_date = pd.to_datetime(list_year.astype(str), format="%Y") + pd.to_timedelta(
        rng.integers(0, 365, size=n_firms), unit="D"
    )
    list_date = pd.DatetimeIndex(np.minimum(list_date.values, np.datetime64(f"{LAST_YEAR}-12-31")))
    segment = _draw_segments(rng, list_date)
    industry = _draw_industries(rng, segment)
    codes = _assign_codes(rng, segment, list_date)

    ref = industries().set_index("code")
    firms = pd.DataFrame(
        {
            "firm_id": [f"{code:06d}" for code in codes],
            "list_date": list_date.astype("datetime64[ns]"),
            "market_type": np.array([SEGMENTS[s][0] for s in segment], dtype="int64"),
            "industry": industry,
        }
    )
    firms["industry_name"] = ref.loc[industry, "name"].to_numpy()
    firms["finance"] = firms["industry"].isin(FINANCE).to_numpy()
    firms["high_tech"] = ref.loc[industry, "high_tech"].to_numpy(dtype=bool)
    firms["manufacturing"] = ref.loc[industry, "manufacturing"].to_numpy(dtype=bool)
    firms["upstream"] = (ref.loc[industry, "position"] == "upstream").to_numpy()
    semiconductor_p = np.where(segment == "star", 0.5, 0.3)
    firms["semiconductor"] = (firms["industry"] == "C39").to_numpy() & (rng.random(n_firms) < semiconductor_p)
    firms["soe"] = _draw_soe(rng, list_date, segment, firms["industry"].to_numpy())
    private = rng.choice(list(PRIVATE_OWNERSHIP), size=n_firms, p=list(PRIVATE_OWNERSHIP.values()))
    firms["ownership"] = np.where(firms["soe"], SOE_OWNERSHIP, private)
    provinces = list(PROVINCE_WEIGHTS)
    firms["province"] = rng.choice(provinces, size=n_firms, p=_normalised(PROVINCE_WEIGHTS, provinces))
    firms["delist_date"] = _draw_delisting(rng, firms["list_date"], params.delisted_share)
    growth_board = np.isin(segment, ["chinext", "star"])
    firms["size_base"] = (
        rng.normal(21.6, 1.0, size=n_firms) + 0.6 * firms["soe"] - 0.5 * growth_board + 2.5 * firms["finance"]
    )
    firms = firms.sort_values("firm_id", ignore_index=True)

    firms["base_name"] = [
        f"{SIMULATED_MARKER}{_name_word(code)}{i + 1:04d}" for i, code in enumerate(firms["industry"])
    ]
    firms["short_name"] = firms["base_name"]
    delisted = firms["delist_date"].notna()
    firms["status"] = np.where(delisted, STATUS_DELISTED, STATUS_LISTED)
    firms["status_date"] = firms["delist_date"].where(delisted, firms["list_date"])
    firms["list_year"] = firms["list_date"].dt.year.astype("int64")
    last_listed = np.where(delisted, firms["delist_date"].dt.year.fillna(0).astype("int64") - 1, LAST_YEAR)
    firms["last_year"] = last_listed.astype("int64")
    return firms


def _name_word(industry: str) -> str:
    return NAME_WORDS.get(industry, NAME_WORDS.get(industry[0], "科技"))


def _draw_segments(rng: np.random.Generator, list_date: pd.DatetimeIndex) -> np.ndarray:
    u = rng.random(len(list_date))
    early = list_date < SME_BOARD_OPENS
    sme_era = (list_date >= SME_BOARD_OPENS) & (list_date < CHINEXT_OPENS)
    chinext_era = (list_date >= CHINEXT_OPENS) & (list_date < STAR_OPENS)
    sh_recent = np.where(list_date.year < 2011, "sh_main", "sh_new")
    return np.select(
        [
            early & (u < 0.55),
            early,
            sme_era & (u < 0.55),
            sme_era,
            chinext_era & (u < 0.38),
            chinext_era & (u < 0.65),
            chinext_era,
            u < 0.35,
            u < 0.70,
            u < 0.88,
        ],
        ["sh_main", "sz_main", "sz_sme", "sh_main", "chinext", "sz_sme", sh_recent, "star", "chinext", "sh_new"],
        default="sz_sme",
    )


def _draw_industries(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    codes = list(industries()["code"])
    general = _normalised(INDUSTRY_WEIGHTS, codes)
    no_finance = np.where(np.isin(codes, FINANCE), 0.0, general)
    no_finance /= no_finance.sum()
    star_codes = list(STAR_INDUSTRY_WEIGHTS)
    star = np.array(list(STAR_INDUSTRY_WEIGHTS.values())) / sum(STAR_INDUSTRY_WEIGHTS.values())
    out = rng.choice(codes, size=len(segment), p=general).astype(object)
    growth_boards = np.isin(segment, ["chinext", "star"])
    out[growth_boards] = rng.choice(codes, size=int(growth_boards.sum()), p=no_finance)
    on_star = segment == "star"
    out[on_star] = rng.choice(star_codes, size=int(on_star.sum()), p=star)
    return out.astype(str)


def _assign_codes(rng: np.random.Generator, segment: np.ndarray, list_date: pd.DatetimeIndex) -> np.ndarray:
    codes = np.zeros(len(segment), dtype=np.int64)
    order = np.lexsort((np.arange(len(segment)), list_date.values))
    for name, (_, ranges) in SEGMENTS.items():
        members = order[segment[order] == name]
        available = np.concatenate([np.arange(low, high + 1) for low, high in ranges])
        steps = 1 + (rng.random(len(members)) < 0.2)
        positions = np.cumsum(steps) - 1
        if len(members) and positions[-1] >= len(available):
            positions = np.arange(len(members))
        if len(members) > len(available):
            raise ValueError(f"segment {name} cannot hold {len(members)} firms")
        codes[members] = available[positions]
    return codes


def _draw_soe(
    rng: np.random.Generator, list_date: pd.DatetimeIndex, segment: np.ndarray, industry: np.ndarray
) -> np.ndarray:
    p = np.select(
        [segment == "star", list_date < SME_BOARD_OPENS, list_date < CHINEXT_OPENS], [0.08, 0.65, 0.35], default=0.15
    )
    state_heavy = np.isin(np.array([code[0] for code in industry]), ["D", "G", "J", "B"])
    p = np.minimum(np.where(state_heavy, p * 1.4, p), 0.95)
    return rng.random(len(p)) < p


def _draw_delisting(rng: np.random.Generator, list_date: pd.Series, share: float) -> pd.Series:
    n = len(list_date)
    candidates = np.flatnonzero((list_date < pd.Timestamp("2019-01-01")).to_numpy())
    chosen = rng.choice(candidates, size=min(len(candidates), round(share * n)), replace=False)
    earliest = np.maximum(
        (list_date.iloc[chosen] + pd.DateOffset(years=3)).to_numpy(), np.datetime64("2012-01-01", "ns")
    )
    latest = np.datetime64(f"{LAST_YEAR}-12-31", "ns")
    span_days = ((latest - earliest) / np.timedelta64(1, "D")).astype(np.int64)
    offsets = (rng.random(len(chosen)) * span_days).astype(np.int64)
    delist = pd.Series(pd.NaT, index=list_date.index, dtype="datetime64[ns]")
    delist.iloc[chosen] = earliest + offsets.astype("timedelta64[D]")
    return delist


def listed_firm_years(firms: pd.DataFrame) -> pd.DataFrame:
    """The firm-years a firm is listed in, FIRST_YEAR..LAST_YEAR.

    A firm counts as listed from its listing year up to the year before its
    delisting year.

    Returns
    -------
    DataFrame
        ``firm_id, year, fi`` (``fi``: the firm's row position in ``firms``),
        sorted by firm and year.
    """
    first = np.maximum(firms["list_year"].to_numpy(), FIRST_YEAR)
    last = firms["last_year"].to_numpy()
    n_years = np.maximum(last - first + 1, 0)
    fi = np.repeat(np.arange(len(firms)), n_years)
    starts = np.repeat(np.cumsum(n_years) - n_years, n_years)
    year = first[fi] + (np.arange(len(fi)) - starts)
    return pd.DataFrame({"firm_id": firms["firm_id"].to_numpy()[fi], "year": year.astype("int64"), "fi": fi})


def simulate_st_prefixes(
    rng: np.random.Generator, firms: pd.DataFrame, firm_years: pd.DataFrame, episode_share: float = 0.08
) -> np.ndarray:
    """ST/*ST short-name prefixes per firm-year ("" when the firm is not ST).

    A share ``episode_share`` of firms has one episode of one to three years
    (ST in the first year or straight *ST, *ST afterwards); delisted firms are
    *ST in their last two listed years.
    """
    prefix = np.full(len(firm_years), "", dtype=object)
    fi = firm_years["fi"].to_numpy()
    starts = np.searchsorted(fi, np.arange(len(firms)), side="left")
    ends = np.searchsorted(fi, np.arange(len(firms)), side="right")
    n_rows = ends - starts
    has_episode = (rng.random(len(firms)) < episode_share) & (n_rows > 0)
    offset = (rng.random(len(firms)) * n_rows).astype(np.int64)
    length = rng.integers(1, 4, size=len(firms))
    first_star = rng.random(len(firms)) < 0.5
    for f in np.flatnonzero(has_episode):
        begin = starts[f] + offset[f]
        stop = min(begin + length[f], ends[f])
        prefix[begin:stop] = "*ST"
        if not first_star[f]:
            prefix[begin] = "ST"
    for f in np.flatnonzero(firms["delist_date"].notna().to_numpy() & (n_rows > 0)):
        prefix[max(starts[f], ends[f] - 2) : ends[f]] = "*ST"
    return prefix


def company_table(firms: pd.DataFrame) -> pd.DataFrame:
    """The canonical ``company`` table (TRD_Co)."""
    columns = ["firm_id", "short_name", "list_date", "industry", "industry_name", "province", "market_type",
               "ownership", "status", "status_date"]
    return firms[columns].reset_index(drop=True)


def annual_info_table(firms: pd.DataFrame, firm_years: pd.DataFrame, st_prefix: np.ndarray) -> pd.DataFrame:
    """The canonical ``annual_info`` table (STK_LISTEDCOINFOANL): yearly short names."""
    fi = firm_years["fi"].to_numpy()
    names = st_prefix.astype(str) + firms["base_name"].to_numpy()[fi].astype(str)
    return pd.DataFrame(
        {
            "firm_id": firm_years["firm_id"].to_numpy(),
            "period_end": pd.to_datetime(firm_years["year"].astype(str) + "-12-31").astype("datetime64[ns]"),
            "short_name": names,
            "industry": firms["industry"].to_numpy()[fi],
        }
    )

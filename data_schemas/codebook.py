"""The codebook of the built firm-year panel: name, label, unit, definition, source.

The reporter takes its variable labels from here, and ``chokepoint build``
writes it beside every panel it builds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Variable:
    """One panel variable.

    Parameters
    ----------
    name : str
        Column name in the panel.
    label : str
        Short human label for tables and figures.
    unit : str
        Unit of measurement ("" for identifiers and flags).
    definition : str
        How it is computed, in words and symbols.
    source : str
        Raw table(s) and codes it comes from.
    """

    name: str
    label: str
    unit: str
    definition: str
    source: str


_BS = "FS_Combas (Typrep A, Accper 12-31)"
_IS = "FS_Comins (Typrep A, Accper 12-31)"
_PAT = "CNRDS patent applications (Ftyp 上市公司本身)"

CODEBOOK: tuple[Variable, ...] = (
    Variable("firm_id", "Firm", "", "Six-digit stock code (Stkcd), zero-padded", "TRD_Co.Stkcd"),
    Variable("year", "Year", "year", "Fiscal year of the annual report", "FS_Combas.Accper"),
    Variable("short_name", "Short name", "", "Security short name in that year", "STK_LISTEDCOINFOANL.ShortName, else TRD_Co.Stknme"),
    Variable("industry", "Industry (CSRC 2012)", "", "CSRC-2012 industry division (letter + two digits)", "STK_LISTEDCOINFOANL.IndustryCode, else TRD_Co.Nnindcd"),
    Variable("industry_section", "Industry section", "", "First letter of the CSRC-2012 code", "derived from industry"),
    Variable("industry_year", "Industry×Year", "", "industry and year joined (industry_year cell), for fixed effects", "derived"),
    Variable("province_year", "Province×Year", "", "province and year joined, for fixed effects", "derived"),
    Variable("province", "Province", "", "Province of registration", "TRD_Co.PROVINCE"),
    Variable("market_type", "Market", "", "CSMAR market type (1 SH A, 4 SZ A, 16 ChiNext, 32 STAR, 64 BSE)", "TRD_Co.Markettype"),
    Variable("soe", "SOE", "0/1", "State-owned: ownership type mentions 国有/国企/state", "TRD_Co.OWNERSHIPTYPE"),
    Variable("list_year", "Listing year", "year", "Year of the IPO listing date", "TRD_Co.Listdt"),
    Variable("manufacturing", "Manufacturing", "0/1", "CSRC-2012 section C", "panel/reference/industries.csv"),
    Variable("high_tech", "High-tech industry", "0/1", "Division flagged high-tech in the project's industry classification", "panel/reference/industries.csv"),
    Variable("upstream", "Upstream", "0/1", "Division supplies materials, equipment or components", "panel/reference/industries.csv"),
    Variable("chokepoint_industry", "Chokepoint industry", "0/1", "Division flagged as a chokepoint technology industry", "panel/reference/industries.csv"),
    Variable("semiconductor", "Semiconductor firm", "0/1", "At least half of the firm's pre-cutoff patent records in IPC H01L/H10", "patent-level records"),
    Variable("total_assets", "Total assets", "RMB yuan", "Total assets (资产总计)", f"{_BS}.A001000000"),
    Variable("total_liabilities", "Total liabilities", "RMB yuan", "Total liabilities (负债合计)", f"{_BS}.A002000000"),
    Variable("total_equity", "Total equity", "RMB yuan", "Total owners' equity (所有者权益合计)", f"{_BS}.A003000000"),
    Variable("revenue", "Revenue", "RMB yuan", "Operating revenue (营业收入)", f"{_IS}.B001101000"),
    Variable("operating_profit", "Operating profit", "RMB yuan", "Operating profit (营业利润)", f"{_IS}.B001300000"),
    Variable("net_profit", "Net profit", "RMB yuan", "Net profit (净利润)", f"{_IS}.B002000000"),
    Variable("rd_expense", "R&D expense", "RMB yuan", "R&D expense (研发费用), reported from 2018", f"{_IS}.B001216000"),
    Variable("market_value", "Market value", "RMB yuan", "Market value A (市值A)", "FI_T10.F100801A"),
    Variable("subsidy", "Government subsidies", "RMB yuan", "Government subsidies received", "subsidies"),
    Variable("roa", "ROA", "ratio", "net_profit / total_assets", f"{_IS}, {_BS}"),
    Variable("roe", "ROE", "ratio", "net_profit / total_equity", f"{_IS}, {_BS}"),
    Variable("tobin_q", "Tobin's Q", "ratio", "Tobin's Q A (market value A / total assets)", "FI_T10.F100901A"),
    Variable("leverage", "Leverage", "ratio", "total_liabilities / total_assets", _BS),
    Variable("size", "Size", "log RMB yuan", "ln(total_assets)", _BS),
    Variable("age", "Firm age", "years", "year - list_year", "TRD_Co.Listdt"),
    Variable("sales_growth", "Sales growth", "ratio", "revenue_t / revenue_{t-1} - 1 (consecutive years only)", _IS),
    Variable("margin", "Operating margin", "ratio", "operating_profit / revenue", _IS),
    Variable("rd_intensity", "R&D intensity", "ratio", "rd_expense / revenue", _IS),
    Variable("subsidy_ratio", "Subsidies / revenue", "ratio", "subsidy / revenue", f"subsidies, {_IS}"),
    Variable("invention_apply", "Invention patent applications", "count", "Invia + Invja", _PAT),
    Variable("utility_apply", "Utility-model applications", "count", "Umia + Umja", _PAT),
    Variable("design_apply", "Design applications", "count", "Desia + Desja", _PAT),
    Variable("invention_grant", "Invention patents granted", "count", "Invention records granted in the year", "patent-level records"),
    Variable("utility_grant", "Utility models granted", "count", "Utility-model records granted in the year", "patent-level records"),
    Variable("design_grant", "Designs granted", "count", "Design records granted in the year", "patent-level records"),
    Variable("ln_invention_apply", "ln(1+invention applications)", "log count", "ln(1 + invention_apply)", _PAT),
    Variable("ln_utility_apply", "ln(1+utility-model applications)", "log count", "ln(1 + utility_apply)", _PAT),
    Variable("ln_design_apply", "ln(1+design applications)", "log count", "ln(1 + design_apply)", _PAT),
    Variable("ln_invention_grant", "ln(1+invention grants)", "log count", "ln(1 + invention_grant)", "patent-level records"),
    Variable("patent_stock", "Invention patent stock", "count", "stock_t = (1 - δ) stock_{t-1} + invention_apply_t, δ = 0.15 by default, from the firm's first panel year", _PAT),
    Variable("ln_patent_stock", "ln(1+patent stock)", "log count", "ln(1 + patent_stock)", _PAT),
    Variable("foreign_supplier_share", "Foreign-supplier share", "share", "Purchase share of named foreign suppliers / purchase share of all named top-five suppliers", "top-five supplier disclosures"),
    Variable("supplier_coverage", "Names suppliers", "0/1", "At least one top-five supplier named (not masked) that year", "top-five supplier disclosures"),
    Variable("top5_purchase_share", "Top-five purchase share", "percent", "Sum of the top-five suppliers' shares of annual purchases", "top-five supplier disclosures"),
    Variable("foreign_share_pre", "Pre-period foreign-supplier share", "share", "Mean foreign_supplier_share over the years before the cutoff (three by default)", "top-five supplier disclosures"),
    Variable("import_value", "Imports", "US dollars", "Value of the firm's customs import transactions in the year", "firm-level customs transactions"),
    Variable("us_import_share", "US import share", "share", "Imports from the US / all imports of the firm-year", "firm-level customs transactions"),
    Variable("allied_import_share", "US-and-allied import share", "share", "Imports from the US and its allies (JP, KR, TW, NL, DE, FR, GB, IT, CA, AU by default) / all imports of the firm-year", "firm-level customs transactions"),
    Variable("sanctioned", "Entity List", "0/1", "Firm has an Entity-List event", "Entity-List events"),
    Variable("sanction_date", "Sanction date", "date", "First effective (or announcement, by option) date of an Entity-List event", "Entity-List events"),
    Variable("sanction_year", "Sanction year", "year", "Year of sanction_date", "Entity-List events"),
    Variable("sanctioned_before_listing", "Sanctioned before listing", "0/1", "sanction_year earlier than list_year: no pre-event data", "Entity-List events, TRD_Co.Listdt"),
    Variable("huawei_supplier", "Huawei supplier", "0/1", "Named as a Huawei supplier", "Huawei-supplier list"),
    Variable("little_giant_year", "Little Giant year", "year", "Year of the firm's first 专精特新小巨人 designation", "program designations"),
    Variable("exposed", "Exposed", "0/1", "sanctioned or huawei_supplier or foreign_share_pre >= threshold (0.30 by default)", "derived"),
    Variable("first_treat_year", "First treatment year", "year", "sanction_year for sanctioned firms, the cutoff year for other exposed firms", "derived"),
    Variable("event_time", "Event time", "years", "year - first_treat_year", "derived"),
    Variable("post", "Post", "0/1", "year >= cutoff year (2019 by default)", "derived"),
    Variable("treated_post", "Treated × Post", "0/1", "year >= first_treat_year", "derived"),
    Variable("exposed_post", "Exposed × Post", "0/1", "exposed × post", "derived"),
    Variable("ln_invention_apply_lag1", "ln(1+invention applications), t-1", "log count", "ln_invention_apply of the previous year (consecutive years only)", _PAT),
    Variable("size_lag1", "Size, t-1", "log RMB yuan", "size of the previous year", _BS),
    Variable("leverage_lag1", "Leverage, t-1", "ratio", "leverage of the previous year", _BS),
    Variable("roa_lag1", "ROA, t-1", "ratio", "roa of the previous year", _IS),
    Variable("rd_intensity_lag1", "R&D intensity, t-1", "ratio", "rd_intensity of the previous year", _IS),
)

#: variables by name
BY_NAME: dict[str, Variable] = {v.name: v for v in CODEBOOK}


def label(name: str) -> str:
    """The table label of a panel variable, or the name itself if unknown."""
    return BY_NAME[name].label if name in BY_NAME else name


def codebook_frame():
    """The codebook as a DataFrame (one row per variable)."""
    import pandas as pd

    return pd.DataFrame([asdict(v) for v in CODEBOOK])

"""Applicant names matched to listed firms and subsidiaries: a simulated register with planted variants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.firm_names import applicant_counts, match_applicants, normalize_name

REGISTER = pd.DataFrame(
    [
        ("000725", "京东方科技集团股份有限公司"),
        ("000725", "BOE Technology Group Co., Ltd."),
        ("000725", "北京京东方光电科技有限公司"),  # subsidiary
        ("000063", "中兴通讯股份有限公司"),
        ("000063", "ZTE Corporation"),
        ("002415", "杭州海康威视数字技术股份有限公司"),
        ("603986", "兆易创新科技集团股份有限公司"),
        ("688981", "中芯国际集成电路制造有限公司"),
        ("688981", "中芯国际集成电路制造(上海)有限公司"),  # subsidiary
        ("600000", "华夏光电有限公司"),
        ("600001", "华夏光电股份有限公司"),  # same normal form as 600000's: ambiguous
    ],
    columns=["firm_id", "name"],
)

# planted variant -> (the firm it must match, the method)
PLANTED = {
    "京东方科技集团有限公司": ("000725", "exact"),  # 有限公司 for 股份有限公司
    "京东方科技集团股份有限公司": ("000725", "exact"),
    "ＢＯＥ　Ｔｅｃｈｎｏｌｏｇｙ　Ｇｒｏｕｐ　ＣＯ．，ＬＴＤ．": ("000725", "exact"),  # full width
    "北京京东方光电科技有限公司": ("000725", "exact"),
    "中兴通讯股份有限公司南京分公司": ("000063", "prefix"),  # a branch
    "ZTE CORPORATION": ("000063", "exact"),
    "杭州海康威视数字技术股份有限公司": ("002415", "exact"),
    "杭州海康威视数子技术股份有限公司": ("002415", "fuzzy"),  # a typo
    "兆易创新科技集团股份有限公司": ("603986", "exact"),
    "中芯国际集成电路制造（上海）有限公司": ("688981", "exact"),  # full-width brackets
    "华夏光电有限公司": (None, "ambiguous"),
    "美国高通公司": (None, "unmatched"),
    "Cisco Systems, Inc.": (None, "unmatched"),
}


def test_planted_variants_are_matched_by_the_documented_rule():
    applicants = pd.DataFrame({"applicant": list(PLANTED), "n_records": np.arange(1, len(PLANTED) + 1) * 10})
    result = match_applicants(applicants, REGISTER).matches.set_index("applicant")
    for name, (firm, method) in PLANTED.items():
        got = result.loc[name]
        assert (got["firm_id"] if pd.notna(got["firm_id"]) else None, got["method"]) == (firm, method), name
    assert result.loc["杭州海康威视数子技术股份有限公司", "similarity"] == pytest.approx(2 * 9 / 20)


def test_match_report():
    applicants = pd.DataFrame({"applicant": list(PLANTED), "n_records": np.arange(1, len(PLANTED) + 1) * 10})
    match = match_applicants(applicants, REGISTER)
    assert match.match_rate == pytest.approx((10 / 13, (910 - 110 - 120 - 130) / 910))
    assert match.report(top=2) == (
        "matched 76.9% of 13 applicant names, 60.4% of records\n"
        "  exact             8 names          420 records\n"
        "  prefix            1 names           50 records\n"
        "  fuzzy             1 names           80 records\n"
        "  ambiguous         1 names          110 records\n"
        "  unmatched         2 names          250 records\n"
        "ambiguous (several firms): 华夏光电有限公司\n"
        "top unmatched: Cisco Systems, Inc. (130); 美国高通公司 (120)"
    )


def test_short_and_english_legal_forms():
    assert normalize_name("Cisco") == "cisco"
    assert normalize_name("公司") == "公司"
    assert normalize_name("ZTE Corp.") == normalize_name("zte corporation") == "zte"


def test_applicant_counts_in_one_pass(tmp_path):
    path = tmp_path / "applicants.csv"
    path.write_text(
        "applicant,patent_id\n京东方科技集团股份有限公司,P1\n京东方科技集团股份有限公司,P2\nZTE Corporation,P3\n,P4\n",
        encoding="utf-8",
    )
    counts = applicant_counts(path, max_bad_share=0.3)
    assert counts.values.tolist() == [["京东方科技集团股份有限公司", 2], ["ZTE Corporation", 1]]
    with pytest.raises(InputError, match="column 'applicant': missing value in a required column"):
        applicant_counts(path, max_bad_share=0.0)

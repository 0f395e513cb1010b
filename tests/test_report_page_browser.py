"""The run page in a real browser: Debian's chromium and chromedriver, driven by selenium, offline.

Nothing is downloaded: the browser and driver are the system's (``apt-get
install chromium chromium-driver``, as ``.ci/run`` does), started headless with
a fresh profile and networking features off. The page is opened from
``file://``; the test checks the console, every image, every link, that every
table of results.json is on the page, and that a screenshot is not blank.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd
import pytest

from report.bundle import BundleContent, write_bundle
from report.figures import event_study_plot
from report.page.content import Figure
from report.page.rebuild import write_run_index
from report.style import Style
from tests.test_report_tables import hostile_table

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)",
)


def _figure() -> Figure:
    points = pd.DataFrame({"event_time": [-3, -2, 0, 1, 2], "estimate": [0.01, -0.02, 0.1, 0.15, 0.2],
                           "lower": [-0.05, -0.08, 0.04, 0.08, 0.1], "upper": [0.07, 0.04, 0.16, 0.22, 0.3]})
    draw = lambda stem: event_study_plot({"Treated": points}, stem, reference=-1, title="Effect <by> year",
                                         xlabel="Event time", ylabel="Coefficient", note="A & B.")
    return Figure(draw, "Effect <by> year & 50% of firms", "95 % confidence intervals.")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Two bundles of one run and the run's index."""
    root = tmp_path_factory.mktemp("page") / "results"
    manifest = {"study": {"name": "s"}, "command": ["/x/.venv/bin/chokepoint", "run", "all", "--demo"],
                "data": {"kind": "demo", "simulated": True, "seed": 0, "firms": 40,
                         "files": [{"path": "demo/FS_Combas.csv", "bytes": 1234, "sha256": "ab" * 32}]},
                "panel": {"firms": 40, "firm_years": 600, "sample": "all", "sample_definition": "every firm",
                          "drops": [{"stage": "merge", "reason": "no balance sheet", "rows": 12}]}}
    second = replace(hostile_table(), label="second_table", title="Second")
    bundles = []
    for study, tables in (("alpha", [hostile_table(), second]), ("beta", [hostile_table()])):
        content = BundleContent(tables={t.label: t for t in tables}, figures={"alpha_effects": _figure()},
                                results={}, manifest={**manifest, "study": {"name": study}},
                                title=f"Study {study} <&>", description="What it asks.",
                                warnings=("Dropped collinear regressors: size",))
        bundles.append(write_bundle(root / study / "run1", content, formats=("latex", "md", "html", "csv"),
                                    style=Style()))
    (index,) = write_run_index(root, bundles)
    return root, bundles, index


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def _open(browser, path: Path) -> list[dict]:
    """Load ``path`` from file:// and return the console messages."""
    browser.get_log("browser")  # drop earlier messages
    browser.get(path.resolve().as_uri())
    browser.execute_script("return document.readyState")
    return browser.get_log("browser")


def _links_resolve(browser, page: Path) -> list[str]:
    """Every href and img src of the loaded page that does not resolve."""
    broken = []
    ids = set(browser.execute_script("return Array.from(document.querySelectorAll('[id]'), e => e.id)"))
    targets = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], img[src]'), e => e.href || e.src)")
    for url in targets:
        parsed = urlparse(url)
        assert parsed.scheme == "file", f"{url}: a page must not leave the disk"
        target = Path(unquote(parsed.path))
        if not target.is_file():
            broken.append(url)
        elif parsed.fragment and target == page.resolve() and parsed.fragment not in ids:
            broken.append(url)
    return broken


def test_bundle_page_in_chromium(run, browser, tmp_path):
    from PIL import Image

    _, bundles, _ = run
    bundle = bundles[0]
    page = bundle / "index.html"
    console = _open(browser, page)
    assert [m for m in console if m["level"] in ("SEVERE", "WARNING")] == []
    assert browser.title == "Study alpha <&> · chokepoint"
    images = browser.execute_script(
        "return Array.from(document.images, i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])")
    assert images == [["figures/alpha_effects.png", True, images[0][2], images[0][3]]]
    assert images[0][2] > 100 and images[0][3] > 100
    assert _links_resolve(browser, page) == []
    stored = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    for label, table in stored["tables"].items():
        caption = browser.execute_script(
            "const t = document.querySelector(`section#table-${arguments[0]} table#${arguments[0]} caption`);"
            "return t && t.textContent", label)
        assert caption == table["title"]
    cells = browser.execute_script("return Array.from(document.querySelectorAll('table#hostile_table td'), c => c.textContent)")
    assert "0.123***" in cells and "(0.046)" in cells
    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("L")
    (tmp_path / "page.png").write_bytes(browser.get_screenshot_as_png())
    pixels = np.asarray(shot)
    assert shot.size[0] >= 1000 and (pixels < 200).mean() > 0.02, "the screenshot is blank"
    printed = base64.b64decode(browser.print_page())
    assert printed.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", printed)) >= 2, "the print layout"


def test_run_index_links_every_study(run, browser):
    root, bundles, index = run
    assert index == root / "run1.html"
    console = _open(browser, index)
    assert [m for m in console if m["level"] in ("SEVERE", "WARNING")] == []
    assert _links_resolve(browser, index) == []
    links = browser.execute_script("return Array.from(document.querySelectorAll('a.title'), a => a.getAttribute('href'))")
    assert links == ["alpha/run1/index.html", "beta/run1/index.html"]
    browser.find_element("css selector", "a.title").click()
    assert browser.title == "Study alpha <&> · chokepoint"

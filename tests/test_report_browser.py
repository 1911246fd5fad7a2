"""The briefing in a real browser (Debian's headless Chromium through selenium), opened from
file:// as an analyst opens report.html: nothing fetched, a clean console, one bar per agreement
in force, links that land on their passages; the PDF Chromium prints; and /report, /path and the
network page's path picker on a real `forcegraph serve`."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pdfplumber
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from forcegraph import report
from forcegraph.draw import draw
from forcegraph.query import records

from conftest import REPO, chromium
from test_server import running_server

ID = "https://w3id.org/forcegraph/id/"
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def chrome():
    """Headless Chromium that keeps its console and its network log (every request it makes)."""
    driver = chromium("1300,1000", network_log=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def written(tmp_path_factory, seed_kg):
    """The whole report (HTML and PDF) for two dates."""
    out = {}
    for day in ("2019-06-01", "2016-06-01"):
        folder = tmp_path_factory.mktemp(f"report-{day}")
        built = report.build(seed_kg, date.fromisoformat(day))
        report.write(built, folder)
        out[day] = (built, folder)
    return out


def open_page(driver, url):
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)


def requests_made(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def bar_ids(driver, kind="bar-"):
    return driver.execute_script(f"return [...document.querySelectorAll('[id^=\"{kind}\"]')].map((e) => e.id)")


def test_the_report_opens_offline_with_a_clean_console(chrome, written):
    built, folder = written["2019-06-01"]
    url = (folder / "report.html").as_uri()
    open_page(chrome, url)
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Police collaboration briefing: all forces"
    assert requests_made(chrome) == [url]  # the page itself and nothing else
    assert [e for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    ARTIFACTS.mkdir(exist_ok=True)
    chrome.save_screenshot(str(ARTIFACTS / "report.png"))


def test_one_bar_per_agreement_in_force_and_the_date_changes_it(chrome, written, seed_kg):
    shown = {}
    for day, (built, folder) in written.items():
        open_page(chrome, (folder / "report.html").as_uri())
        in_force = {r["agreement"].rsplit("/", 1)[-1] for r in records(seed_kg, "agreements-in-force", {"as_of": day})}
        bars = bar_ids(chrome, "bar-in-force-")
        assert len(bars) == len(set(bars))
        shown[day] = {b.removeprefix("bar-in-force-") for b in bars}
        assert shown[day] == in_force
        assert chrome.find_element(By.ID, "n-agreements").text == str(len(in_force))
        assert chrome.find_element(By.ID, "as-of").text == day
    # The Chiltern agreement (December 2016) and the Single Online Home statement of intent
    # (April 2018) are in force in 2019, not in 2016.
    assert shown["2019-06-01"] - shown["2016-06-01"] == {"chiltern-transport-s22a-2016", "soh-statement-of-intent-2018"}


def test_every_link_to_a_passage_resolves_and_a_bar_lands_on_its_passage(chrome, written):
    built, folder = written["2019-06-01"]
    open_page(chrome, (folder / "report.html").as_uri())
    links, missing = chrome.execute_script("""
        const targets = [...document.querySelectorAll("a")].map((a) => a.getAttribute("href") || a.getAttribute("xlink:href"))
          .filter((h) => h && h.startsWith("#"));
        return [targets.length, targets.filter((h) => !document.getElementById(h.slice(1)))];""")
    assert links > 100 and missing == []
    assert len(chrome.find_elements(By.CSS_SELECTOR, "ol.passages li")) == len(built.passages.items)
    # The Seven Force bar links to the passage that states its first step.
    seven = chrome.find_element(By.CSS_SELECTOR, "#bar-in-force-seven-force-s22a-2015 path")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", seven)
    ActionChains(chrome).move_to_element(seven).click().perform()
    target = chrome.execute_script("return location.hash")
    passage = chrome.find_element(By.CSS_SELECTOR, target)
    assert "22 October 2015" in passage.text


def test_money_bars_are_drawn_to_the_documents_values(chrome, written):
    built, folder = written["2019-06-01"]
    open_page(chrome, (folder / "report.html").as_uri())
    heights = chrome.execute_script("""
        const h = (id) => document.querySelector(`#money-cambridgeshire-${id} path`).getBBox().height;
        return [h("spend-on-collaboration-2016-17"), h("spend-on-collaboration-2020-21"), h("savings-from-collaboration-2018-19")];""")
    # Seed 003, 7.1: spend £21.998m (2016/17) and £40.181m (2020/21), savings £1.090m (2018/19).
    assert heights[1] / heights[0] == pytest.approx(40.181 / 21.998, rel=0.01)
    assert heights[2] / heights[0] == pytest.approx(1.090 / 21.998, rel=0.02)


def test_the_pdf_has_the_reports_pages(written):
    built, folder = written["2019-06-01"]
    with pdfplumber.open(folder / "report.pdf") as pdf:
        text = [page.extract_text() or "" for page in pdf.pages]
    assert len(text) >= 5  # each section starts a page
    assert text[0].startswith("Police collaboration briefing: all forces")
    whole = "\n".join(text)
    for heading in ("Agreements timeline", "Money by financial year and organisation", "Who leads what on 2019-06-01",
                    "The network on 2019-06-01", "Where the documents disagree", "Passages"):
        assert heading in whole
    last = max(p["n"] for p in built.passages.items.values())
    assert f"{last}." in text[-1] or f"{last}." in text[-2]  # the passages run to the end


def test_served_report_path_and_the_network_pages_picker(chrome, tmp_path, seed_kg):
    draw(seed_kg, tmp_path / "out", date(2019, 6, 1))
    with running_server(tmp_path, "--out", tmp_path / "out") as (base, _):
        page = httpx.get(f"{base}/report", params={"as-of": "2016-06-01"}, timeout=60)
        assert page.status_code == 200 and 'datetime="2016-06-01"' in page.text
        assert 'id="bar-in-force-seven-force-s22a-2015"' in page.text
        assert 'id="bar-in-force-chiltern-transport-s22a-2016"' not in page.text
        bad = httpx.get(f"{base}/report", params={"as-of": "2016-02-30"}, timeout=60)
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/plain")
        assert "not a date" in bad.text and "Traceback" not in bad.text
        bad = httpx.get(f"{base}/path", params={"from": "Nowhere Constabulary", "to": "Kent Police"},
                        headers={"Accept": "application/json"}, timeout=60)
        assert bad.status_code == 404 and "Nowhere Constabulary" in bad.json()["error"]
        answer = httpx.get(f"{base}/path", params={"from": "Thames Valley Police", "to": "Cambridgeshire Constabulary"},
                           timeout=60).json()
        assert answer["paths"][0]["nodes"][1]["label"] == "Chiltern Transport Consortium"

        open_page(chrome, f"{base}/network/")
        for node, keys in ((ID + "force/thames-valley", []), (ID + "force/cambridgeshire", [Keys.SHIFT])):
            el = chrome.find_element(By.CSS_SELECTOR, f'#graph g.node[data-id="{node}"]')
            chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            chain = ActionChains(chrome)
            for k in keys:
                chain = chain.key_down(k)
            chain = chain.click(el)
            for k in keys:
                chain = chain.key_up(k)
            chain.perform()
        found = WebDriverWait(chrome, 30).until(lambda d: d.find_elements(By.ID, "path-list"))
        assert found[0].text.splitlines()[0] == "Thames Valley Police → Chiltern Transport Consortium → Cambridgeshire Constabulary"
        ARTIFACTS.mkdir(exist_ok=True)
        chrome.save_screenshot(str(ARTIFACTS / "network-path.png"))

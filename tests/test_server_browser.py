"""The query page in a real browser (Debian's headless Chromium driven by selenium) against a real
`forcegraph serve` process: run a library query with parameters, see the table, download it, and
write your own SPARQL. Screenshots go to tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from forcegraph.output import render
from forcegraph.query import run, run_sparql

from test_server import REPO, running_server

ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-browser")
    with running_server(folder, "--out", folder / "out") as (url, _):
        yield url


def open_page(browser, url):
    browser.get("about:blank")  # a fresh page, even when only the #fragment differs
    browser.get(url)


def wait(browser, condition, seconds=15):
    return WebDriverWait(browser, seconds).until(condition)


def result_rows(browser):
    """The header and rows of the result table, read in one call (cell by cell is slow)."""
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#results table")))
    return browser.execute_script("""
        const table = document.querySelector("#results table");
        return [[...table.querySelectorAll("th")].map((th) => th.textContent),
                [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.cells].map((td) => td.textContent))];""")


def test_a_library_query_runs_from_the_page(base, browser, seed_kg):
    params = {"collaboration": "Chiltern Transport Consortium", "as_of": "2019-06-01"}
    expected = run(seed_kg, "collaboration-members", params)
    browser.get_log("browser")  # only this page's console counts below
    open_page(browser, base + "/")
    wait(browser, ready.element_to_be_clickable((By.CSS_SELECTOR, '#library button[data-name="collaboration-members"]'))).click()
    assert browser.find_element(By.ID, "query-title").text == "Members of a collaboration on a date"
    for name, value in params.items():
        browser.find_element(By.CSS_SELECTOR, f'#params input[name="{name}"]').send_keys(value)
    browser.find_element(By.ID, "run").click()
    header, rows = result_rows(browser)
    assert header == expected.variables
    labels = [row[header.index("memberLabel")] for row in rows]
    assert labels == [r["memberLabel"] for r in expected.records()]
    assert "British Transport Police" in labels
    assert browser.find_element(By.ID, "status").text.startswith(f"{len(expected.rows)} rows")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "query-page.png"))
    csv_link = browser.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert httpx.get(csv_link).text == render(expected, "csv")
    # A clean console: no request the server answers 404 (a browser asks for /favicon.ico unless told).
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_your_own_sparql_runs_and_errors_are_shown(base, browser, seed_kg):
    open_page(browser, base + "/#who-leads-what")
    editor = wait(browser, ready.visibility_of_element_located((By.ID, "editor")))
    wait(browser, lambda b: "PREFIX" in editor.get_attribute("value"))
    assert not browser.find_element(By.ID, "edited-note").is_displayed()
    editor.send_keys(Keys.END, "\nLIMIT 3")
    assert browser.find_element(By.ID, "edited-note").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, '#params input[name="force"]').is_enabled()
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    header, rows = result_rows(browser)
    assert len(rows) == 3 and header[:2] == ["force", "forceLabel"]
    assert rows[0][1] == run(seed_kg, "who-leads-what").records()[0]["forceLabel"]

    browser.find_element(By.ID, "own-query").click()
    editor.clear()
    editor.send_keys("SELECT ?x WHERE { ?x ?y }")
    browser.find_element(By.ID, "run").click()
    error = wait(browser, ready.visibility_of_element_located((By.CSS_SELECTOR, "#results pre.error")))
    assert "SPARQL syntax error at line 1" in error.text
    assert browser.find_element(By.ID, "status").text.startswith("Error 400")


def test_clicking_a_thing_shows_where_the_documents_say_it(base, browser, seed_kg):
    open_page(browser, base + "/#who-leads-what")
    wait(browser, ready.element_to_be_clickable((By.ID, "run"))).click()
    result_rows(browser)
    link = browser.find_element(By.CSS_SELECTOR, "#results tbody tr td a")
    iri = link.get_attribute("title").splitlines()[0]
    link.click()
    wait(browser, ready.text_to_be_present_in_element((By.ID, "query-title"), "Where does it say that?"))
    wait(browser, lambda b: b.find_element(By.ID, "status").text.endswith("ms")
         and "where-does-it-say" in b.current_url)
    header, rows = result_rows(browser)
    expected = run(seed_kg, "where-does-it-say", {"entity": iri})
    assert len(rows) == len(expected.rows) > 0
    assert "excerpt" in header
    browser.save_screenshot(str(ARTIFACTS / "where-does-it-say.png"))


def test_the_page_shows_rdf_for_a_construct(base, browser, seed_kg):
    open_page(browser, base + "/")
    editor = wait(browser, ready.visibility_of_element_located((By.ID, "editor")))
    editor.clear()
    query = "CONSTRUCT WHERE { <https://w3id.org/forcegraph/id/force/kent> ?p ?o }"
    editor.send_keys(query)
    browser.find_element(By.ID, "run").click()
    shown = wait(browser, ready.visibility_of_element_located((By.CSS_SELECTOR, "#results pre.graph")))
    expected = run_sparql(seed_kg, query).graph
    assert len(expected) > 0
    assert isomorphic(Graph().parse(data=shown.text, format="turtle"), expected)
    assert browser.find_element(By.LINK_TEXT, "Turtle").get_attribute("href").startswith(base + "/sparql?query=")

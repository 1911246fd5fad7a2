"""The network page in a real browser (Debian's headless Chromium driven by selenium), opened from
file:// as a person would open out/network.html: the nodes are drawn, the date control changes
what is shown, hovering and clicking give the passages, and the console stays clean.
Screenshots go to tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from forcegraph import network
from forcegraph.draw import draw

from conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
ID = "https://w3id.org/forcegraph/id/"
BTP = ID + "force/btp"
AS_OF = date(2019, 6, 1)


@pytest.fixture(scope="module")
def page(tmp_path_factory, seed_kg):
    out = tmp_path_factory.mktemp("network-page")
    draw(seed_kg, out, AS_OF)
    return (out / "network.html").as_uri()


def open_page(browser, url):
    browser.get("about:blank")
    browser.get(url)
    browser.get_log("browser")  # start each test with an empty console


def console_errors(browser):
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def drawn(browser):
    """Node ids drawn, and those faded because they have no tie on the date."""
    return browser.execute_script("""
        const nodes = [...document.querySelectorAll("#graph g.node")];
        return [nodes.map((n) => n.dataset.id), nodes.filter((n) => n.classList.contains("absent")).map((n) => n.dataset.id),
                document.querySelectorAll("#graph path.edge").length];""")


def set_date(browser, day):
    browser.execute_script("""
        const input = document.getElementById("date");
        input.value = arguments[0];
        input.dispatchEvent(new Event("change"));""", day)


def screenshot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / name))


def test_the_page_draws_the_network_as_of_its_date(page, browser, seed_kg):
    open_page(browser, page)
    every = network.collaboration_graph(seed_kg)
    on_date = network.collaboration_graph(seed_kg, AS_OF)
    ids, absent, edges = drawn(browser)
    # Every node of any date keeps its place; those without a tie on 2019-06-01 are faded: the
    # three agreements the documents give no date for.
    assert set(ids) == set(every.nodes)
    assert set(absent) == set(every.nodes) - set(on_date.nodes)
    assert {a.rsplit("/", 1)[-1] for a in absent} == {
        "bch-memorandums-of-understanding-2017-report", "bch-strategic-policing-alliance-mou-pcc", "soh-s22a"}
    assert edges == on_date.number_of_edges()
    assert browser.find_element(By.ID, "title").text == "Forces, collaborations and agreements — as of 2019-06-01"
    assert "Legend" in browser.find_element(By.ID, "legend").text
    assert "leads or hosts" in browser.find_element(By.ID, "legend").text
    screenshot(browser, "network-collaborations.png")
    assert console_errors(browser) == []


def test_the_date_control_shows_btp_joining(page, browser):
    open_page(browser, page)
    set_date(browser, "2019-04-30")
    assert BTP in drawn(browser)[1]  # faded: not yet a member or party
    assert browser.find_element(By.ID, "title").text.endswith("as of 2019-04-30")
    # The last change before: the Single Online Home report of 4 April 2019, from whose date the
    # ties it states are known (docs/design.md, what is known on a date).
    assert browser.find_element(By.ID, "change-label").text == "since the change of 2019-04-04"
    set_date(browser, "2019-05-01")
    assert BTP not in drawn(browser)[1]
    # Stepping back a year, and "every date" (everything ever recorded: nothing faded).
    browser.find_element(By.ID, "year-back").click()
    assert browser.find_element(By.ID, "date").get_attribute("value") == "2018-05-01"
    assert BTP in drawn(browser)[1]
    browser.find_element(By.ID, "all-dates").click()
    assert drawn(browser)[1] == []
    assert browser.find_element(By.ID, "title").text.endswith("as of any date (everything recorded)")
    assert console_errors(browser) == []


def test_hover_and_click_give_the_passage(page, browser):
    open_page(browser, page)
    node = browser.find_element(By.CSS_SELECTOR, f'#graph g.node[data-id="{BTP}"] .shape')
    ActionChains(browser).move_to_element(node).perform()
    tooltip = browser.find_element(By.ID, "tooltip")
    assert tooltip.is_displayed() and "British Transport Police" in tooltip.text
    screenshot(browser, "network-hover.png")
    ActionChains(browser).click(node).perform()
    details = browser.find_element(By.ID, "details-body")
    assert "member" in details.text and "Chiltern Transport Consortium" in details.text
    links = [a.get_attribute("href") for a in details.find_elements(By.CSS_SELECTOR, "a")]
    # BCB paper 16 May 2019 §3.2 says BTP joins the consortium from 1 May 2019.
    assert ID + "passage/bcb-2019-05-16-ctc/p3-2-a" in links
    assert "joining the consortium from the 1st May 2019" in details.text
    assert console_errors(browser) == []


@pytest.mark.parametrize("name", ["forces", "services", "governance"])
def test_every_view_draws(page, browser, seed_kg, name):
    open_page(browser, page)
    browser.find_element(By.CSS_SELECTOR, f'#tabs button[data-view="{name}"]').click()
    expected = network.graphs(seed_kg, AS_OF)[name]
    ids, absent, edges = drawn(browser)
    assert set(ids) - set(absent) == set(expected.nodes)
    assert edges == expected.number_of_edges()
    assert browser.find_element(By.ID, "title").text == f"{network.TITLES[name]} — as of 2019-06-01"
    screenshot(browser, f"network-{name}.png")
    assert console_errors(browser) == []


def test_a_graph_with_nothing_to_govern_still_draws_cleanly(tmp_path, browser, minimal_kg):
    """The minimal graph has forces, one agreement and one alliance, but no services and no
    governance bodies: those views say so instead of breaking the page."""
    draw(minimal_kg, tmp_path)
    open_page(browser, (tmp_path / "network.html").as_uri())
    assert set(drawn(browser)[0]) == set(network.collaboration_graph(minimal_kg).nodes)
    for name in ("services", "governance"):
        browser.find_element(By.CSS_SELECTOR, f'#tabs button[data-view="{name}"]').click()
        assert drawn(browser)[0] == []
        assert browser.find_element(By.CSS_SELECTOR, "#graph text.empty").text == "Nothing of this kind is recorded in the graph."
    browser.find_element(By.ID, "year-on").click()  # from every date to a dated view
    assert console_errors(browser) == []

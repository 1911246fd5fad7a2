"""The review page in headless Chromium against a real `forcegraph review serve` process (started
here on 127.0.0.1 and stopped by its PID): a candidate shows beside its passage with the evidence
highlighted, and clicking Accept changes its status on disk. The page logs no console errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from forcegraph import candidates as store
from forcegraph.vocab import ID
from test_layout import layout_problems
from test_server import PACKAGE_ROOT, REPO, free_port
from conftest import stop

DOC = "cpcc-2019-007"


@pytest.fixture()
def review_server(tmp_path):
    for name in ("graph", "sources"):
        shutil.copytree(REPO / name, tmp_path / name)
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    subprocess.run([sys.executable, "-m", "forcegraph", "candidates", DOC], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    port = free_port()
    log = open(tmp_path / "review.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "forcegraph", "review", "serve", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "review.log").read_text()
            try:
                if httpx.get(f"{base}/api/candidates", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "review.log").read_text()
            time.sleep(0.1)
        yield base, tmp_path
    finally:
        stop(proc)
        log.close()


def test_accept_from_the_page_changes_the_status_on_disk(review_server, browser):
    base, folder = review_server
    browser.get_log("browser")  # only this page's console counts below
    browser.get(base + "/")
    wait = WebDriverWait(browser, 15)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "section.candidate"))
    # A date candidate: its evidence words are marked inside the passage's excerpt.
    date = next(c for c in store.read(folder / "candidates", DOC) if c.kind == "date" and c.status == "proposed")
    card = browser.find_element(By.CSS_SELECTOR, f'section.candidate[data-id="{DOC}/{date.n}"]')
    mark = card.find_element(By.CSS_SELECTOR, ".passage mark")
    assert mark.text.split()[-1] in card.find_element(By.CSS_SELECTOR, ".passage .excerpt").text
    assert "2021" in mark.text or "2019" in mark.text
    card.find_element(By.CSS_SELECTOR, 'button[data-action="accept"]').click()
    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f'section.candidate[data-id="{DOC}/{date.n}"]')
               .get_attribute("data-status") == "accepted")
    on_disk = next(c for c in store.read(folder / "candidates", DOC) if c.n == date.n)
    assert on_disk.status == "accepted"
    lines = (folder / "graph" / "seeds" / "004a-seven-force.trig").read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith(f"# Accepted candidate {DOC}/{date.n} "))
    # in the passage's graph, right after a block of that graph, the file's layout kept
    passage = f"<{str(date.passage).removeprefix(str(ID))}> {{"
    assert lines[at + 1] == passage and lines[at - 1] == "}"
    assert [ln for ln in lines[:at] if ln.endswith(" {")][-1] == passage
    assert layout_problems("\n".join(lines)) == []
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []

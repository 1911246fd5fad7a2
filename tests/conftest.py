import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import forcegraph
from forcegraph.cli import cli

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
# The five seed files and the reference data: the graph whose network values, query answers and
# engine comparisons the tests work out by hand. The corpus documents (graph/corpus) have their
# own coverage facts and are checked in the whole graph (full_kg).
SEED_GRAPH = (REPO / "graph" / "seeds", REPO / "graph" / "reference")
SEED_ARGS = ("--graph", SEED_GRAPH[0], "--graph", SEED_GRAPH[1])


@pytest.fixture(scope="session", autouse=True)
def store_cache(tmp_path_factory) -> Path:
    """Built stores (store.py) go to a folder of the session's, not the project's cache: every
    test starts from no build, and a graph in a test's temporary folder leaves nothing behind."""
    folder = tmp_path_factory.mktemp("store-cache")
    os.environ["FORCEGRAPH_CACHE"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seed_kg():
    """The seed graph (SEED_GRAPH), loaded and reasoned once for the session. Tests must not change it."""
    kg = forcegraph.load(list(SEED_GRAPH))
    forcegraph.reason(kg)
    return kg


@pytest.fixture(scope="session")
def full_kg():
    """The whole graph (graph/: seeds, corpus, added documents), loaded and reasoned once."""
    kg = forcegraph.load([REPO / "graph"])
    forcegraph.reason(kg)
    return kg


@pytest.fixture()
def minimal_kg():
    kg = forcegraph.load([DATA / "valid" / "minimal.trig"])
    forcegraph.reason(kg)
    return kg


@pytest.fixture()
def run_cli():
    """Drive the real CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def chromium(window: str = "1440,1000", network_log: bool = False):
    """Debian's headless Chromium through ChromeDriver, with the page console kept for checks (and
    with `network_log`, every request the page makes)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window}"):
        options.add_argument(arg)
    logs = {"browser": "ALL", **({"performance": "ALL"} if network_log else {})}
    options.set_capability("goog:loggingPrefs", logs)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


@pytest.fixture(scope="session")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc: subprocess.Popen, url: str, what: str, seconds: float = 120) -> None:
    """Wait until `url` answers; fail, with the server's own words, if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"{what} exited: {proc.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not start in {seconds:g} s")
            time.sleep(0.05)


@pytest.fixture()
def project_copy(tmp_path):
    """A copy of the real graph/ and sources/ to change (never the repository's own)."""
    shutil.copytree(REPO / "graph", tmp_path / "graph")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    return tmp_path


def stop(proc: subprocess.Popen) -> None:
    """Stop a server the test started, by its PID: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()

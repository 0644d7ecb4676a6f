"""The dashboard in a real browser (Debian Chromium driven by Playwright) against a fresh server.

What only a browser shows: a shared link opened as the very first request after the server
starts, the map's canvas, filters that survive a page switch, downloads, and markup in a link
shown as text. Screenshots of every page go to ``test-artifacts/``: look at them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from analysis.dataset import BUNDLED_DIR, load_dataset
from analysis.filters import Filters
from analysis.queries import cooccurrence_matrix, export_records, overview, shared_events, top_actors
from analysis.schema import validate_tables
from analysis.store import EventStore
from tests.conftest import fill_missing_columns, fixture_tables

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PORTS = range(8601, 8610)
PAGES = [("Timeline", "Timeline"), ("Map", "Map"), ("Actors", "Actors"), ("Events", "Events"),
         ("About the data", "About_the_data"), ("Overview", "")]
WAIT_MS = 30_000

if not Path(CHROMIUM).exists():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (tests/run.sh does)",
                    pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run the browser tests",
                allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402 - only once Chromium is known to exist


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _fill(store: EventStore) -> None:
    """The bundled dataset when it is there, else the tiny fixture."""
    if (BUNDLED_DIR / "events.csv").exists():
        load_dataset(store)
    else:
        store.write_tables(validate_tables(fill_missing_columns(fixture_tables())))


@pytest.fixture(scope="module")
def expected():
    """Figures for the Niger filter, from a separate in-memory copy of the same data."""
    with EventStore(":memory:") as store:
        _fill(store)
        niger = Filters(countries=("NER",))
        actors, pairs, _ = top_actors(store, Filters(), 30)
        matrix = cooccurrence_matrix(pairs, actors, top=25)
        i, j = max(((i, j) for i in range(len(matrix)) for j in range(len(matrix)) if i != j),
                   key=lambda cell: matrix.iat[cell])
        ids = dict(zip(actors["name"], actors["actor_id"], strict=True))
        shared = shared_events(store, Filters(), [ids[matrix.index[i]], ids[matrix.columns[j]]])
        return {"niger_events": overview(store, niger)["events"], "niger_records": export_records(store, niger),
                "cell": (i, j, len(matrix), len(shared))}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free port with its own store; nothing has requested a page yet."""
    folder = tmp_path_factory.mktemp("server")
    path = folder / "events.duckdb"
    with EventStore(str(path)) as store:
        _fill(store)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below, after the server stops
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "EVENTS_DB": str(path)}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.close()
            raise RuntimeError("the server did not start:\n" + (folder / "server.log").read_text())
        time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser_page():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        yield page
        browser.close()


def settle(page: Page) -> None:
    """Wait until the script run has finished and its output is on screen."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1')
    page.wait_for_timeout(600)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def assert_niger_view(page: Page, title: str, expected: dict) -> None:
    expect(page.locator("h1").first).to_have_text(title)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{title}: an exception is shown"
    countries = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    expect(countries).to_contain_text("Niger")
    sentence = f"{expected['niger_events']:,} events"
    expect(page.locator('[data-testid="stMainBlockContainer"]')).to_contain_text(sentence)
    assert "country=NER" in page.url, page.url


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_first_request_deep_link_then_every_page_keeps_the_filter(server, browser_page, expected):
    page = browser_page
    page.goto(server + "/Map?country=NER")
    settle(page)
    assert_niger_view(page, "Map", expected)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    page.wait_for_timeout(1500)
    shot(page, "map")
    image = Image.open(io.BytesIO(page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot()))
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50, "the map drew land, sea, borders, arcs and places"

    for label, path in PAGES:
        page.locator('[data-testid="stSidebar"] a', has_text=label).first.click()
        page.wait_for_url(f"{server}/{path}?**")
        settle(page)
        assert_niger_view(page, label, expected)
        page.wait_for_timeout(800)
        shot(page, (path or "overview").lower())


def test_selecting_marks_on_the_timeline_lists_those_events(server, browser_page, expected):
    page = browser_page
    page.goto(server + "/Timeline?country=NER")
    settle(page)
    plot = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first
    box = plot.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 3, steps=8)
    page.mouse.up()
    selected = page.get_by_text("selected event")
    expect(selected).to_be_visible()
    settle(page)
    shown = int(selected.inner_text().split()[0].replace(",", ""))
    assert 0 < shown <= expected["niger_events"]
    shot(page, "timeline-selection")


def test_clicking_a_heatmap_cell_lists_the_shared_events(server, browser_page, expected):
    page = browser_page
    page.goto(server + "/Actors")
    settle(page)
    i, j, n, count = expected["cell"]
    page.wait_for_selector('[data-testid="stPlotlyChart"] .heatmaplayer')
    page.wait_for_timeout(1500)
    grid = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first.bounding_box()
    x, y = grid["x"] + grid["width"] * (j + 0.5) / n, grid["y"] + grid["height"] * (i + 0.5) / n
    for step in range(20):  # plotly picks the point under the mouse on hover, once the chart is drawn
        page.mouse.move(x + step % 2, y)
        page.wait_for_timeout(250)
        if page.locator(".hoverlayer .hovertext").count():
            break
    page.mouse.click(x, y)
    listed = page.locator('[data-testid="stMarkdownContainer"]', has_text=re.compile(r": \d+ events? together"))
    expect(listed).to_have_count(1)
    settle(page)
    assert listed.inner_text().split(": ")[-1].startswith(f"{count} event")
    listed.scroll_into_view_if_needed()
    shot(page, "actors-cell")


def test_csv_download_holds_exactly_the_filtered_events(server, browser_page, expected):
    page = browser_page
    page.goto(server + "/Events?country=NER")
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^CSV \(")).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert sorted(r["event_id"] for r in rows) == sorted(r["event_id"] for r in expected["niger_records"])


def test_png_for_slides_is_an_image(server, browser_page):
    page = browser_page
    page.goto(server + "/Timeline?country=NER")
    settle(page)
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="PNG for slides").first.click()
    data = Path(download.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_markup_in_a_link_shows_as_text(server, browser_page):
    page = browser_page
    page.goto(server + "/Events?country=NER&outlet=" + urllib.parse.quote("<b>x</b>"))
    settle(page)
    alert = page.locator('[data-testid="stAlert"]').first
    expect(alert).to_contain_text("<b>x</b>")
    assert alert.locator("b").count() == 0
    shot(page, "bad-link")


@pytest.mark.skipif(not os.environ.get("UPDATE_SCREENSHOTS"),
                    reason="set UPDATE_SCREENSHOTS=1 to refresh docs/screenshots")
def test_readme_screenshots(server, browser_page):
    """The README's screenshots: every page at 1280x720 with the bundled data and no filter."""
    page = browser_page
    folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in (("overview", ""), ("timeline", "Timeline"), ("map", "Map"), ("actors", "Actors"),
                       ("events", "Events"), ("about", "About_the_data")):
        page.goto(f"{server}/{path}")
        settle(page)
        page.wait_for_timeout(4000 if name in ("map", "overview") else 1500)
        page.screenshot(path=str(folder / f"{name}.png"))

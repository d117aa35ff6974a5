"""Browser test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked ``e2e`` (deselect with ``-m "not e2e"``) and the whole folder
is skipped, with its reason shown in the summary, when no Chromium binary is available. Set
``CHROMIUM_PATH`` to use another binary and ``E2E_SHOTS_DIR`` to keep a copy of every screenshot.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API keeps an asyncio loop running in the test thread; without this, every ORM
# call made by a fixture or a test raises SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests ``e2e``, and skip them all when Chromium is missing."""
    skip = None
    if not Path(CHROMIUM_PATH).is_file():
        skip = pytest.mark.skip(reason=f"e2e: no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")
    for item in items:
        if E2E_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        # WhiteNoise looks for a collected STATIC_ROOT; the live server serves static files itself.
        item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (own cookies); every context is closed after the test."""
    contexts = []

    def open_page(viewport=None, **options):
        options.setdefault("locale", "fr-FR")
        # Bootstrap drops its transitions under reduced motion: no half-open menu in a screenshot.
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(20_000)  # shared, noisy machines: a first page can take seconds
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280x900, fr-FR) in its own context."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (390x844, touch) in its own context."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def login(page, live_server, user, password: str = PASSWORD):
    """Sign in through allauth's real login form and wait for the redirect away from it."""
    page.goto(f"{live_server.url}/comptes/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.locator('form[action$="/comptes/login/"] [type="submit"]').click()
    return page


def screenshot(page, tmp_path: Path, name: str) -> Path:
    """Save a full-page PNG in the test's tmp_path (and in $E2E_SHOTS_DIR if set); return its path."""
    path = Path(tmp_path) / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    shots_dir = os.environ.get("E2E_SHOTS_DIR")
    if shots_dir:
        Path(shots_dir).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(shots_dir) / path.name)
    return path


def assert_styled(page) -> None:
    """Bootstrap and app.css are linked and were served with rules (the live server serves /static/)."""
    hrefs = page.eval_on_selector_all('link[rel="stylesheet"]', "links => links.map(link => link.href)")
    assert any(href.endswith("/bootstrap.min.css") for href in hrefs), hrefs
    assert any(href.endswith("/css/app.css") for href in hrefs), hrefs
    assert broken_stylesheets(page) == []


def broken_stylesheets(page) -> list[str]:
    """URLs of the page's stylesheets that did not load or hold no rules."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('link[rel="stylesheet"]'))
            .filter(link => { try { return !link.sheet || link.sheet.cssRules.length === 0; }
                              catch (e) { return true; } })
            .map(link => link.href)"""
    )

"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

No browser is ever downloaded: the tests use the system Chromium at /usr/bin/chromium
(override with MAATWERK_CHROMIUM). Every test in this folder is marked ``browser``, so
``pytest -m "not browser"`` skips them all, and ``xdist_group("browser")``, so that
``make test`` runs them on one worker.
"""

import os
from pathlib import Path

import pytest
from browser_support import Site, watch_policy_errors

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# check would otherwise refuse every ORM call made from the test (demo data, asserts).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("MAATWERK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Playwright's default of 30 s hides a hang for long; the live server answers in ms.
TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            # Under `make test` (pytest-xdist, --dist loadgroup) the browser tests run
            # one after another on one worker: one Chromium, and a live server that
            # does not compete with a second browser for the two cores (Playwright's
            # timeouts are 10 s).
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (set MAATWERK_CHROMIUM)")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    # An English-speaking browser on purpose: the app must ignore Accept-Language and
    # speak Dutch until the user picks another language (the tests check <html lang>).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    policy_errors = watch_policy_errors(context)
    yield context
    context.close()
    assert not policy_errors, "\n".join(policy_errors)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def demo(transactional_db):
    """The demo data (organisations, teams, one user per role), keyed by username."""
    from maatwerk.demo.load import create_demo_data

    return {login.username: login for login in create_demo_data()}


@pytest.fixture
def demo_password(settings):
    return settings.DEMO_PASSWORD


@pytest.fixture
def site(live_server):
    return Site(live_server.url)

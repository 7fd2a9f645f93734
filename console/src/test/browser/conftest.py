"""Fixtures of the console's browser tests: settings from the environment, Debian's Chromium, a page logged in
(HTTP Basic) as the operator, or as the reader, that records every console error and uncaught exception and fails
the test that caused one."""
import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 800}


def setting(name, default=None):
    value = os.environ.get(name, default)
    if not value:
        pytest.fail(f"environment variable {name} is not set (see run-tests.sh)", pytrace=False)
    return value.rstrip("/") if name.endswith("_URL") else value


@pytest.fixture(scope="session")
def console_url():
    return setting("CONSOLE_URL")


@pytest.fixture(scope="session")
def ingest_url():
    return setting("INGEST_URL")


@pytest.fixture(scope="session")
def operator_login():
    return {"username": setting("OPERATOR_USERNAME"), "password": setting("OPERATOR_PASSWORD")}


@pytest.fixture(scope="session")
def reader_login():
    return {"username": setting("READER_USERNAME"), "password": setting("READER_PASSWORD")}


@pytest.fixture(scope="session")
def screenshot_dir():
    path = setting("SCREENSHOT_DIR")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (run-tests.sh does)", pytrace=False)
    with sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile (user-data-dir) of its own, removed on close.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def logged_in_page(browser, console_url, login):
    """A page of a new context whose browser answers the console's login prompt with login."""
    context = browser.new_context(viewport=VIEWPORT, base_url=console_url, http_credentials=login)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(f"console error: {message.text} at {message.location}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.console_errors = errors
    yield page
    seen = list(errors)  # before closing: closing aborts the live stream
    context.close()
    assert not seen, "the page logged errors:\n" + "\n".join(seen)


@pytest.fixture
def page(browser, console_url, operator_login):
    """Logged in as the operator: everything of the page is theirs."""
    yield from logged_in_page(browser, console_url, operator_login)


@pytest.fixture
def reader_page(browser, console_url, reader_login):
    """Logged in as the reader: the page, but neither the dead letters themselves nor re-drive nor resume."""
    yield from logged_in_page(browser, console_url, reader_login)

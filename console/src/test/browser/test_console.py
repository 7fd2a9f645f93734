"""The console page in a real browser, against a running console and pipeline.

Inputs (environment): CONSOLE_URL, INGEST_URL, SCREENSHOT_DIR; OPERATOR_USERNAME, OPERATOR_PASSWORD, READER_USERNAME,
READER_PASSWORD: the HTTP Basic logins of the console and ingest-service (the page fixture logs in as the operator,
reader_page as the reader); POISON_REASON (default "undecodable"): the reason of a poison record already
dead-lettered; FIXABLE_DEAD_LETTER_REASON: the reason of dead letters that pass validation when re-driven now
(ConsoleBrowserIT produces both before it runs these tests).
Every wait is on a condition of the page, with a deadline.
"""
import base64
import json
import os
import re
import urllib.request

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from conftest import setting

VIEWS = [("overview", "Overview"), ("topics", "Topics"), ("messages", "Messages"), ("runs", "Runs"),
         ("dead-letters", "Dead letters"), ("schemas", "Schemas"), ("users", "Users")]
SERVERS = ["kafka", "schema-registry", "ingest-service", "stream-processor", "user-store-service", "cassandra", "airflow"]
RUN_DEADLINE_MS = 240_000
REDRIVE_DEADLINE_MS = 120_000


def open_console(page):
    page.goto("/")
    expect(page.locator("#live-state")).to_have_text("live")
    for name in SERVERS:
        expect(page.locator(f'[data-testid=server][data-name="{name}"]')).to_be_visible()


def open_view(page, view, label):
    page.get_by_role("tab", name=label, exact=True).click()
    expect(page.get_by_role("tab", name=label, exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#view-{view}")).to_be_visible()


def browse_latest(page, topic):
    page.get_by_label("Topic", exact=True).select_option(topic)
    page.get_by_label("Offset", exact=True).fill("latest")
    page.get_by_role("button", name="Show records").click()
    expect(page.locator("[data-testid=record]").first).to_be_visible()


def test_every_view_renders_without_errors_and_lists_every_server(page):
    open_console(page)
    statuses = page.locator("[data-testid=server]").evaluate_all("els => els.map(e => e.dataset.status)")
    assert all(s in ("UP", "SLOW", "DOWN", "UNREACHABLE") for s in statuses), statuses
    for view, label in VIEWS:
        open_view(page, view, label)
        expect(page.locator(f"#view-{view} h2")).to_be_visible()
    open_view(page, "topics", "Topics")
    expect(page.locator('[data-testid=topic][data-topic="users_created"]')).to_be_visible()
    expect(page.locator("#rate-chart canvas")).to_be_visible()
    open_view(page, "messages", "Messages")
    browse_latest(page, "users_created")
    # Records of users_created are in the registry's wire format: the page names the schema id and version.
    schema = re.compile(r"id \d+, users_created-value version \d+")
    expect(page.locator("[data-testid=record-schema]", has_text=schema).first).to_be_visible()
    open_view(page, "schemas", "Schemas")
    expect(page.locator('[data-testid=schema][data-subject="users_created-value"]')).to_be_visible()
    open_view(page, "users", "Users")
    expect(page.locator("#users-latest")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#users-latest .error")).to_have_count(0)
    assert page.console_errors == []


def basic_authorization(login):
    return "Basic " + base64.b64encode(f"{login['username']}:{login['password']}".encode()).decode()


def test_a_run_shows_as_a_funnel_until_every_published_user_is_stored(page, ingest_url, operator_login):
    request = urllib.request.Request(f"{ingest_url}/api/v1/ingestions", method="POST",
                                     data=json.dumps({"source": "faker", "count": 2000, "seed": "browser-test"}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": basic_authorization(operator_login)})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        run_id = json.load(response)["id"]
    open_console(page)
    open_view(page, "runs", "Runs")
    run = page.locator(f'#runs-list [data-testid=run][data-run-id="{run_id}"]')
    expect(run).to_be_visible()
    expect(run.locator("progress")).to_have_count(6)
    try:
        page.wait_for_function("""runId => {
            const run = document.querySelector(`#runs-list [data-run-id="${runId}"]`);
            const count = stage => Number(run && run.querySelector(`[data-stage="${stage}"] [data-testid=count]`).dataset.value);
            return run && count('published') === 2000 && count('stored') === count('published');
        }""", arg=run_id, timeout=RUN_DEADLINE_MS, polling=500)
    except PlaywrightTimeoutError:
        raise AssertionError(f"within {RUN_DEADLINE_MS // 1000} s the page did not show stored == published == 2000; "
                             f"it shows:\n{run.inner_text()}") from None
    expect(run.locator("[data-testid=run-state]")).to_have_text("SUCCEEDED")
    stored = run.locator('[data-stage="stored"] progress')
    assert stored.get_attribute("value") == "2000" and stored.get_attribute("max") == "2000"


def test_the_poison_record_shows_under_its_reason_with_a_sample(page):
    reason = os.environ.get("POISON_REASON", "undecodable")
    open_console(page)
    open_view(page, "dead-letters", "Dead letters")
    group = page.locator(f'[data-testid=dl-group][data-reason="{reason}"]').first
    expect(group).to_be_visible()
    expect(group.locator("[data-testid=dl-sample]").first).to_be_visible()
    assert int(group.locator("[data-testid=dl-group-count]").inner_text().replace(",", "")) >= 1


def test_redriving_a_reason_from_the_page_sends_its_dead_letters_and_they_resolve(page, operator_login):
    reason = setting("FIXABLE_DEAD_LETTER_REASON")
    operator = operator_login["username"]
    open_console(page)
    open_view(page, "dead-letters", "Dead letters")
    # Who re-drives is the page's login: the page says so, and asks for no name.
    expect(page.locator("[data-testid=redrive-as]")).to_contain_text(operator)
    expect(page.locator("[data-testid=dl-needs-operator]")).to_be_hidden()
    page.get_by_label("Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Filter", exact=True).click()
    # The list as filtered (the view's first, unfiltered list may still be on its way when Filter is clicked).
    expect(page.locator("#dl-list caption")).to_contain_text("matching the filter")
    rows = page.locator(f'#dl-list [data-testid=dl-row]')
    expect(rows.first).to_be_visible()
    waiting = rows.evaluate_all("rows => rows.filter(r => r.dataset.status !== 'RESOLVED').map(r => r.dataset.id)")
    assert waiting, f"no unresolved dead letter with reason {reason}"
    # Dead letters of this reason another test resolved already (the stack is shared) are skipped, and say why.
    resolved = rows.evaluate_all("rows => rows.filter(r => r.dataset.status === 'RESOLVED').map(r => r.dataset.id)")

    page.locator(f'[data-testid=redrive-reason][data-reason="{reason}"]').first.click()
    expect(page.locator("[data-testid=redrive-sent-count]")).to_be_visible()
    sent = page.locator("[data-testid=redrive-sent]").evaluate_all("items => items.map(i => i.dataset.id)")
    assert set(waiting) <= set(sent), f"sent {sent}, expected every one of {waiting}"
    skipped = page.locator("[data-testid=redrive-skipped]")
    expect(skipped).to_have_count(len(resolved))
    assert sorted(skipped.evaluate_all("items => items.map(i => i.dataset.id)")) == sorted(resolved)
    for item in skipped.all():
        expect(item).to_contain_text("already resolved")
    # The answer, and the audit log read back from Kafka: both name the login that re-drove.
    expect(page.locator("#redrive-answer")).to_contain_text(f"by {operator}")
    expect(page.locator("#redrive-audit [data-testid=audit-row]").first).to_contain_text(operator)

    try:
        page.wait_for_function("""ids => ids.every(id =>
            [...document.querySelectorAll('#dl-list [data-testid=dl-row]')].some(r => r.dataset.id === id && r.dataset.status === 'RESOLVED'))""",
                               arg=waiting, timeout=REDRIVE_DEADLINE_MS, polling=500)
    except PlaywrightTimeoutError:
        raise AssertionError(f"within {REDRIVE_DEADLINE_MS // 1000} s not every re-driven dead letter showed RESOLVED; the list shows:\n"
                             + page.locator("#dl-list").inner_text()) from None


def test_tabs_walk_with_arrow_keys_and_the_redrive_button_is_reached_with_tab(page):
    open_console(page)
    ids = [f"tab-{view}" for view, _ in VIEWS]

    def focused():
        return page.evaluate("document.activeElement && document.activeElement.id")

    for _ in range(20):
        page.keyboard.press("Tab")
        if focused() in ids:
            break
    assert focused() == "tab-overview", "the selected tab is in the Tab order, the others are not"

    def expect_selected(tab_id):
        assert focused() == tab_id
        expect(page.locator(f"#{tab_id}")).to_have_attribute("aria-selected", "true")
        expect(page.locator(f"#view-{tab_id[4:]}")).to_be_visible()

    for tab_id in ids[1:]:
        page.keyboard.press("ArrowRight")
        expect_selected(tab_id)
    page.keyboard.press("ArrowRight")
    expect_selected(ids[0])
    page.keyboard.press("ArrowLeft")
    expect_selected(ids[-1])
    page.keyboard.press("Home")
    expect_selected(ids[0])
    page.keyboard.press("End")
    expect_selected(ids[-1])
    page.keyboard.press("Home")
    for _ in range(ids.index("tab-dead-letters")):
        page.keyboard.press("ArrowRight")
    expect_selected("tab-dead-letters")

    for _ in range(80):
        page.keyboard.press("Tab")
        if focused() == "redrive-selected":
            break
    assert focused() == "redrive-selected", "Tab reaches the re-drive button"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "focus is visible"
    # Operable by keyboard: without a selection it asks for one instead of re-driving.
    page.keyboard.press("Enter")
    expect(page.locator("#redrive-answer .error")).to_be_visible()


def test_a_reader_sees_the_page_and_the_dead_letters_counts_but_cannot_redrive(reader_page, reader_login):
    page = reader_page
    reason = os.environ.get("POISON_REASON", "undecodable")
    open_console(page)
    expect(page.locator("[data-testid=caller]")).to_contain_text(f"logged in as {reader_login['username']} (reader)")
    for view, label in VIEWS:
        open_view(page, view, label)
        expect(page.locator(f"#view-{view} h2")).to_be_visible()
    open_view(page, "dead-letters", "Dead letters")
    expect(page.locator("[data-testid=dl-needs-operator]")).to_be_visible()
    expect(page.locator("[data-testid=dl-needs-operator]")).to_contain_text("operator")
    # The counts by reason, from the live feed; no samples (keys, errors) and nothing to re-drive or list.
    group = page.locator(f'[data-testid=dl-group][data-reason="{reason}"]').first
    expect(group).to_be_visible()
    assert int(group.locator("[data-testid=dl-group-count]").inner_text().replace(",", "")) >= 1
    expect(page.locator("[data-testid=dl-sample]")).to_have_count(0)
    expect(page.locator("[data-testid=redrive-reason]")).to_have_count(0)
    expect(page.locator("[data-testid=dl-operator]")).to_be_hidden()
    expect(page.locator("#view-runs [data-action=resume]")).to_have_count(0)
    # And the console itself refuses it: 403, as a problem.
    answer = page.request.post("/api/v1/dead-letters/redrive", data={"reason": reason})
    assert answer.status == 403, f"{answer.status} {answer.text()}"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert page.request.get("/api/v1/dead-letters?limit=1").status == 403


def test_screenshot_of_every_view(page, screenshot_dir):
    open_console(page)
    ready = {
        "topics": "#rate-chart canvas",
        "runs": "#runs-list:not(:has-text('Waiting for the first sample'))",
        "dead-letters": "#dl-list:not(:empty)",
        "schemas": "#schemas-list[aria-busy=false]",
        "users": "#users-latest[aria-busy=false]",
    }
    for number, (view, label) in enumerate(VIEWS, start=1):
        open_view(page, view, label)
        if view == "messages":
            browse_latest(page, "users_created")
        if view in ready:
            expect(page.locator(ready[view]).first).to_be_visible()
        page.screenshot(path=os.path.join(screenshot_dir, f"console-{number:02d}-{view}.png"))

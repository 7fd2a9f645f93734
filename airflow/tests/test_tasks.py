"""Each task's behaviour against HTTP stubs of ingest-service and user-store-service."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from airflow.sdk.exceptions import AirflowException, AirflowFailException
from werkzeug import Response

import user_automation as module

RUN_ID = "6f1c1c1e-8c9b-4a53-9d43-3f3c1b7f0a11"


def run_json(status="RUNNING", requested=100, fetched=0, published=0, failed=0, last_error=None,
             finished_at=None):
    return {"id": RUN_ID, "status": status, "requested": requested, "fetched": fetched,
            "published": published, "failed": failed, "lastError": last_error,
            "startedAt": "2026-11-22T01:00:00Z", "finishedAt": finished_at}


@pytest.fixture
def dag():
    return module.user_automation()


@pytest.fixture
def context(dag, monkeypatch):
    ctx = {"params": {"count": 100, "source": "faker", "seed": None, "nationalities": None},
           "logical_date": datetime(2026, 11, 22, tzinfo=timezone.utc),
           "dag": dag, "run_id": "manual__2026-11-22T00:00:00+00:00"}
    monkeypatch.setattr(module, "get_current_context", lambda: ctx)
    return ctx


def callable_of(dag, task_id):
    return dag.get_task(task_id).python_callable


def test_check_services_passes_when_both_are_up(dag, ingest_api, user_store_api):
    ingest_api.expect_request("/actuator/health").respond_with_json({"status": "UP"})
    user_store_api.expect_request("/actuator/health").respond_with_json({"status": "UP"})
    assert callable_of(dag, "check_services")() == {"ingest_api": "UP", "user_store_api": "UP"}


def test_check_services_fails_retryably_when_one_is_down(dag, ingest_api, user_store_api):
    ingest_api.expect_request("/actuator/health").respond_with_json({"status": "UP"})
    user_store_api.expect_request("/actuator/health").respond_with_json({"status": "DOWN"}, status=503)
    with pytest.raises(AirflowException) as raised:
        callable_of(dag, "check_services")()
    assert not isinstance(raised.value, AirflowFailException)
    assert "503" in str(raised.value)


def test_start_ingestion_posts_the_params_with_a_seed_from_the_run_and_an_idempotency_key(dag, context, ingest_api):
    ingest_api.expect_request(
        "/api/v1/ingestions", method="POST",
        json={"source": "faker", "count": 100, "seed": "user_automation-manual__2026-11-22T00-00-00-00-00"},
        headers={"Idempotency-Key": "user_automation:manual__2026-11-22T00:00:00+00:00"},
    ).respond_with_json(run_json("PENDING"), status=202)
    assert callable_of(dag, "start_ingestion")()["id"] == RUN_ID
    ingest_api.check_assertions()


def test_the_login_of_the_connection_is_sent_as_http_basic(dag, context, ingest_api, monkeypatch):
    # The services ask every API caller who it is; the login rides in the Connection's URI, as ./pipeline up and
    # docker-compose.yml set it.
    monkeypatch.setenv("AIRFLOW_CONN_INGEST_API", ingest_api.url_for("/").rstrip("/").replace("http://", "http://operator:s3cret-_x@"))
    ingest_api.expect_request(
        "/api/v1/ingestions", method="POST",
        headers={"Authorization": "Basic " + base64.b64encode(b"operator:s3cret-_x").decode()},
    ).respond_with_json(run_json("PENDING"), status=202)
    assert callable_of(dag, "start_ingestion")()["id"] == RUN_ID
    ingest_api.check_assertions()


def test_a_refused_login_fails_the_task_at_once_with_the_answer(dag, context, ingest_api):
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(
        {"status": 401, "title": "Unauthorized", "detail": "This endpoint needs credentials: Basic."}, status=401,
        content_type="application/problem+json")
    with pytest.raises(AirflowFailException) as raised:
        callable_of(dag, "start_ingestion")()
    assert "401" in str(raised.value) and "needs credentials" in str(raised.value)


def test_a_given_seed_and_nationalities_are_passed_through(dag, context, ingest_api):
    context["params"].update(seed="fixed", nationalities=["GB", "FR"], source="randomuser")
    ingest_api.expect_request(
        "/api/v1/ingestions", method="POST",
        json={"source": "randomuser", "count": 100, "seed": "fixed", "nationalities": ["GB", "FR"]},
    ).respond_with_json(run_json("PENDING"), status=202)
    callable_of(dag, "start_ingestion")()
    ingest_api.check_assertions()


def test_a_4xx_fails_the_task_without_retry(dag, context, ingest_api):
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(
        {"title": "Bad Request", "status": 400, "detail": "count must be at most 1000000"}, status=400,
        content_type="application/problem+json")
    with pytest.raises(AirflowFailException) as raised:
        callable_of(dag, "start_ingestion")()
    assert "400" in str(raised.value) and "count must be at most" in str(raised.value)


def test_a_5xx_fails_the_task_for_a_retry(dag, context, ingest_api):
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_data("boom", status=502)
    with pytest.raises(AirflowException) as raised:
        callable_of(dag, "start_ingestion")()
    assert not isinstance(raised.value, AirflowFailException)
    assert "502" in str(raised.value)


def test_a_refused_connection_fails_the_task_for_a_retry(dag, context, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_INGEST_API", "http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(AirflowException) as raised:
        callable_of(dag, "start_ingestion")()
    assert not isinstance(raised.value, AirflowFailException)


def test_waiting_goes_on_while_the_ingestion_runs(dag, ingest_api):
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(run_json("RUNNING", fetched=50))
    assert callable_of(dag, "wait_for_ingestion")({"id": RUN_ID}).is_done is False


def test_waiting_ends_with_the_finished_run(dag, ingest_api):
    finished = run_json("SUCCEEDED", fetched=100, published=100, finished_at="2026-11-22T01:00:05Z")
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(finished)
    poke = callable_of(dag, "wait_for_ingestion")({"id": RUN_ID})
    assert poke.is_done is True
    assert poke.xcom_value == finished


def test_a_failed_ingestion_fails_the_task_for_a_retry_with_its_error_and_numbers(dag, context, ingest_api):
    context.update(ti=SimpleNamespace(try_number=1), task_reschedule_count=3)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(
        run_json("FAILED", fetched=40, published=30, failed=10, last_error="Kafka send timed out"))
    with pytest.raises(AirflowException) as raised:
        callable_of(dag, "wait_for_ingestion")({"id": RUN_ID})
    assert not isinstance(raised.value, AirflowFailException)
    message = str(raised.value)
    assert "Kafka send timed out" in message
    assert "published 30" in message and "failed 10" in message
    assert not [request for request, _ in ingest_api.log if request.method == "POST"]


def test_the_first_poke_of_a_retry_resumes_a_failed_ingestion(dag, context, ingest_api):
    context.update(ti=SimpleNamespace(try_number=2), task_reschedule_count=0)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}", method="GET").respond_with_json(
        run_json("FAILED", published=30, last_error="Kafka did not acknowledge every user"))
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/resume", method="POST").respond_with_json(
        run_json("PENDING", published=30), status=202)
    poke = callable_of(dag, "wait_for_ingestion")({"id": RUN_ID})
    assert poke.is_done is False
    assert [request.path for request, _ in ingest_api.log if request.method == "POST"] == [f"/api/v1/ingestions/{RUN_ID}/resume"]


def test_a_retry_resumes_once_and_fails_again_if_the_resumed_run_fails(dag, context, ingest_api):
    context.update(ti=SimpleNamespace(try_number=2), task_reschedule_count=4)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(run_json("FAILED", last_error="again"))
    with pytest.raises(AirflowException) as raised:
        callable_of(dag, "wait_for_ingestion")({"id": RUN_ID})
    assert not isinstance(raised.value, AirflowFailException)
    assert not [request for request, _ in ingest_api.log if request.method == "POST"]


def test_a_resume_someone_else_made_first_is_not_an_error(dag, context, ingest_api):
    context.update(ti=SimpleNamespace(try_number=3), task_reschedule_count=0)
    ingest_api.expect_oneshot_request(f"/api/v1/ingestions/{RUN_ID}", method="GET").respond_with_json(run_json("FAILED"))
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/resume", method="POST").respond_with_json(
        {"status": 409, "detail": f"Run {RUN_ID} is RUNNING; only FAILED runs can be resumed"}, status=409,
        content_type="application/problem+json")
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}", method="GET").respond_with_json(run_json("RUNNING"))
    assert callable_of(dag, "wait_for_ingestion")({"id": RUN_ID}).is_done is False


def test_starting_again_with_the_key_of_a_failed_run_resumes_it(dag, context, ingest_api):
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(
        run_json("FAILED", published=30, last_error="interrupted"), status=200)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/resume", method="POST").respond_with_json(
        run_json("PENDING", published=30), status=202)
    run = callable_of(dag, "start_ingestion")()
    assert run["status"] == "PENDING"
    ingest_api.check_assertions()


def test_starting_again_with_the_key_of_a_running_run_only_returns_it(dag, context, ingest_api):
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(run_json("RUNNING"), status=200)
    assert callable_of(dag, "start_ingestion")()["status"] == "RUNNING"
    assert len([request for request, _ in ingest_api.log if request.method == "POST"]) == 1


def test_delivery_is_verified_when_every_published_user_is_accounted_for(dag, user_store_api):
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json(
        {"runId": RUN_ID, "stored": 98, "deadLettered": 2})
    poke = callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=_now()))
    assert poke.is_done is True
    assert poke.xcom_value["stored"] == 98


def test_erased_users_count_as_accounted_for(dag, user_store_api):
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json(
        {"runId": RUN_ID, "stored": 97, "deadLettered": 2, "erased": 1})
    poke = callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=_now()))
    assert poke.is_done is True


def test_delivery_short_within_the_timeout_keeps_polling(dag, user_store_api):
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 60})
    poke = callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=_now()))
    assert poke.is_done is False


def test_delivery_short_after_the_timeout_fails_with_both_numbers(dag, user_store_api):
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 60})
    long_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    with pytest.raises(AirflowFailException) as raised:
        callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=long_ago))
    message = str(raised.value)
    assert "stored 60" in message and "of 100 published" in message and "40 missing" in message


def test_an_unavailable_store_within_the_timeout_is_waited_out(dag, user_store_api):
    # Cassandra down: the store answers 503 (or not at all) for as long as the outage lasts.
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json(
        {"status": 503, "title": "Service Unavailable"}, status=503)
    poke = callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=_now()))
    assert poke.is_done is False


def test_an_unavailable_store_after_the_timeout_fails_saying_so(dag, user_store_api):
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json(
        {"status": 503, "title": "Service Unavailable"}, status=503)
    long_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    with pytest.raises(AirflowFailException) as raised:
        callable_of(dag, "verify_delivery")(run_json("SUCCEEDED", published=100, finished_at=long_ago))
    message = str(raised.value)
    assert "could not be checked" in message and "100 published" in message and "503" in message


def test_summary_reports_counts_duration_and_dead_letters(dag):
    summary = callable_of(dag, "summarize")(
        run_json("SUCCEEDED", fetched=100, published=100, finished_at="2026-11-22T01:00:05Z"),
        {"runId": RUN_ID, "stored": 97, "deadLettered": 3})
    assert summary == {"runId": RUN_ID, "requested": 100, "fetched": 100, "published": 100, "failedAtIngest": 0,
                       "stored": 97, "deadLettered": 3, "erased": 0, "ingestSeconds": 5.0}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()

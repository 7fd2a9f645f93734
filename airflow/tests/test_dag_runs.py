"""Whole DAG runs (dag.test) against HTTP stubs: the runtime's retries, sensors and failures for real."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest
from werkzeug import Request, Response
import json
from airflow.utils.state import DagRunState, TaskInstanceState

import user_automation as module

RUN_ID = "0b8f3d4e-2f0e-4a41-b2c4-1f6a2d9c7e55"
FINISHED = {"id": RUN_ID, "status": "SUCCEEDED", "requested": 10, "fetched": 10, "published": 10, "failed": 0,
            "lastError": None, "startedAt": "2026-11-22T01:00:00Z", "finishedAt": "2026-11-22T01:00:02Z"}


@pytest.fixture(scope="module", autouse=True)
def metadata_database():
    """dag.test() records runs in Airflow's metadata database (SQLite in the private AIRFLOW_HOME)."""
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True)


def healthy(ingest_api, user_store_api):
    ingest_api.expect_request("/actuator/health").respond_with_json({"status": "UP"})
    user_store_api.expect_request("/actuator/health").respond_with_json({"status": "UP"})


def states(dag_run) -> dict:
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def test_success_path(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json({**FINISHED, "status": "PENDING"}, status=202)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(FINISHED)
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 10})

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 22, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.SUCCESS
    assert set(states(dag_run).values()) == {TaskInstanceState.SUCCESS}


def test_a_5xx_is_retried_and_the_run_succeeds(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    # A one-shot handler answers first and only once; the permanent one answers the retry.
    ingest_api.expect_oneshot_request("/api/v1/ingestions", method="POST").respond_with_data("overloaded", status=503)
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json({**FINISHED, "status": "PENDING"}, status=202)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(FINISHED)
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 10})

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 23, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.SUCCESS
    posts = [request for request, _ in ingest_api.log if request.method == "POST"]
    assert len(posts) == 2


def test_a_4xx_fails_the_run_without_retrying(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(
        {"status": 400, "detail": "count must be at most 1000000"}, status=400)

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 24, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.FAILED
    assert states(dag_run)["start_ingestion"] == TaskInstanceState.FAILED
    posts = [request for request, _ in ingest_api.log if request.method == "POST"]
    assert len(posts) == 1


def test_short_delivery_fails_the_run(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    long_finished = {**FINISHED, "finishedAt": "2026-11-22T00:00:00Z"}
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json({**FINISHED, "status": "PENDING"}, status=202)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}").respond_with_json(long_finished)
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 7})

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 25, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.FAILED
    assert states(dag_run)["verify_delivery"] == TaskInstanceState.FAILED
    assert states(dag_run)["summarize"] != TaskInstanceState.SUCCESS


class ResumableIngestion:
    """ingest-service's view of one run that FAILED (a Kafka outage longer than the budget) until resumed."""

    def __init__(self, status: str = "RUNNING"):
        self.status = status
        self.resumes = 0

    def get(self, request: Request) -> Response:
        answer = FINISHED if self.status == "SUCCEEDED" else {
            **FINISHED, "status": self.status, "published": 4, "finishedAt": None,
            "lastError": "page 3: Kafka did not acknowledge every user within the outage budget of 3m"}
        if self.status == "RUNNING":
            self.status = "FAILED"  # the next poke sees it failed
        return Response(json.dumps(answer), content_type="application/json")

    def resume(self, request: Request) -> Response:
        if self.status != "FAILED":
            return Response(json.dumps({"status": 409}), status=409, content_type="application/problem+json")
        self.resumes += 1
        self.status = "SUCCEEDED"
        return Response(json.dumps({**FINISHED, "status": "PENDING", "finishedAt": None}), status=202,
                        content_type="application/json")


def test_a_failed_ingestion_fails_the_wait_and_its_retry_resumes_it(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    ingestion = ResumableIngestion()
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json({**FINISHED, "status": "PENDING"}, status=202)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/resume", method="POST").respond_with_handler(ingestion.resume)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}", method="GET").respond_with_handler(ingestion.get)
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 10})

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 26, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.SUCCESS
    assert ingestion.resumes == 1
    wait = next(ti for ti in dag_run.get_task_instances() if ti.task_id == "wait_for_ingestion")
    assert wait.try_number == 2


def test_a_start_that_finds_its_run_failed_resumes_it(ingest_api, user_store_api):
    healthy(ingest_api, user_store_api)
    ingestion = ResumableIngestion("FAILED")
    # The same Idempotency-Key again (a cleared DAG run): ingest-service answers 200 with the FAILED run.
    ingest_api.expect_request("/api/v1/ingestions", method="POST").respond_with_json(
        {**FINISHED, "status": "FAILED", "published": 4}, status=200)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/resume", method="POST").respond_with_handler(ingestion.resume)
    ingest_api.expect_request(f"/api/v1/ingestions/{RUN_ID}", method="GET").respond_with_handler(ingestion.get)
    user_store_api.expect_request(f"/api/v1/ingestions/{RUN_ID}/delivery").respond_with_json({"runId": RUN_ID, "stored": 10})

    dag_run = module.user_automation().test(logical_date=datetime(2026, 11, 27, tzinfo=timezone.utc),
                                            run_conf={"count": 10, "source": "faker"})

    assert dag_run.state == DagRunState.SUCCESS
    assert ingestion.resumes == 1
    assert states(dag_run)["wait_for_ingestion"] == TaskInstanceState.SUCCESS

"""user_automation: start an ingestion, wait for it, and prove every published user was delivered.

The seeds this replaces looped for 60 seconds and reported success while nothing arrived. This DAG
fails loudly, with the numbers, unless every user ingest-service published is accounted for in the
user store (stored, or dead-lettered by the stream processor with a reason).

Hosts and logins come from the Airflow Connections ``ingest_api`` and ``user_store_api`` (for example
``AIRFLOW_CONN_INGEST_API=http://operator:<password>@127.0.0.1:8082``; the services ask every caller for
HTTP Basic credentials, and the DAG needs the operator role to start and resume runs); nothing here names
a host or holds a secret.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pendulum
import requests
from airflow.providers.http.hooks.http import HttpHook
from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowException, AirflowFailException

log = logging.getLogger(__name__)

INGEST_CONN_ID = "ingest_api"
USER_STORE_CONN_ID = "user_store_api"

# Settings, from the environment so deployments need no code change.
SCHEDULE = os.environ.get("USER_AUTOMATION_SCHEDULE", "@daily")
POKE_SECONDS = int(os.environ.get("USER_AUTOMATION_POKE_SECONDS", "10"))
INGESTION_TIMEOUT_SECONDS = int(os.environ.get("USER_AUTOMATION_INGESTION_TIMEOUT_SECONDS", str(6 * 3600)))
DELIVERY_TIMEOUT_SECONDS = int(os.environ.get("USER_AUTOMATION_DELIVERY_TIMEOUT_SECONDS", "600"))
HTTP_RETRIES = int(os.environ.get("USER_AUTOMATION_HTTP_RETRIES", "3"))
HTTP_RETRY_DELAY_SECONDS = float(os.environ.get("USER_AUTOMATION_HTTP_RETRY_DELAY_SECONDS", "10"))

HTTP_TASK_ARGS: dict[str, Any] = {
    # A 5xx or a refused connection may pass; a 4xx will not (see call_api).
    "retries": HTTP_RETRIES,
    "retry_delay": timedelta(seconds=HTTP_RETRY_DELAY_SECONDS),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=5),
}


class ServiceRejected(AirflowFailException):
    """A 4xx from one of our services: the request is wrong and retrying will not help."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class ServiceUnavailable(AirflowException):
    """A 5xx, a timeout or a refused connection: worth retrying with backoff."""


class IngestionFailed(AirflowException):
    """The ingestion run FAILED (e.g. an outage longer than its budget): the task's retry resumes it."""


def call_api(conn_id: str, method: str, endpoint: str, body: dict | None = None,
             headers: dict | None = None) -> dict:
    """One JSON call to a service through its Airflow Connection, with failures typed for retry."""
    hook = HttpHook(method=method, http_conn_id=conn_id)
    all_headers = {"Accept": "application/json, application/problem+json"}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    try:
        response = hook.run(endpoint, data=json.dumps(body) if body is not None else None,
                            headers=all_headers, extra_options={"check_response": False, "timeout": 30})
    except (requests.ConnectionError, requests.Timeout) as error:
        raise ServiceUnavailable(f"{method} {conn_id}{endpoint}: {error}") from error
    if 400 <= response.status_code < 500:
        raise ServiceRejected(f"{method} {conn_id}{endpoint} answered {response.status_code}: {response.text}",
                              response.status_code)
    if response.status_code >= 500:
        raise ServiceUnavailable(f"{method} {conn_id}{endpoint} answered {response.status_code}: {response.text}")
    return response.json() if response.content else {}


def resume_ingestion(run: dict) -> dict:
    """Resumes a FAILED run: ingest-service fetches and publishes only the pages Kafka has not acknowledged.
    A 409 means someone else resumed it in the meantime: the run as it is now is returned."""
    try:
        resumed = call_api(INGEST_CONN_ID, "POST", f"/api/v1/ingestions/{run['id']}/resume")
    except ServiceRejected as rejected:
        if rejected.status != 409:
            raise
        return call_api(INGEST_CONN_ID, "GET", f"/api/v1/ingestions/{run['id']}")
    log.warning("ingestion %s was FAILED (%s, published %s of %s): resumed", run["id"], run.get("lastError"),
                run.get("published"), run.get("requested"))
    return resumed


def seed_for(params: dict, run_id: str) -> str:
    """The given seed, else one derived from the DAG run: a retried or cleared run fetches the same users,
    while another run of the same day fetches new ones (the same users again would be de-duplicated
    downstream, never stored for the new run, and its delivery check could not pass)."""
    if params.get("seed"):
        return str(params["seed"])
    # ingest-service takes 1 to 64 letters, digits, - or _.
    return ("user_automation-" + re.sub(r"[^A-Za-z0-9_-]", "-", run_id))[:64]


def ingestion_request(params: dict, run_id: str) -> dict:
    body: dict[str, Any] = {"source": params["source"], "count": int(params["count"]),
                            "seed": seed_for(params, run_id)}
    if params.get("nationalities"):
        body["nationalities"] = params["nationalities"]
    return body


@dag(
    dag_id="user_automation",
    description="Ingest users through ingest-service and verify every one reached the user store.",
    schedule=SCHEDULE,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["userstream"],
    params={
        "count": Param(1000, type="integer", minimum=1, maximum=1_000_000,
                       description="Users to ingest (1..1,000,000)."),
        "source": Param("randomuser", type="string", enum=["randomuser", "faker"],
                        description="randomuser.me API or the offline Datafaker source."),
        "seed": Param(None, type=["null", "string"],
                      description="Seed for reproducible users; default derived from the DAG run id."),
        "nationalities": Param(None, type=["null", "array"], items={"type": "string", "pattern": "^[A-Za-z]{2}$"},
                               description="randomuser nationalities, e.g. [\"GB\", \"FR\"]; default all."),
    },
    default_args={"owner": "userstream"},
)
def user_automation():

    @task(**HTTP_TASK_ARGS)
    def check_services() -> dict:
        """Both services must be UP before anything starts."""
        states = {}
        for conn_id in (INGEST_CONN_ID, USER_STORE_CONN_ID):
            health = call_api(conn_id, "GET", "/actuator/health")
            states[conn_id] = health.get("status")
            if health.get("status") != "UP":
                raise ServiceUnavailable(f"{conn_id} health is {health.get('status')}: {health}")
        log.info("services healthy: %s", states)
        return states

    @task(**HTTP_TASK_ARGS)
    def start_ingestion() -> dict:
        """Starts the run; the Idempotency-Key makes a retried task (or a cleared DAG run) return the same run,
        never a second one, and a run of that key that FAILED is resumed rather than reported again."""
        context = get_current_context()
        body = ingestion_request(context["params"], context["run_id"])
        key = f"{context['dag'].dag_id}:{context['run_id']}"
        run = call_api(INGEST_CONN_ID, "POST", "/api/v1/ingestions", body, {"Idempotency-Key": key})
        log.info("ingestion %s %s: %s (Idempotency-Key %s)", run.get("id"), run.get("status"), body, key)
        if run.get("status") == "FAILED":
            run = resume_ingestion(run)
        return run

    @task.sensor(poke_interval=POKE_SECONDS, timeout=INGESTION_TIMEOUT_SECONDS, mode="reschedule", **HTTP_TASK_ARGS)
    def wait_for_ingestion(run: dict) -> PokeReturnValue:
        """Frees the worker slot between polls (reschedule mode). A FAILED run fails the task for a retry, and
        the first poke of that retry resumes the run, so each retry resumes it once."""
        current = call_api(INGEST_CONN_ID, "GET", f"/api/v1/ingestions/{run['id']}")
        status = current.get("status")
        log.info("ingestion %s %s: fetched %s, published %s, failed %s of %s", run["id"], status,
                 current.get("fetched"), current.get("published"), current.get("failed"), current.get("requested"))
        if status == "FAILED":
            context = get_current_context()
            # task_reschedule_count counts this try's earlier pokes (Airflow gives each try its own).
            if context["ti"].try_number > 1 and context.get("task_reschedule_count", 0) == 0:
                resumed = resume_ingestion(current)
                return PokeReturnValue(is_done=resumed.get("status") == "SUCCEEDED", xcom_value=resumed)
            raise IngestionFailed(
                f"ingestion {run['id']} FAILED: {current.get('lastError')} (requested {current.get('requested')}, "
                f"fetched {current.get('fetched')}, published {current.get('published')}, failed {current.get('failed')}); "
                f"the task's retry resumes it")
        return PokeReturnValue(is_done=status == "SUCCEEDED", xcom_value=current)

    @task.sensor(poke_interval=POKE_SECONDS, timeout=DELIVERY_TIMEOUT_SECONDS + 3600, mode="reschedule", **HTTP_TASK_ARGS)
    def verify_delivery(run: dict) -> PokeReturnValue:
        """Every published user must be stored, dead-lettered with a reason, or erased within the delivery timeout.
        user-store-service answering 5xx or not at all (its Cassandra or itself down) is waited out until then, as
        the store itself waits: a 60 s Cassandra outage outlasted the task's few HTTP retries (docs/reliability.md)."""
        published = int(run.get("published") or 0)
        finished = run.get("finishedAt")
        deadline = (datetime.fromisoformat(finished.replace("Z", "+00:00")) if finished else datetime.now(timezone.utc)) \
            + timedelta(seconds=DELIVERY_TIMEOUT_SECONDS)
        try:
            delivery = call_api(USER_STORE_CONN_ID, "GET", f"/api/v1/ingestions/{run['id']}/delivery")
        except ServiceUnavailable as unavailable:
            if datetime.now(timezone.utc) > deadline:
                raise AirflowFailException(
                    f"delivery of run {run['id']} ({published} published) could not be checked within "
                    f"{DELIVERY_TIMEOUT_SECONDS} s: user-store-service is unavailable: {unavailable}") from unavailable
            log.warning("run %s: user-store-service is unavailable, polling again until %s: %s", run["id"],
                        deadline.isoformat(), unavailable)
            return PokeReturnValue(is_done=False)
        stored = int(delivery.get("stored") or 0)
        dead_lettered = int(delivery.get("deadLettered") or 0)
        # Erased on request (DELETE /api/v1/users/{id}) before or after they arrived: accounted for, not lost.
        erased = int(delivery.get("erased") or 0)
        accounted = stored + dead_lettered + erased
        log.info("run %s: stored %d + dead-lettered %d + erased %d of %d published", run["id"], stored, dead_lettered,
                 erased, published)
        if accounted >= published:
            return PokeReturnValue(is_done=True, xcom_value={**delivery, "published": published})
        if datetime.now(timezone.utc) > deadline:
            raise AirflowFailException(
                f"delivery incomplete for run {run['id']} after {DELIVERY_TIMEOUT_SECONDS} s: "
                f"stored {stored} + dead-lettered {dead_lettered} + erased {erased} of {published} published "
                f"({published - accounted} missing)")
        return PokeReturnValue(is_done=False)

    @task
    def summarize(run: dict, delivery: dict) -> dict:
        started, finished = run.get("startedAt"), run.get("finishedAt")
        duration = None
        if started and finished:
            duration = (datetime.fromisoformat(finished.replace("Z", "+00:00"))
                        - datetime.fromisoformat(started.replace("Z", "+00:00"))).total_seconds()
        summary = {
            "runId": run.get("id"),
            "requested": run.get("requested"),
            "fetched": run.get("fetched"),
            "published": run.get("published"),
            "failedAtIngest": run.get("failed"),
            "stored": delivery.get("stored"),
            "deadLettered": delivery.get("deadLettered", 0),
            "erased": delivery.get("erased", 0),
            "ingestSeconds": duration,
        }
        log.info("user_automation summary: %s", summary)
        return summary

    checked = check_services()
    started = start_ingestion()
    checked >> started
    finished = wait_for_ingestion(started)
    delivered = verify_delivery(finished)
    summarize(finished, delivered)


user_automation()

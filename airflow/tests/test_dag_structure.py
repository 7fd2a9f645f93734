"""The DAG loads without import errors and has the tasks, order and params the team relies on."""

from __future__ import annotations

import copy

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.exceptions import ParamValidationError

from conftest import DAGS_DIR


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS_DIR))


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["user_automation"]


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dag_ids) == ["user_automation"]


def test_tasks_run_in_order(dag):
    order = {task.task_id: sorted(task.downstream_task_ids) for task in dag.tasks}
    assert order == {
        "check_services": ["start_ingestion"],
        "start_ingestion": ["wait_for_ingestion"],
        "wait_for_ingestion": ["summarize", "verify_delivery"],
        "verify_delivery": ["summarize"],
        "summarize": [],
    }


def test_schedule_is_daily_without_catch_up(dag):
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.schedule == "@daily"


def test_waiting_frees_the_worker_and_http_tasks_retry_with_backoff(dag):
    for sensor_id in ("wait_for_ingestion", "verify_delivery"):
        assert dag.get_task(sensor_id).mode == "reschedule"
    for task_id in ("check_services", "start_ingestion", "wait_for_ingestion", "verify_delivery"):
        task = dag.get_task(task_id)
        assert task.retries >= 1
        assert task.retry_exponential_backoff


def test_no_task_needs_a_triggerer(dag):
    # ./pipeline up runs no triggerer (airflow/local-airflow.sh), nor does docker-compose.yml: a task that
    # deferred would wait there for ever.
    for task in dag.tasks:
        assert not getattr(task, "deferrable", False), task.task_id
        assert not task.start_from_trigger, task.task_id


def test_params_have_defaults(dag):
    params = dag.params.dump()
    assert params["count"] == 1000
    assert params["source"] == "randomuser"
    assert params["seed"] is None
    assert params["nationalities"] is None


@pytest.mark.parametrize("key, value", [
    ("count", 0),
    ("count", 1_000_001),
    ("source", "twitter"),
    ("nationalities", ["GBR"]),
])
def test_invalid_params_are_refused_naming_the_param(dag, key, value):
    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError, match=key):
        params[key] = value
        params.validate()


def test_valid_params_pass(dag):
    params = copy.deepcopy(dag.params)
    params["count"] = 5000
    params["source"] = "faker"
    params["nationalities"] = ["GB", "FR"]
    assert params.validate()["count"] == 5000

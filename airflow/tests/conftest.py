"""Test set-up: a private AIRFLOW_HOME, the DAG folder, fast polling, and HTTP stubs of our services."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

AIRFLOW_DIR = Path(__file__).resolve().parents[1]
DAGS_DIR = AIRFLOW_DIR / "dags"

# Must be set before airflow is imported anywhere.
_home = AIRFLOW_DIR / ".pytest-airflow-home"
_home.mkdir(exist_ok=True)
os.environ.setdefault("AIRFLOW_HOME", str(_home))
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ["USER_AUTOMATION_POKE_SECONDS"] = "1"
os.environ["USER_AUTOMATION_HTTP_RETRIES"] = "2"
os.environ["USER_AUTOMATION_HTTP_RETRY_DELAY_SECONDS"] = "0.1"
os.environ["USER_AUTOMATION_DELIVERY_TIMEOUT_SECONDS"] = "3"
sys.path.insert(0, str(DAGS_DIR))


@pytest.fixture
def ingest_api(httpserver_factory, monkeypatch):
    """A stub of ingest-service, reachable through the ingest_api Connection."""
    server = httpserver_factory()
    monkeypatch.setenv("AIRFLOW_CONN_INGEST_API", server.url_for("/").rstrip("/"))
    return server


@pytest.fixture
def user_store_api(httpserver_factory, monkeypatch):
    """A stub of user-store-service, reachable through the user_store_api Connection."""
    server = httpserver_factory()
    monkeypatch.setenv("AIRFLOW_CONN_USER_STORE_API", server.url_for("/").rstrip("/"))
    return server


@pytest.fixture
def httpserver_factory():
    from pytest_httpserver import HTTPServer

    servers = []

    def start() -> HTTPServer:
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.clear()
        if server.is_running():
            server.stop()

"""docker-compose.yml's Airflow services, checked without Docker: the file is read as Compose reads it
(variables from .env.example) and held against the DAG, airflow/Dockerfile and airflow/requirements.txt."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import AIRFLOW_DIR, DAGS_DIR

ROOT = AIRFLOW_DIR.parent
DAG_FILE = DAGS_DIR / "user_automation.py"
AIRFLOW_IMAGE_DOCKERFILE = "airflow/Dockerfile"
DAGS_TARGET_DEFAULT = "/opt/airflow/dags"
# Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a}, ${VAR+a}.
VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))")


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        assert separator, f"{path.name}: {line!r} is not KEY=VALUE"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolate(value, variables: dict[str, str]):
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        name = match.group(1) or match.group(4)
        if name is None:
            return "$"
        operator, argument = match.group(2), match.group(3)
        current = variables.get(name)
        non_empty = bool(current)
        if operator == ":-":
            return current if non_empty else argument
        if operator == "-":
            return current if current is not None else argument
        if operator in (":?", "?"):
            assert (non_empty if operator == ":?" else current is not None), \
                f"${{{name}{operator}{argument}}}: .env.example must set {name}"
            return current
        if operator == ":+":
            return argument if non_empty else ""
        if operator == "+":
            return argument if current is not None else ""
        assert current is not None, f"${name} has no default: .env.example must set it"
        return current

    return VARIABLE.sub(replace, value)


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return interpolate(raw["services"], read_env_file(ROOT / ".env.example"))


@pytest.fixture(scope="module")
def airflow_services(services) -> dict[str, dict]:
    found = {name: service for name, service in services.items() if name.startswith("airflow-")}
    assert {"airflow-init", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor"} <= found.keys()
    return found


@pytest.fixture(scope="module")
def long_running(airflow_services) -> dict[str, dict]:
    """The Airflow components (everything but the one-shot airflow-init)."""
    return {name: service for name, service in airflow_services.items() if name != "airflow-init"}


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(entry.split("=", 1) if "=" in entry else (entry, "") for entry in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of each volume: short ("src:dst:ro") or long syntax."""
    result = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            result.append((str(volume.get("source")), str(volume["target"])))
        elif ":" in volume:
            source, target = volume.split(":")[:2]
            result.append((source, target))
    return result


def published_ports(service: dict) -> list[tuple[int, int]]:
    result = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            result.append((int(port["published"]), int(port["target"])))
        else:
            parts = re.sub(r"/(tcp|udp)$", "", str(port)).split(":")
            result.append((int(parts[-2]), int(parts[-1])))
    return result


def dag_connection_ids() -> dict[str, str]:
    """Module-level constants *_CONN_ID of the DAG file, read without importing Airflow."""
    ids = {}
    for node in ast.parse(DAG_FILE.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith("_CONN_ID"):
                    ids[target.id] = node.value.value
    return ids


def service_port(services: dict, name: str) -> int:
    """The port a Spring Boot service listens on: SERVER_PORT from the file, else server.port of its application.yml."""
    env = environment(services[name])
    if "SERVER_PORT" in env:
        return int(env["SERVER_PORT"])
    config = yaml.safe_load((ROOT / name / "src/main/resources/application.yml").read_text())
    return int(config.get("server", {}).get("port", 8080))


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of airflow/Dockerfile, continuation lines joined, comments dropped."""
    instructions, logical = [], ""
    for line in (ROOT / AIRFLOW_IMAGE_DOCKERFILE).read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not logical):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        keyword, _, arguments = (logical + stripped).strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        logical = ""
    return instructions


def test_every_airflow_service_runs_the_image_built_from_airflow_dockerfile(airflow_services):
    images = set()
    for name, service in airflow_services.items():
        build = service.get("build")
        assert isinstance(build, dict), f"{name}: build from {AIRFLOW_IMAGE_DOCKERFILE}"
        assert (ROOT / build["context"]).resolve() == ROOT.resolve(), f"{name}: build context is the repository root"
        assert build.get("dockerfile") == AIRFLOW_IMAGE_DOCKERFILE, f"{name}: dockerfile"
        images.add(service.get("image"))
    assert len(images) == 1 and None not in images, f"one image name shared by the Airflow services: {images}"


def test_dockerfile_starts_from_the_official_image_of_the_pinned_airflow_version():
    pinned = re.search(r"^apache-airflow(?:\[[^\]]*])?==(\S+)", (AIRFLOW_DIR / "requirements.txt").read_text(), re.M)
    assert pinned, "requirements.txt pins apache-airflow"
    version = pinned.group(1)
    assert f"\napache-airflow=={version}\n" in "\n" + (AIRFLOW_DIR / "constraints.txt").read_text(), \
        "constraints.txt pins the same Airflow"
    froms = [arguments.split()[0] for keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert len(froms) == 1
    repository, _, tag = froms[0].partition(":")
    assert repository == "apache/airflow"
    assert re.fullmatch(re.escape(version) + r"(-python3\.\d+)?", tag), \
        f"FROM tag {tag!r} is Airflow {version} (optionally -pythonX.Y)"


def test_requirements_are_baked_into_the_image_not_installed_at_start(airflow_services):
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    assert any(re.search(r"pip install .*-r \S*requirements\.txt.* -c \S*constraints\.txt", run) for run in runs), \
        "a RUN installs requirements.txt under constraints.txt"
    copied = " ".join(arguments for keyword, arguments in dockerfile_instructions() if keyword == "COPY")
    assert "airflow/requirements.txt" in copied and "airflow/constraints.txt" in copied
    for name, service in airflow_services.items():
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in environment(service), f"{name} installs packages at start"


def test_components_mount_the_dags_folder(long_running):
    for name, service in long_running.items():
        target = environment(service).get("AIRFLOW__CORE__DAGS_FOLDER", DAGS_TARGET_DEFAULT)
        sources = [source for source, mounted_at in mounts(service) if mounted_at == target]
        assert sources, f"{name}: a volume at the DAG folder {target}"
        assert (ROOT / sources[0]).resolve() == DAGS_DIR.resolve(), f"{name}: {sources[0]} is airflow/dags"


def test_connections_name_the_services_and_ports_the_dag_calls(services, long_running):
    connection_ids = dag_connection_ids()
    assert set(connection_ids) == {"INGEST_CONN_ID", "USER_STORE_CONN_ID"}, connection_ids
    for name, service in long_running.items():
        env = environment(service)
        for conn_id in connection_ids.values():
            variable = f"AIRFLOW_CONN_{conn_id.upper()}"
            assert variable in env, f"{name}: {variable} (Connection {conn_id!r} of the DAG)"
            url = urlsplit(env[variable])
            assert url.scheme == "http", f"{name}: {variable}={env[variable]}"
            assert url.hostname in services, f"{name}: {variable} names {url.hostname}, a service of the file"
            assert url.port == service_port(services, url.hostname), \
                f"{name}: {variable} uses the port {url.hostname} listens on"
            # The services ask for a login; the DAG starts and resumes runs, which takes the operator role.
            called = environment(services[url.hostname])
            assert called.get("USERSTREAM_SECURITY_USERS_OPERATOR_ROLES") == "operator", \
                f"{url.hostname} has an operator user"
            assert (url.username, url.password) == ("operator", called["USERSTREAM_SECURITY_USERS_OPERATOR_PASSWORD"]), \
                f"{name}: {variable} logs in as {url.hostname}'s operator"


def test_metadata_database_is_the_one_the_postgres_service_creates_for_airflow(services, airflow_services):
    for name, service in airflow_services.items():
        url = urlsplit(environment(service)["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert url.scheme.startswith("postgresql"), f"{name}: PostgreSQL metadata database"
        postgres = services[url.hostname]
        assert postgres["image"].startswith("postgres:"), f"{name}: {url.hostname} is a postgres service"
        assert (url.port or 5432) == 5432
        created = environment(postgres)
        assert (url.username, url.password, url.path.lstrip("/")) == \
            (created["AIRFLOW_DB_USER"], created["AIRFLOW_DB_PASSWORD"], created["AIRFLOW_DB_NAME"]), \
            f"{name}: user, password and database of the metadata database"
        assert url.username != created.get("POSTGRES_USER", "postgres"), f"{name}: Airflow's own role, not the superuser"
        init_scripts = [source for source, target in mounts(postgres) if target.startswith("/docker-entrypoint-initdb.d/")]
        airflow_scripts = [source for source in init_scripts if "AIRFLOW_DB_USER" in (ROOT / source).read_text()]
        assert len(airflow_scripts) == 1, f"postgres runs one init script creating Airflow's database: {init_scripts}"
        script = (ROOT / airflow_scripts[0]).read_text()
        for variable in ("AIRFLOW_DB_USER", "AIRFLOW_DB_PASSWORD", "AIRFLOW_DB_NAME"):
            assert variable in script, f"{airflow_scripts[0]} uses {variable}"


def test_ingest_connects_to_postgres_as_its_own_role_not_the_superuser(services):
    """The database the DAG's ingest-service writes its ledger to: Airflow's neighbour in the same PostgreSQL,
    reached with a role of its own that an init script of the postgres service creates without superuser rights."""
    env = environment(services["ingest-service"])
    url = urlsplit(env["SPRING_DATASOURCE_URL"].removeprefix("jdbc:"))
    postgres = services[url.hostname]
    created = environment(postgres)
    superuser = created.get("POSTGRES_USER", "postgres")
    assert env["SPRING_DATASOURCE_USERNAME"] != superuser, "ingest-service's datasource user is not POSTGRES_USER"
    assert (env["SPRING_DATASOURCE_USERNAME"], env["SPRING_DATASOURCE_PASSWORD"]) == \
        (created["INGEST_DB_USER"], created["INGEST_DB_PASSWORD"]), "ingest-service uses the role the postgres service creates"
    assert env["SPRING_DATASOURCE_PASSWORD"] != created["POSTGRES_PASSWORD"]
    init_scripts = [source for source, target in mounts(postgres) if target.startswith("/docker-entrypoint-initdb.d/")]
    ingest_scripts = [source for source in init_scripts if "INGEST_DB_USER" in (ROOT / source).read_text()]
    assert len(ingest_scripts) == 1, f"postgres runs one init script creating ingest-service's role: {init_scripts}"
    script = (ROOT / ingest_scripts[0]).read_text()
    assert "INGEST_DB_PASSWORD" in script
    create_role = re.search(r"^CREATE ROLE .*$", script, re.MULTILINE)
    assert create_role and "NOSUPERUSER" in create_role.group(0), f"{ingest_scripts[0]}: {create_role}"
    assert not re.search(r"\bSUPERUSER\b", script), f"{ingest_scripts[0]} grants no SUPERUSER"


def test_init_migrates_and_sets_the_admin_before_the_components_start(airflow_services, long_running):
    init = airflow_services["airflow-init"]
    command = init["command"] if isinstance(init["command"], str) else " ".join(init["command"])
    script = re.search(r"/opt/airflow/userstream/(\S+)", command)
    assert script, f"airflow-init runs the script the Dockerfile copies: {command}"
    assert "airflow db migrate" in (AIRFLOW_DIR / "docker" / script.group(1)).read_text()
    assert environment(init).get("AIRFLOW_ADMIN_PASSWORD"), "airflow-init sets the admin password from .env"
    for name, service in long_running.items():
        depends_on = service["depends_on"]
        assert depends_on["airflow-init"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name


def test_the_api_server_reads_the_password_file_airflow_init_writes(airflow_services):
    """The simple auth manager's password file lives on a volume both mount at the same place."""
    folders = set()
    for name in ("airflow-init", "airflow-api-server"):
        service = airflow_services[name]
        folder = str(Path(environment(service)["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).parent)
        sources = [source for source, target in mounts(service) if target == folder]
        assert sources and not sources[0].startswith((".", "/")), f"{name}: a named volume at {folder}"
        folders.add((sources[0], folder))
    assert len(folders) == 1, f"the same volume at the same folder: {folders}"


def test_every_airflow_setting_in_the_environment_is_one_airflow_has(airflow_services):
    """AIRFLOW__SECTION__KEY names an option of Airflow's configuration; Airflow would ignore a misspelt one."""
    package = Path(next(iter(importlib.util.find_spec("airflow").submodule_search_locations)))
    template = yaml.safe_load((package / "config_templates" / "config.yml").read_text())
    for name, service in airflow_services.items():
        for variable in environment(service):
            setting = re.fullmatch(r"AIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)", variable)
            if setting:
                section, option = setting.group(1).lower(), setting.group(2).lower()
                assert option in template.get(section, {}).get("options", {}), \
                    f"{name}: {variable} is no option of Airflow's [{section}] section"


def test_components_share_secrets_and_reach_the_api_server(services, long_running):
    for setting in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        values = {environment(service).get(setting) for service in long_running.values()}
        assert len(values) == 1 and all(values), f"{setting} is set and the same in every component: {values}"
    api = services["airflow-api-server"]
    assert (8080, 8080) in published_ports(api), "the UI and API on host port 8080, as in local mode"
    for name, service in long_running.items():
        execution_api = urlsplit(environment(service)["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
        assert (execution_api.hostname, execution_api.port, execution_api.path) == ("airflow-api-server", 8080, "/execution/"), name


def _image_repository(service: dict) -> str | None:
    image = service.get("image")
    return image.split("@")[0].rsplit(":", 1)[0] if image else None


def _depends_on(service: dict) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    return {name: "service_started" for name in depends} if isinstance(depends, list) else \
        {name: (condition or {}).get("condition", "service_started") for name, condition in depends.items()}


def _one_shot_jobs(services) -> set[str]:
    return {target for service in services.values() for target, condition in _depends_on(service).items()
            if condition == "service_completed_successfully"}


def test_cassandra_requires_a_login_and_the_store_has_its_own_role_not_the_superuser(services):
    cassandra = [name for name, service in services.items() if _image_repository(service) == "cassandra"]
    nodes = [name for name in cassandra if name not in _one_shot_jobs(services)]
    init_jobs = [name for name in cassandra if name in _one_shot_jobs(services)]
    assert nodes and len(init_jobs) == 1, f"Cassandra nodes {nodes} and one roles job {init_jobs}"
    for node in nodes:
        script = next(volume.split(":")[0] for volume in services[node]["volumes"]
                      if volume.split(":")[1:2] == [services[node]["entrypoint"][1]])
        text = (ROOT / script).read_text()
        assert "s/AllowAllAuthenticator/PasswordAuthenticator/" in text and "s/AllowAllAuthorizer/CassandraAuthorizer/" in text, \
            f"{node}'s entrypoint {script} turns on PasswordAuthenticator and CassandraAuthorizer"
    roles = environment(services[init_jobs[0]])
    store = environment(services["user-store-service"])
    assert store["SPRING_CASSANDRA_USERNAME"] == roles["CASSANDRA_USER_STORE_USER"]
    assert store["SPRING_CASSANDRA_USERNAME"] not in ("cassandra", roles["CASSANDRA_ADMIN_USER"]), "the store is not the superuser"
    assert store["SPRING_CASSANDRA_PASSWORD"] == roles["CASSANDRA_USER_STORE_PASSWORD"] != roles["CASSANDRA_ADMIN_PASSWORD"]
    assert _depends_on(services["user-store-service"]).get(init_jobs[0]) == "service_completed_successfully"

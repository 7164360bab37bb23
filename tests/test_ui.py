"""The Dagster UI for real: `dagster-webserver` on the project's workspace.yaml, its GraphQL API
shows the asset graph, and a run of `mas_screen` launched through it for one day succeeds and
writes the warehouse.

The server runs against a fresh DAGSTER_HOME whose dagster.yaml is the project's plus
`run_coordinator: DefaultRunCoordinator`: Dagster's default is the QueuedRunCoordinator, which
leaves a launched run QUEUED until `dagster-daemon` dequeues it, and this test runs no daemon.
The `concurrency` section (pool `duckdb` limited to 1) is kept as it is. The run uses the in-process
executor (run config), so that it takes seconds rather than a Python start-up per step.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from pipelines.core.warehouse import connect

from conftest import SITE_TZ, lab, vital, write_labs, write_vitals

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_INSTANCE_YAML = REPO_ROOT / ".dagster_home" / "dagster.yaml"
LOCATION, REPOSITORY, JOB = "masscreen", "__repository__", "mas_screen"
DAY = "2024-01-10"
SERVER_TIMEOUT_S = 60
RUN_TIMEOUT_S = 90
EXPECTED_KEYS = {"raw/extracts", "staging/lab_results", "features/patient_day", "screen/at_risk_daily",
                 "publish/snapshot"}


def _webserver_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("dagster-webserver")
    return str(beside_python) if beside_python.exists() else shutil.which("dagster-webserver")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _instance_yaml() -> str:
    """The project's instance configuration, with runs launched at once instead of queued."""
    config = yaml.safe_load(PROJECT_INSTANCE_YAML.read_text()) or {}
    assert "concurrency" in config, "the project's dagster.yaml has no concurrency section"
    config["run_coordinator"] = {"module": "dagster._core.run_coordinator", "class": "DefaultRunCoordinator"}
    return yaml.safe_dump(config, sort_keys=False)


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
        assert not payload.get("errors"), f"GraphQL errors: {payload['errors']}"
        return payload["data"]


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group (webserver, code server, run worker)."""
    try:
        pgid = os.getpgid(process.pid)
    except ProcessLookupError:
        return
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            # The group may outlive its leader for a moment; make sure nothing of it is left.
            os.killpg(pgid, 0)
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return
    process.wait(timeout=5)


LOCATION_QUERY = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { repositories { name jobs { name } } }
          ... on PythonError { message }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""


def _wait_until_loaded(server: Server) -> dict:
    """Wait until the server answers and the code location is loaded; return its entry."""
    deadline, last = time.monotonic() + SERVER_TIMEOUT_S, "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"dagster-webserver exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/server_info", timeout=5) as response:
                json.loads(response.read())
            workspace = server.graphql(LOCATION_QUERY)["workspaceOrError"]
            entries = {e["name"]: e for e in workspace.get("locationEntries", [])}
            entry = entries.get(LOCATION)
            if entry and entry["loadStatus"] == "LOADED" and entry["locationOrLoadError"]:
                return entry
            last = f"workspace: {workspace}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError) as error:
            last = repr(error)
        time.sleep(0.5)
    pytest.fail(f"webserver not ready after {SERVER_TIMEOUT_S} s ({last}):\n{server.log_tail()}")


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    binary = _webserver_binary()
    if binary is None:
        pytest.skip("dagster-webserver is not installed (no binary beside the interpreter nor on PATH)")
    root = tmp_path_factory.mktemp("ui")
    landing = root / "landing"
    write_labs(landing, f"labs_{DAY}.csv", [
        lab("f", "2276-4", "1000", "ng/mL", f"{DAY}T06:00:00"),
        lab("p", "777-3", "150", "K/uL", f"{DAY}T06:00:00"),
    ])
    write_vitals(landing, f"vitals_{DAY}.csv", [vital("t", "39.2", "Cel", f"{DAY}T08:00:00")])
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(_instance_yaml())
    warehouse = root / "w.duckdb"

    env = dict(os.environ)
    env.pop("MASSCREEN_CONFIG", None)
    env.update(DAGSTER_HOME=str(home), MASSCREEN_WAREHOUSE=str(warehouse), MASSCREEN_LANDING=str(landing),
               MASSCREEN_TIMEZONE=SITE_TZ, DAGSTER_DISABLE_TELEMETRY="1", PYTHONUNBUFFERED="1")
    port = _free_port()
    log = root / "webserver.log"
    with log.open("wb") as log_handle:
        process = subprocess.Popen(
            [binary, "-w", str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log_handle, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown reaches the code server too
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        server.location = _wait_until_loaded(server)
        server.warehouse = warehouse
        yield server
    finally:
        _stop(process)


def test_the_code_location_loads_with_the_job(ui):
    location = ui.location["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location
    repositories = {r["name"]: {j["name"] for j in r["jobs"]} for r in location["repositories"]}
    assert JOB in repositories.get(REPOSITORY, set()), repositories


def test_the_asset_graph_is_served(ui):
    data = ui.graphql("query { assetNodes { assetKey { path } dependencyKeys { path } } }")
    graph = {"/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]}
             for n in data["assetNodes"]}
    assert EXPECTED_KEYS <= set(graph), sorted(graph)
    assert "features/patient_day" in graph["screen/at_risk_daily"]
    assert "screen/at_risk_daily" in graph["publish/snapshot"]
    assert "raw/extracts" in graph["staging/lab_results"]


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on PythonError { message stack }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

RUN_STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status tags { key value } }
    ... on Error { message }
  }
}
"""

RUN_FAILURES = """
query Failures($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run {
      eventConnection(limit: 1000) {
        events {
          __typename
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { message }
          ... on EngineEvent { message error { message } }
        }
      }
    }
  }
}
"""


def _failure_report(ui: Server, run_id: str) -> str:
    try:
        events = ui.graphql(RUN_FAILURES, {"runId": run_id})["runOrError"]["eventConnection"]["events"]
    except Exception as error:  # the report is only for the failure message
        return f"(could not read the run's events: {error!r})"
    lines = [json.dumps(e) for e in events
             if e["__typename"] in ("ExecutionStepFailureEvent", "RunFailureEvent")
             or (e["__typename"] == "EngineEvent" and e.get("error"))]
    return "\n".join(lines[-20:])


def test_a_run_launched_through_graphql_screens_the_day(ui):
    params = {
        "selector": {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "jobName": JOB},
        "mode": "default",
        # One process for the whole run: the default multiprocess executor starts a Python process
        # per step (~6 s each on 2 cores, ~20 steps with the checks), too slow for CI. The steps,
        # checks and pools are the same; the UI's launchpad takes this same run config.
        "runConfigData": {"execution": {"config": {"in_process": {}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": DAY}]},
    }
    launched = ui.graphql(LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline, status = time.monotonic() + RUN_TIMEOUT_S, None
    while time.monotonic() < deadline:
        run = ui.graphql(RUN_STATUS, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        status = run["status"]
        if status == "SUCCESS":
            break
        if status in ("FAILURE", "CANCELED"):
            pytest.fail(f"run {run_id} ended {status}:\n{_failure_report(ui, run_id)}\n{ui.log_tail()}")
        time.sleep(0.5)
    else:
        pytest.fail(f"run {run_id} still {status} after {RUN_TIMEOUT_S} s:\n{ui.log_tail()}")
    assert {t["key"]: t["value"] for t in run["tags"]}.get("dagster/partition") == DAY

    with connect(ui.warehouse, SITE_TZ, read_only=True) as con:
        days = con.execute("SELECT DISTINCT as_of_date::VARCHAR FROM features.patient_day").fetchall()
        steps = {row[0] for row in con.execute("SELECT step FROM meta.runs WHERE run_id = ?", [run_id]).fetchall()}
    assert (DAY,) in days, days
    assert "features.patient_day" in steps, steps

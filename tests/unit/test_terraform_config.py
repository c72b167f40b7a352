"""The Terraform configuration, read with python-hcl2 (tests/support/terraform.py): every
function is deployed, every route is reachable through the gateway, no secret value is inlined,
variables are typed and described, providers pinned, `terraform fmt -check` is clean."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from shared import gateway
from tests.support.terraform import (
    MODULES,
    ROOT,
    TF,
    blocks,
    code,
    load,
    platform_functions,
    resources,
    tf_files,
    unquote,
)

ENVS = ("dev", "prod")


def deployable_functions() -> set[str]:
    return {p.parent.name for p in (ROOT / "functions").glob("*/main.py")}


def test_every_http_or_event_function_is_deployed_as_a_cloud_function():
    declared = set(platform_functions())
    expected = deployable_functions() - {"websocket"}
    assert expected, "no functions found"
    assert declared == expected, f"missing: {sorted(expected - declared)}, unknown: {sorted(declared - expected)}"
    # and the functions module deploys each entry of the map it is given
    fns = resources("google_cloudfunctions2_function")
    assert len(fns) == 1 and unquote(fns[0][2]["for_each"]) == "${var.functions}"
    modules = {
        name: body
        for _, block in blocks("module", MODULES / "platform" / "functions.tf")
        for name, body in block.items()
    }
    assert unquote(modules["functions"]["functions"]) == "${local.functions}"


def test_the_websocket_service_runs_on_cloud_run():
    services = resources("google_cloud_run_v2_service")
    assert [name for _, name, _ in services] == ["websocket"]
    body = services[0][2]
    assert unquote(body["template"][0]["timeout"]) == "3600s"
    assert body["template"][0]["session_affinity"] is True


def test_media_steps_get_more_memory_and_time():
    fns = platform_functions()
    worker = fns["pipeline_worker"]
    assert unquote(worker["memory"]) == "8Gi" and worker["timeout_seconds"] == 1800 and worker["concurrency"] == 1
    assert worker["timeout_seconds"] <= 1800  # a Cloud Tasks HTTP task runs at most 30 minutes
    text = (MODULES / "platform" / "functions.tf").read_text()
    assert re.search(r"api_function = \{\s+memory\s+= \"512Mi\"", text)
    assert re.search(r"timeout_seconds = 60\b", text)


def test_gateway_routes_every_route_table_path_to_its_function():
    template = json.loads((MODULES / "gateway" / "openapi.json.tftpl").read_text())
    assert template["swagger"] == "2.0"
    for route in gateway.public_routes():
        path = gateway.gateway_path(route.path)
        assert path in template["paths"], f"{route.method} {route.path} is not routed by the gateway"
        op = template["paths"][path][route.method.lower()]
        backend = op["x-google-backend"]
        assert backend["address"] == gateway.placeholder(route.function)
        assert backend["path_translation"] == "APPEND_PATH_TO_ADDRESS"
    # every placeholder the template uses gets a URL from the platform module
    used = set(re.findall(r"\$\{backend_(\w+)\}", (MODULES / "gateway" / "openapi.json.tftpl").read_text()))
    main = load(MODULES / "platform" / "main.tf")
    gateway_functions = None
    for block in main["locals"]:
        if "gateway_functions" in block:
            gateway_functions = {unquote(f) for f in block["gateway_functions"]}
    assert gateway_functions == used == set(gateway.backend_functions())
    assert gateway_functions <= set(platform_functions())


def test_spec_paths_are_all_in_the_route_table():
    spec = ROOT / "docs" / "spec" / "api.md"
    spec_rows = re.findall(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`", spec.read_text(), re.M)
    assert spec_rows
    template = json.loads((MODULES / "gateway" / "openapi.json.tftpl").read_text())
    for method, path in spec_rows:
        if "/ws/" in path:
            continue  # WebSockets go to the Cloud Run service directly
        if (method, path) in gateway.INTERNAL:
            assert path not in template["paths"], f"{method} {path} is internal and must stay off the gateway"
            continue
        gw = path.replace("{path}", "{path=**}")
        assert gw in template["paths"] and method.lower() in template["paths"][gw], f"{method} {path} not routed"


SECRET_ENV = ("AVP_JWT_SECRET", "AVP_MS_CLIENT_SECRET")


def test_no_secret_value_is_inlined():
    assert resources("google_secret_manager_secret_version") == [], (
        "secret values belong in Secret Manager, not Terraform"
    )
    for f in tf_files():
        text = f.read_text()
        assert "secret_data" not in text, f
        assert "-----BEGIN" not in text, f
        for name in SECRET_ENV:
            assert not re.search(rf"\b{name}\s*=", text), f"{name} set as a plain value in {f}"
    for f, block in blocks("variable"):
        for name, body in block.items():
            if re.search(r"secret|password|token|private_key", name, re.I) and not re.search(r"_(id|env_var)$", name):
                assert "default" not in body, f"variable {name} in {f} has a default: secrets are not variables here"
    for example in TF.rglob("*.tfvars*"):
        assert not re.search(r"secret|password", example.read_text(), re.I) or "No secret values" in example.read_text()
    # both secrets exist and reach the functions as secret environment variables
    funcs = (MODULES / "platform" / "functions.tf").read_text()
    assert '"jwt-secret"       = { env_var = "AVP_JWT_SECRET"' in funcs
    assert '"ms-client-secret" = { env_var = "AVP_MS_CLIENT_SECRET"' in funcs
    fn_module = (MODULES / "functions" / "main.tf").read_text()
    assert 'dynamic "secret_environment_variables"' in fn_module and 'version    = "latest"' in fn_module


def test_no_function_is_open_to_all_users():
    for f in (MODULES / "functions").glob("*.tf"):
        assert "allUsers" not in code(f)
    fns = platform_functions()
    invokers = {name: [unquote(m) for m in cfg["invokers"]] for name, cfg in fns.items() if isinstance(cfg, dict)}
    # the API functions merge local.api_function, whose only invoker is the gateway account
    api = [name for name, cfg in fns.items() if isinstance(cfg, str) and cfg.startswith("${merge(local.api_function")]
    assert len(api) + len(invokers) == len(fns)
    block = next(b for b in load(MODULES / "platform" / "functions.tf")["locals"] if "api_function" in b)
    assert unquote(block["api_function"]["invokers"]) == "${local.gateway}"
    assert "invokers" not in "".join(fns[name] for name in api)
    assert invokers["pipeline_worker"] == ['${module.iam.members["tasks"]}']
    assert invokers["upload_trigger"] == ['${module.iam.members["push"]}']


def test_every_variable_is_typed_and_described():
    for f, block in blocks("variable"):
        for name, body in block.items():
            assert "type" in body, f"variable {name} in {f} has no type"
            assert unquote(body.get("description", "")).strip(), f"variable {name} in {f} has no description"
    for f, block in blocks("output"):
        for name, body in block.items():
            assert unquote(body.get("description", "")).strip(), f"output {name} in {f} has no description"


def test_one_thin_root_serves_every_environment_and_pins_providers():
    root = TF / "root"
    mods = [name for _, block in blocks("module", root / "main.tf") for name in block]
    assert mods == ["platform"]
    assert not [r for f in root.glob("*.tf") for r in load(f).get("resource", [])], "the root declares resources"
    assert sorted(p.name for p in (TF / "envs").iterdir()) == sorted(ENVS)
    assert not list((TF / "envs").rglob("*.tf")), "environments hold variables files only; the root is terraform/root"
    tf = load(root / "versions.tf")["terraform"][0]
    providers = tf["required_providers"][0]
    assert set(providers) == {"google", "google-beta", "archive"}
    for name, spec in providers.items():
        assert re.fullmatch(r"= \d+\.\d+\.\d+", unquote(spec["version"])), f"{name} not pinned exactly"
    # the state prefix is per environment, given at init by scripts/deploy (avp/<env>)
    assert tf["backend"][0]["gcs"] == {}
    assert 'backend-config="prefix=avp/$env_name"' in (ROOT / "scripts" / "deploy").read_text()
    # what differs between the environments, and only dev or prod is accepted
    local = next(b for b in load(root / "main.tf")["locals"] if "environments" in b)["environments"]
    assert set(local) == set(ENVS)
    assert local["prod"]["protect_data"] is True and local["dev"]["protect_data"] is False
    env_var = next(b["env"] for _, b in blocks("variable", root / "variables.tf") if "env" in b)
    assert 'contains(["dev", "prod"], var.env)' in unquote(env_var["validation"][0]["condition"])
    platform = load(root / "main.tf")["module"][0]["platform"]
    assert unquote(platform["env"]) == "${var.env}"
    assert unquote(platform["protect_data"]) == "${local.environment.protect_data}"


def test_firestore_indexes_and_topics_with_dead_letter():
    subs = {name: body for _, name, body in resources("google_pubsub_subscription")}
    policy = subs["upload_trigger"]["dead_letter_policy"][0]
    assert "uploads_dead_letter" in unquote(policy["dead_letter_topic"])
    notes = resources("google_storage_notification")
    assert (
        len(notes) == 1
        and notes[0][2]["event_types"] == ['"OBJECT_FINALIZE"']
        or [unquote(e) for e in notes[0][2]["event_types"]] == ["OBJECT_FINALIZE"]
    )
    uploads = {name: body for _, name, body in resources("google_storage_bucket")}["uploads"]
    assert any("Delete" in json.dumps(rule) for rule in uploads["lifecycle_rule"])
    queue = resources("google_cloud_tasks_queue")[0][2]
    assert queue["rate_limits"] and queue["retry_config"]


def test_terraform_fmt_is_clean():
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed; cannot run terraform fmt -check")
    proc = subprocess.run([terraform, "fmt", "-check", "-recursive", str(TF)], capture_output=True, text=True)
    assert proc.returncode == 0, f"terraform fmt would change: {proc.stdout}"


def test_scheduled_passes_call_the_pipeline_worker_with_the_bodies_it_handles():
    """Cloud Scheduler drives the repair pass and housekeeping through pipeline_worker, whose
    entry accepts exactly {"reconcile": true} and {"housekeeping": true}."""
    path = MODULES / "platform" / "scheduler.tf"
    jobs = next(b["scheduled_jobs"] for b in load(path)["locals"] if "scheduled_jobs" in b)
    bodies = {name: {k: v for k, v in job["body"].items()} for name, job in jobs.items()}
    assert bodies == {"pipeline-reconcile": {"reconcile": True}, "housekeeping": {"housekeeping": True}}
    [(_, _, body)] = resources("google_cloud_scheduler_job")
    target = body["http_target"][0]
    assert "pipeline_worker_url" in str(target["uri"]) and "oidc_token" in target
    worker = (ROOT / "functions" / "pipeline_worker" / "main.py").read_text()
    assert 'body.get("reconcile") is True' in worker and "housekeeping" in worker

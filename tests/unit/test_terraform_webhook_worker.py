"""The webhook worker's deployment (decision 1110): its own Cloud Tasks queue, a small function
reachable only by the tasks account (like pipeline_worker), its own service account without the
JWT secret or media rights, every status-changing workload allowed to enqueue on its queue, and
no public route through the gateway."""

from __future__ import annotations

from shared.routes import INTERNAL_FUNCTIONS, ROUTES
from tests.support.terraform import MODULES, blocks, load, platform_functions, unquote


def _platform_modules() -> dict:
    return {
        name: body for _, block in blocks("module", MODULES / "platform" / "main.tf") for name, body in block.items()
    }


def _locals(path) -> dict:
    merged: dict = {}
    for block in load(path)["locals"]:
        merged.update(block)
    return merged


def test_the_webhook_worker_is_small_concurrent_and_invoked_only_by_cloud_tasks():
    fns = platform_functions()
    hook, worker = fns["webhook_worker"], fns["pipeline_worker"]
    assert [unquote(m) for m in hook["invokers"]] == [unquote(m) for m in worker["invokers"]]
    assert [unquote(m) for m in hook["invokers"]] == ['${module.iam.members["tasks"]}']
    assert unquote(hook["memory"]) == "256Mi" and hook["timeout_seconds"] == 60
    assert unquote(hook["concurrency"]) == "${local.webhook_worker_concurrency}"
    assert _locals(MODULES / "platform" / "functions.tf")["webhook_worker_concurrency"] > 1
    assert unquote(hook["service_account"]) == "${local.webhooks_sa}"
    assert hook["secrets"] == [] and unquote(hook["env"]["AVP_TOKENLESS"]) == "1"


def test_its_account_holds_documents_and_logs_only_and_may_queue_retries():
    iam = _locals(MODULES / "iam" / "main.tf")
    assert "webhooks" in iam["accounts"]
    assert sorted(unquote(r) for r in iam["project_roles"]["webhooks"]) == [
        "roles/datastore.user",
        "roles/logging.logWriter",
    ]
    act_as = next(body for _, name, body in _resources(MODULES / "iam" / "main.tf") if name == "act_as_tasks")
    assert "webhooks" in unquote(act_as["for_each"])


def _resources(path):
    return [
        (path, name, body)
        for _, block in blocks("resource", path)
        for rtype in block.values()
        for name, body in rtype.items()
    ]


def test_its_queue_is_separate_and_every_status_changing_workload_may_enqueue():
    modules = _platform_modules()
    steps, hooks = modules["tasks"], modules["webhook_tasks"]
    assert unquote(hooks["source"]) == "../tasks"
    assert unquote(hooks["queue_name"]) != unquote(steps["queue_name"]) and "webhook" in unquote(hooks["queue_name"])
    step_enqueuers = {unquote(m) for m in steps["enqueuers"]}
    hook_enqueuers = {unquote(m) for m in hooks["enqueuers"]}
    assert step_enqueuers < hook_enqueuers
    assert hook_enqueuers - step_enqueuers == {'${local.members["webhooks"]}'}
    env = _locals(MODULES / "platform" / "functions.tf")["common_env"]
    assert unquote(env["AVP_WEBHOOK_TASKS_QUEUE"]) == "${module.webhook_tasks.queue_name}"
    assert unquote(env["AVP_WEBHOOK_TASKS_TARGET_URL"]) == "${local.webhook_worker_url}"
    url = _locals(MODULES / "platform" / "functions.tf")["webhook_worker_url"]
    assert unquote(url).endswith("-webhook-worker")


def test_it_has_no_public_route():
    assert "webhook_worker" in INTERNAL_FUNCTIONS
    assert not [r for r in ROUTES if r.function == "webhook_worker"]
    assert "webhook_worker" not in (MODULES / "gateway" / "openapi.json.tftpl").read_text()


def test_only_the_api_may_list_and_delete_tasks_and_only_on_the_step_queue():
    """DELETE /jobs/{id} is the one caller of delete_for_job, on the pipeline step queue: enqueuers
    get no viewer or deleter role, and the webhook queue grants them to nobody."""
    modules = _platform_modules()
    assert [unquote(m) for m in modules["tasks"]["task_deleters"]] == ['${local.members["api"]}']
    assert "task_deleters" not in modules["webhook_tasks"]
    granted = {name: unquote(body.get("for_each", "")) for _, name, body in _resources(MODULES / "tasks" / "main.tf")}
    assert granted["enqueuers"] == "${toset(var.enqueuers)}"
    assert granted["deleters"] == granted["viewers"] == "${toset(var.task_deleters)}"
    variables = {
        name: body
        for _, block in blocks("variable", MODULES / "tasks" / "variables.tf")
        for name, body in block.items()
    }
    assert variables["task_deleters"]["default"] == []

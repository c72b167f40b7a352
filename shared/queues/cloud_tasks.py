"""CloudTasksQueue: the step-task port on Cloud Tasks (or gcloud-tasks-emulator when
CLOUD_TASKS_EMULATOR_HOST is set).

Every task is an HTTP POST of {job_id, step, attempt} to Settings.tasks_target_url (the
pipeline_worker function), named `<queue>/tasks/<job_id>-<step>-<attempt>`: Cloud Tasks refuses
a second task of the same name (ALREADY_EXISTS, also for a while after the first ran), which is
the port's dedupe. In GCP the request carries an OIDC token for the tasks service account, and
the worker function only admits that account (roles/run.invoker, Terraform).

Webhook delivery attempts (queue WEBHOOKS of the port) go to a second queue whose target is the
webhook_worker function (Settings.webhook_tasks_queue / webhook_tasks_target_url; decision 1110),
with a dispatch deadline of a minute. Without a webhook target URL they stay on the pipeline
queue, where pipeline_worker runs them as before (decision 1101).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass

from shared.queues.tasks import PIPELINE, WEBHOOKS, check_queue, task_name

# An HTTP task may run at most 30 minutes; media steps are sized to fit (docs/decisions/0603).
DISPATCH_DEADLINE_SECONDS = 1800
# A webhook attempt waits at most its 10 s timeout plus DNS and two document writes.
WEBHOOK_DISPATCH_DEADLINE_SECONDS = 60


@dataclass(frozen=True)
class QueueTarget:
    """One Cloud Tasks queue and the function its HTTP tasks call."""

    queue: str
    url: str
    deadline_seconds: int


class CloudTasksQueue:
    """Task queue on one Cloud Tasks queue; the client is created lazily and reused."""

    def __init__(
        self,
        project: str,
        region: str,
        queue: str,
        target_url: str,
        service_account_email: str = "",
        client=None,
        webhook_queue: str = "",
        webhook_target_url: str = "",
    ):
        if not project:
            raise RuntimeError("GOOGLE_CLOUD_PROJECT (or AVP_GCP_PROJECT) must be set for Cloud Tasks")
        if not target_url:
            raise RuntimeError("AVP_TASKS_TARGET_URL (the pipeline_worker URL) must be set for Cloud Tasks")
        if webhook_target_url and not webhook_queue:
            raise RuntimeError("AVP_WEBHOOK_TASKS_QUEUE must name a queue when AVP_WEBHOOK_TASKS_TARGET_URL is set")
        self.project, self.region, self.queue = project, region, queue
        self.target_url = target_url
        self.service_account_email = service_account_email
        pipeline = QueueTarget(queue, target_url, DISPATCH_DEADLINE_SECONDS)
        self.targets = {
            PIPELINE: pipeline,
            WEBHOOKS: (
                QueueTarget(webhook_queue, webhook_target_url, WEBHOOK_DISPATCH_DEADLINE_SECONDS)
                if webhook_target_url
                else pipeline
            ),
        }
        self._client = client
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, cfg) -> CloudTasksQueue:
        return cls(
            cfg.gcp_project or os.environ.get("GOOGLE_CLOUD_PROJECT", ""),
            cfg.gcp_region,
            cfg.tasks_queue,
            cfg.tasks_target_url,
            service_account_email=cfg.tasks_service_account,
            webhook_queue=cfg.webhook_tasks_queue,
            webhook_target_url=cfg.webhook_tasks_target_url,
        )

    @property
    def parent(self) -> str:
        """The pipeline queue's resource name."""
        return self.queue_path(PIPELINE)

    def queue_path(self, queue: str = PIPELINE) -> str:
        target = self.targets[check_queue(queue)]
        return f"projects/{self.project}/locations/{self.region}/queues/{target.queue}"

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from google.cloud import tasks_v2

                    host = os.environ.get("CLOUD_TASKS_EMULATOR_HOST")
                    if host:
                        import grpc
                        from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

                        transport = CloudTasksGrpcTransport(channel=grpc.insecure_channel(host))
                        self._client = tasks_v2.CloudTasksClient(transport=transport)
                    else:
                        self._client = tasks_v2.CloudTasksClient()
        return self._client

    def task_path(self, job_id: str, step: str, attempt: int, queue: str = PIPELINE) -> str:
        return f"{self.queue_path(queue)}/tasks/{task_name(job_id, step, attempt)}"

    def build_task(
        self, job_id: str, step: str, attempt: int, delay_seconds: float = 0.0, queue: str = PIPELINE
    ) -> dict:
        """The Task resource for one step (a dict the client library accepts)."""
        target = self.targets[check_queue(queue)]
        http_request = {
            "http_method": "POST",
            "url": target.url,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"job_id": job_id, "step": step, "attempt": int(attempt)}).encode(),
        }
        if self.service_account_email:
            http_request["oidc_token"] = {
                "service_account_email": self.service_account_email,
                "audience": target.url,
            }
        task = {
            "name": self.task_path(job_id, step, attempt, queue),
            "http_request": http_request,
            "dispatch_deadline": {"seconds": target.deadline_seconds},
        }
        if delay_seconds and delay_seconds > 0:
            from google.protobuf import timestamp_pb2

            ts = timestamp_pb2.Timestamp()
            ts.FromNanoseconds(int((time.time() + delay_seconds) * 1e9))
            task["schedule_time"] = ts
        return task

    # -- the port ---------------------------------------------------------------------------
    def enqueue(
        self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0, queue: str = PIPELINE
    ) -> bool:
        from google.api_core.exceptions import AlreadyExists

        task = self.build_task(job_id, step, attempt, delay_seconds, queue)
        try:
            self.client.create_task(request={"parent": self.queue_path(queue), "task": task})
        except AlreadyExists:
            return False
        return True

    def delete_for_job(self, job_id: str) -> int:
        from google.api_core.exceptions import NotFound

        prefix = f"{self.parent}/tasks/{job_id}-"
        deleted = 0
        for task in self.client.list_tasks(request={"parent": self.parent}):
            if task.name.startswith(prefix):
                try:
                    self.client.delete_task(request={"name": task.name})
                    deleted += 1
                except NotFound:
                    pass  # ran or was deleted meanwhile
        return deleted

    # -- emulator provisioning ----------------------------------------------------------------
    def ensure_queue(self) -> None:
        """Create the queues if missing (emulator; Terraform creates them in GCP)."""
        from google.api_core.exceptions import AlreadyExists

        for name in sorted({self.queue_path(q) for q in self.targets}):
            try:
                self.client.create_queue(
                    request={"parent": f"projects/{self.project}/locations/{self.region}", "queue": {"name": name}}
                )
            except AlreadyExists:
                pass

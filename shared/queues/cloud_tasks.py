"""CloudTasksQueue: the step-task port on Cloud Tasks (or gcloud-tasks-emulator when
CLOUD_TASKS_EMULATOR_HOST is set).

Every task is an HTTP POST of {job_id, step, attempt} to Settings.tasks_target_url (the
pipeline_worker function), named `<queue>/tasks/<job_id>-<step>-<attempt>`: Cloud Tasks refuses
a second task of the same name (ALREADY_EXISTS, also for a while after the first ran), which is
the port's dedupe. In GCP the request carries an OIDC token for the tasks service account, and
the worker function only admits that account (roles/run.invoker, Terraform).
"""

from __future__ import annotations

import json
import os
import threading
import time

from shared.queues.tasks import task_name

# An HTTP task may run at most 30 minutes; media steps are sized to fit (docs/decisions/0603).
DISPATCH_DEADLINE_SECONDS = 1800


class CloudTasksQueue:
    """Task queue on one Cloud Tasks queue; the client is created lazily and reused."""

    def __init__(
        self, project: str, region: str, queue: str, target_url: str, service_account_email: str = "", client=None
    ):
        if not project:
            raise RuntimeError("GOOGLE_CLOUD_PROJECT (or AVP_GCP_PROJECT) must be set for Cloud Tasks")
        if not target_url:
            raise RuntimeError("AVP_TASKS_TARGET_URL (the pipeline_worker URL) must be set for Cloud Tasks")
        self.project, self.region, self.queue = project, region, queue
        self.target_url = target_url
        self.service_account_email = service_account_email
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
        )

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.region}/queues/{self.queue}"

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

    def task_path(self, job_id: str, step: str, attempt: int) -> str:
        return f"{self.parent}/tasks/{task_name(job_id, step, attempt)}"

    def build_task(self, job_id: str, step: str, attempt: int, delay_seconds: float = 0.0) -> dict:
        """The Task resource for one step (a dict the client library accepts)."""
        http_request = {
            "http_method": "POST",
            "url": self.target_url,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"job_id": job_id, "step": step, "attempt": int(attempt)}).encode(),
        }
        if self.service_account_email:
            http_request["oidc_token"] = {
                "service_account_email": self.service_account_email,
                "audience": self.target_url,
            }
        task = {
            "name": self.task_path(job_id, step, attempt),
            "http_request": http_request,
            "dispatch_deadline": {"seconds": DISPATCH_DEADLINE_SECONDS},
        }
        if delay_seconds and delay_seconds > 0:
            from google.protobuf import timestamp_pb2

            ts = timestamp_pb2.Timestamp()
            ts.FromNanoseconds(int((time.time() + delay_seconds) * 1e9))
            task["schedule_time"] = ts
        return task

    # -- the port ---------------------------------------------------------------------------
    def enqueue(self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0) -> bool:
        from google.api_core.exceptions import AlreadyExists

        task = self.build_task(job_id, step, attempt, delay_seconds)
        try:
            self.client.create_task(request={"parent": self.parent, "task": task})
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
        """Create the queue if missing (emulator; Terraform creates it in GCP)."""
        from google.api_core.exceptions import AlreadyExists

        try:
            self.client.create_queue(
                request={"parent": f"projects/{self.project}/locations/{self.region}", "queue": {"name": self.parent}}
            )
        except AlreadyExists:
            pass

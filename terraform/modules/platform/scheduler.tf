# Scheduled calls to the pipeline worker (Cloud Scheduler, OIDC as the tasks service account):
# - reconcile, every 5 minutes: re-creates the current task of every job in an automated step
#   and publishes status events left in job outboxes (shared.pipeline.runner.reconcile), so a
#   crash between a committed transition and its follow-ups never strands a job;
# - housekeeping, hourly: deletes expired short-lived documents (rate-limit counters, SSO states,
#   invites, refresh tokens and families, idempotency keys) and unclaimed uploads with their
#   objects (shared.services.housekeeping, docs/decisions/0700); Firestore's TTL policies on
#   `expire_at` (modules/firestore/ttl.tf) delete the same documents independently.
# Both passes dedupe and are idempotent.
locals {
  scheduled_jobs = {
    "pipeline-reconcile" = {
      description = "Repairs stranded pipeline tasks and unpublished status events"
      schedule    = "*/5 * * * *"
      body        = { reconcile = true }
    }
    "housekeeping" = {
      description = "Deletes expired sessions, counters, invites, idempotency keys and unclaimed uploads"
      schedule    = "17 * * * *"
      body        = { housekeeping = true }
    }
  }
}

resource "google_cloud_scheduler_job" "pipeline_worker" {
  for_each         = local.scheduled_jobs
  project          = var.project_id
  region           = var.region
  name             = "${local.name_prefix}-${each.key}"
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "320s"

  http_target {
    http_method = "POST"
    uri         = local.pipeline_worker_url
    body        = base64encode(jsonencode(each.value.body))
    headers     = { "Content-Type" = "application/json" }

    oidc_token {
      service_account_email = module.iam.emails["tasks"]
      audience              = local.pipeline_worker_url
    }
  }

  depends_on = [google_project_service.api, module.functions]
}

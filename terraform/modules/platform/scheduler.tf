# Every 5 minutes the pipeline worker re-creates the current task of every job in an automated
# step and publishes status events left in job outboxes (shared.pipeline.runner.reconcile), so a
# crash between a committed transition and its follow-ups never strands a job. Both dedupe.
resource "google_cloud_scheduler_job" "pipeline_reconcile" {
  project          = var.project_id
  region           = var.region
  name             = "${local.name_prefix}-pipeline-reconcile"
  description      = "Repairs stranded pipeline tasks and unpublished status events"
  schedule         = "*/5 * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "320s"

  http_target {
    http_method = "POST"
    uri         = local.pipeline_worker_url
    body        = base64encode(jsonencode({ reconcile = true }))
    headers     = { "Content-Type" = "application/json" }

    oidc_token {
      service_account_email = module.iam.emails["tasks"]
      audience              = local.pipeline_worker_url
    }
  }

  depends_on = [google_project_service.api, module.functions]
}

# Every hour the pipeline worker deletes expired short-lived documents (rate-limit counters, SSO
# states, invites, refresh tokens and families, idempotency keys) and unclaimed uploads with
# their objects (shared.services.housekeeping, docs/decisions/0700). Firestore's TTL policies
# on `expire_at` (modules/firestore/ttl.tf) delete the same documents independently; both are
# idempotent.
resource "google_cloud_scheduler_job" "housekeeping" {
  project          = var.project_id
  region           = var.region
  name             = "${local.name_prefix}-housekeeping"
  description      = "Deletes expired sessions, counters, invites, idempotency keys and unclaimed uploads"
  schedule         = "17 * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "320s"

  http_target {
    http_method = "POST"
    uri         = local.pipeline_worker_url
    body        = base64encode(jsonencode({ housekeeping = true }))
    headers     = { "Content-Type" = "application/json" }

    oidc_token {
      service_account_email = module.iam.emails["tasks"]
      audience              = local.pipeline_worker_url
    }
  }

  depends_on = [google_project_service.api, module.functions]
}

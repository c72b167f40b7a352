# One queue of HTTP tasks: used twice by the platform, for pipeline steps (to pipeline_worker) and
# for webhook delivery attempts (to webhook_worker, decision 1110). The runner and the webhooks
# service retry failed work themselves with new, named tasks; Cloud Tasks' own retries cover
# delivery failures (the workers answer 5xx only for those).
resource "google_cloud_tasks_queue" "steps" {
  project  = var.project_id
  location = var.region
  name     = var.queue_name

  rate_limits {
    max_dispatches_per_second = var.max_dispatches_per_second
    max_concurrent_dispatches = var.max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = var.max_attempts
    min_backoff        = "10s"
    max_backoff        = "600s"
    max_doublings      = 5
    max_retry_duration = "0s"
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }
}

resource "google_cloud_tasks_queue_iam_member" "enqueuers" {
  for_each = toset(var.enqueuers)
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.steps.name
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value
}

# Deleting a job removes its pending step tasks (CloudTasksQueue.delete_for_job lists the queue and
# deletes the job's tasks): only the members in task_deleters may list and delete, on this queue.
resource "google_cloud_tasks_queue_iam_member" "deleters" {
  for_each = toset(var.task_deleters)
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.steps.name
  role     = "roles/cloudtasks.taskDeleter"
  member   = each.value
}

resource "google_cloud_tasks_queue_iam_member" "viewers" {
  for_each = toset(var.task_deleters)
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.steps.name
  role     = "roles/cloudtasks.viewer"
  member   = each.value
}

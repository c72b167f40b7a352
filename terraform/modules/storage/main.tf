# The uploads bucket (signed-URL uploads; short-lived, with a lifecycle rule) and the
# deliverables bucket (job sources, work files and outputs). Object names equal the platform's
# logical paths. OBJECT_FINALIZE under uploads/ is published to the uploads topic, which starts
# the pipeline through the upload_trigger function.

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_storage_bucket" "uploads" {
  project                     = var.project_id
  name                        = var.uploads_bucket
  location                    = var.location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  lifecycle_rule {
    condition {
      age = var.uploads_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  dynamic "cors" {
    for_each = length(var.cors_origins) > 0 ? [1] : []
    content {
      origin          = var.cors_origins
      method          = ["PUT", "OPTIONS"]
      response_header = ["Content-Type", "x-goog-content-length-range"]
      max_age_seconds = 3600
    }
  }
}

resource "google_storage_bucket" "deliverables" {
  project                     = var.project_id
  name                        = var.deliverables_bucket
  location                    = var.location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions         = 1
      with_state                 = "ARCHIVED"
      days_since_noncurrent_time = var.noncurrent_retention_days
    }
    action {
      type = "Delete"
    }
  }

  dynamic "cors" {
    for_each = length(var.cors_origins) > 0 ? [1] : []
    content {
      origin          = var.cors_origins
      method          = ["GET", "HEAD"]
      response_header = ["Content-Type", "Content-Disposition"]
      max_age_seconds = 3600
    }
  }
}

# The Cloud Storage service agent publishes the notifications.
resource "google_pubsub_topic_iam_member" "gcs_publishes_uploads" {
  project = var.project_id
  topic   = var.uploads_topic_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "uploads_finalized" {
  bucket             = google_storage_bucket.uploads.name
  payload_format     = "JSON_API_V1"
  topic              = var.uploads_topic_id
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = "uploads/"
  depends_on         = [google_pubsub_topic_iam_member.gcs_publishes_uploads]
}

# Runtime accounts read and write objects in both buckets, nothing else.
resource "google_storage_bucket_iam_member" "uploads_object_admin" {
  for_each = toset(var.object_admin_members)
  bucket   = google_storage_bucket.uploads.name
  role     = "roles/storage.objectAdmin"
  member   = each.value
}

resource "google_storage_bucket_iam_member" "deliverables_object_admin" {
  for_each = toset(var.object_admin_members)
  bucket   = google_storage_bucket.deliverables.name
  role     = "roles/storage.objectAdmin"
  member   = each.value
}

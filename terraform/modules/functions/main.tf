# One Cloud Functions (2nd gen) function per entry point, from the package scripts/build
# assembled in build/<function>/ (its main.py, a copy of shared/ and its requirements).

resource "google_storage_bucket" "sources" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-function-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}

data "archive_file" "source" {
  for_each    = var.functions
  type        = "zip"
  source_dir  = "${var.build_dir}/${each.key}"
  output_path = "${var.build_dir}/${each.key}.zip"
}

resource "google_storage_bucket_object" "source" {
  for_each = var.functions
  bucket   = google_storage_bucket.sources.name
  name     = "${each.key}-${data.archive_file.source[each.key].output_md5}.zip"
  source   = data.archive_file.source[each.key].output_path
}

resource "google_cloudfunctions2_function" "fn" {
  for_each    = var.functions
  project     = var.project_id
  location    = var.region
  name        = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  description = each.value.description

  build_config {
    runtime     = var.runtime
    entry_point = "entry"
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  service_config {
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout_seconds
    max_instance_count               = each.value.max_instances
    min_instance_count               = each.value.min_instances
    max_instance_request_concurrency = each.value.concurrency
    service_account_email            = each.value.service_account
    ingress_settings                 = "ALLOW_ALL" # every call still needs an invoker identity (below)
    all_traffic_on_latest_revision   = true
    environment_variables = merge(var.common_env, each.value.env, {
      AVP_SIGNING_SERVICE_ACCOUNT = each.value.service_account
    })

    dynamic "secret_environment_variables" {
      for_each = each.value.secrets
      content {
        key        = var.secret_env[secret_environment_variables.value].env_var
        project_id = var.project_id
        secret     = var.secret_env[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }
}

# Who may call each function: the gateway account for the public API, the tasks account for
# the pipeline worker, the push account for the upload trigger. Nobody else (no allUsers).
resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = {
    for pair in flatten([
      for fn, cfg in var.functions : [for m in cfg.invokers : { fn = fn, member = m }]
    ]) : "${pair.fn}:${pair.member}" => pair
  }
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.value.fn].service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value.member
}

# The WebSocket service (functions/websocket) on Cloud Run: long-lived connections (up to the
# 60-minute request limit; clients reconnect), session affinity, one Pub/Sub subscription per
# instance. API Gateway does not carry WebSockets, so clients connect to this service's URL;
# it authenticates every connection with the ?token= access token itself.
resource "google_cloud_run_v2_service" "websocket" {
  project  = var.project_id
  location = var.region
  name     = "${var.name_prefix}-websocket"
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = var.service_account
    timeout                          = "3600s"
    session_affinity                 = true
    max_instance_request_concurrency = var.concurrency

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = false # the Pub/Sub streaming pull runs between requests
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = var.jwt_secret_env_var
        value_source {
          secret_key_ref {
            secret  = var.jwt_secret_id
            version = "latest"
          }
        }
      }
    }
  }
}

# Browsers cannot attach Google identity tokens to a WebSocket: the service is public at the
# network level and checks the platform's own access token on connect.
resource "google_cloud_run_v2_service_iam_member" "public" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.websocket.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

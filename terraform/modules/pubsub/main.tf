# Topics: job events (fanned out by the WebSocket service, one subscription per instance, created
# at run time) and upload notifications (pushed to the upload_trigger function, with a
# dead-letter topic for messages that keep failing).

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "events" {
  project                    = var.project_id
  name                       = var.events_topic
  message_retention_duration = "600s"
}

resource "google_pubsub_topic" "uploads" {
  project = var.project_id
  name    = var.uploads_topic
}

resource "google_pubsub_topic" "uploads_dead_letter" {
  project = var.project_id
  name    = "${var.uploads_topic}-dead-letter"
}

resource "google_pubsub_subscription" "upload_trigger" {
  project                    = var.project_id
  name                       = "${var.uploads_topic}-upload-trigger"
  topic                      = google_pubsub_topic.uploads.id
  ack_deadline_seconds       = var.upload_trigger_ack_deadline_seconds
  message_retention_duration = "604800s"

  push_config {
    push_endpoint = var.upload_trigger_url
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = var.upload_trigger_url
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.uploads_dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

# Keeps dead-lettered upload notifications a week for inspection and replay.
resource "google_pubsub_subscription" "uploads_dead_letter_hold" {
  project                    = var.project_id
  name                       = "${var.uploads_topic}-dead-letter-hold"
  topic                      = google_pubsub_topic.uploads_dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent forwards undeliverable messages to the dead-letter topic.
resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  project = var.project_id
  topic   = google_pubsub_topic.uploads_dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_acks_forwarded" {
  project      = var.project_id
  subscription = google_pubsub_subscription.upload_trigger.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The push subscription authenticates as this account; the service agent mints its tokens.
resource "google_service_account_iam_member" "agent_mints_push_tokens" {
  service_account_id = "projects/${var.project_id}/serviceAccounts/${var.push_service_account_email}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

resource "google_pubsub_topic_iam_member" "event_publishers" {
  for_each = toset(var.event_publishers)
  project  = var.project_id
  topic    = google_pubsub_topic.events.name
  role     = "roles/pubsub.publisher"
  member   = each.value
}

# WebSocket instances attach their own subscriptions to the events topic...
resource "google_pubsub_topic_iam_member" "event_subscribers" {
  for_each = toset(var.event_subscribers)
  project  = var.project_id
  topic    = google_pubsub_topic.events.name
  role     = "roles/pubsub.subscriber"
  member   = each.value
}

# ...which needs create/consume/delete on subscriptions, and nothing more, in the project.
resource "google_project_iam_custom_role" "instance_subscriptions" {
  project     = var.project_id
  role_id     = replace("avpInstanceSubscriptions_${var.name_suffix}", "-", "_")
  title       = "AVP per-instance event subscriptions (${var.name_suffix})"
  description = "Create, pull from and delete the WebSocket service's own subscriptions."
  permissions = [
    "pubsub.subscriptions.create",
    "pubsub.subscriptions.consume",
    "pubsub.subscriptions.delete",
    "pubsub.subscriptions.get",
  ]
}

resource "google_project_iam_member" "instance_subscriptions" {
  for_each = toset(var.event_subscribers)
  project  = var.project_id
  role     = google_project_iam_custom_role.instance_subscriptions.id
  member   = each.value
}

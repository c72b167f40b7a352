# TTL policies: Firestore deletes a document of these collections some time (typically within
# 24 hours) after the timestamp in its `expire_at` field has passed. FirestoreDocuments stores
# that one field as a timestamp (the code sees an ISO 8601 string); documents without it, or
# with a non-timestamp value, are never deleted by the policy. The hourly housekeeping job
# (shared.services.housekeeping) deletes the same documents, and upload objects too; see
# docs/decisions/0700. No index_config block: the field keeps its automatic single-field
# indexes, which the housekeeping query (expire_at < now, ordered by expire_at) uses.
locals {
  ttl_collections = [
    "idempotency",
    "invites",
    "rate_limits",
    "refresh_families",
    "refresh_tokens",
    "sso_states",
    "uploads",
    "ws_tickets",
    "webhook_deliveries",
  ]
}

resource "google_firestore_field" "expire_at_ttl" {
  for_each = toset(local.ttl_collections)

  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = each.value
  field      = "expire_at"

  ttl_config {}
}

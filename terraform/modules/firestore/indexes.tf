# Composite indexes of every query the code makes. tests/unit/test_terraform_indexes.py derives
# the needed ones from the code and fails, printing the entry to add, when one is missing here
# (the Firestore emulator does not enforce indexes). Regenerate the list with
# `.venv/bin/python tests/unit/test_terraform_indexes.py`.
locals {
  composite_indexes = [
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "actor", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "actor", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "actor", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "actor", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "action", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "actor", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "actor", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "actor", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "actor", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "audit_log", fields = [{ field_path = "target", order = "ASCENDING" }, { field_path = "time", order = "DESCENDING" }] },
    { collection = "glossaries", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "name", order = "ASCENDING" }] },
    { collection = "invites", fields = [{ field_path = "email", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "updated_at", order = "ASCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "users", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "role", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "role", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "role", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "role", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "users", fields = [{ field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
    { collection = "vtt_versions", fields = [{ field_path = "job_id", order = "ASCENDING" }, { field_path = "kind", order = "ASCENDING" }, { field_path = "lang", order = "ASCENDING" }, { field_path = "seq", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "created_by", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "created_by", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "created_by", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "assignees", array_config = "CONTAINS" }, { field_path = "created_by", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "created_by", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "created_by", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "created_by", order = "ASCENDING" }, { field_path = "org_id", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "jobs", fields = [{ field_path = "created_by", order = "ASCENDING" }, { field_path = "status", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "webhook_deliveries", fields = [{ field_path = "endpoint_id", order = "ASCENDING" }, { field_path = "created_at", order = "DESCENDING" }] },
    { collection = "webhook_deliveries", fields = [{ field_path = "status", order = "ASCENDING" }, { field_path = "next_attempt_at", order = "ASCENDING" }] },
    { collection = "webhooks", fields = [{ field_path = "org_id", order = "ASCENDING" }, { field_path = "created_at", order = "ASCENDING" }] },
  ]
}

resource "google_firestore_index" "composite" {
  for_each = {
    for idx in local.composite_indexes :
    "${idx.collection}:${join(",", [for f in idx.fields : "${f.field_path}:${lookup(f, "order", lookup(f, "array_config", ""))}"])}" => idx
  }

  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = each.value.collection
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.field_path
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "array_config", null)
    }
  }
}

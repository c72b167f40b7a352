# One service account per kind of workload, each with only the project-level roles that have no
# narrower resource-level grant. Bucket, topic, queue, secret and invoker grants live with
# those resources (storage, pubsub, tasks, secrets, functions modules).

locals {
  accounts = {
    api       = "HTTP API functions"
    pipeline  = "Upload trigger"
    worker    = "Pipeline worker (parses untrusted media; no JWT secret)"
    tasks     = "Identity of Cloud Tasks requests to the pipeline and webhook workers"
    webhooks  = "Webhook worker (POSTs to customer-chosen addresses)"
    push      = "Identity of Pub/Sub pushes to the upload trigger"
    gateway   = "API Gateway calling the functions"
    websocket = "WebSocket service"
  }
  project_roles = {
    api       = ["roles/datastore.user", "roles/logging.logWriter"]
    pipeline  = ["roles/datastore.user", "roles/logging.logWriter"]
    worker    = ["roles/datastore.user", "roles/logging.logWriter", "roles/aiplatform.user", "roles/cloudtranslate.user", "roles/speech.client"]
    tasks     = []
    webhooks  = ["roles/datastore.user", "roles/logging.logWriter"]
    push      = []
    gateway   = []
    websocket = ["roles/datastore.user", "roles/logging.logWriter"] # user: redeeming a connection ticket deletes it (0903)
  }
  grants = flatten([
    for account, roles in local.project_roles : [for role in roles : { account = account, role = role }]
  ])
}

resource "google_service_account" "sa" {
  for_each     = local.accounts
  project      = var.project_id
  account_id   = "avp-${var.name_suffix}-${each.key}"
  display_name = "AVP ${var.name_suffix}: ${each.value}"
}

resource "google_project_iam_member" "roles" {
  for_each = { for g in local.grants : "${g.account}:${g.role}" => g }
  project  = var.project_id
  role     = each.value.role
  member   = "serviceAccount:${google_service_account.sa[each.value.account].email}"
}

# Signed URLs without a key file: the runtime account signs through IAM signBlob as itself.
resource "google_service_account_iam_member" "sign_as_self" {
  for_each           = toset(["api", "pipeline"])
  service_account_id = google_service_account.sa[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.sa[each.key].email}"
}

# Creating a task with an OIDC token for the tasks account requires acting as it.
resource "google_service_account_iam_member" "act_as_tasks" {
  for_each           = toset(["api", "pipeline", "worker", "webhooks"])
  service_account_id = google_service_account.sa["tasks"].name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.sa[each.key].email}"
}

# Secret Manager secrets. Terraform creates the secrets and who may read them, never their
# values: add a version with `gcloud secrets versions add` (docs/deploy.md), so no secret value
# is in the code, the plan or the state.
resource "google_secret_manager_secret" "secret" {
  for_each  = var.secrets
  project   = var.project_id
  secret_id = "avp-${var.name_suffix}-${each.key}"

  labels = {
    app = "avp"
    env = var.name_suffix
  }

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "accessors" {
  for_each = {
    for pair in flatten([
      for secret, members in var.secrets : [for m in members : { secret = secret, member = m }]
    ]) : "${pair.secret}:${pair.member}" => pair
  }
  project   = var.project_id
  secret_id = google_secret_manager_secret.secret[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}

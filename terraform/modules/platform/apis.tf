# APIs the platform uses (docs/deploy.md lists them too).
locals {
  apis = [
    "aiplatform.googleapis.com",       # Gemini on Vertex AI (visual description)
    "apigateway.googleapis.com",       # API Gateway
    "artifactregistry.googleapis.com", # function and WebSocket images
    "cloudbuild.googleapis.com",       # builds Cloud Functions sources
    "cloudfunctions.googleapis.com",   # Cloud Functions (2nd gen)
    "cloudscheduler.googleapis.com",   # pipeline reconcile every 5 minutes
    "cloudtasks.googleapis.com",       # pipeline step tasks
    "firestore.googleapis.com",        # document store
    "iam.googleapis.com",
    "iamcredentials.googleapis.com", # signBlob for signed URLs
    "pubsub.googleapis.com",         # events and upload notifications
    "run.googleapis.com",            # functions (2nd gen) and the WebSocket service
    "secretmanager.googleapis.com",  # JWT and Microsoft client secrets
    "servicecontrol.googleapis.com", # API Gateway
    "servicemanagement.googleapis.com",
    "speech.googleapis.com",       # Speech-to-Text v2
    "storage.googleapis.com",      # uploads and deliverables
    "texttospeech.googleapis.com", # narration
    "translate.googleapis.com",    # Translation v3 (glossaries)
  ]
}

resource "google_project_service" "api" {
  for_each           = toset(local.apis)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# The whole platform for one environment: data, storage, messaging, identities, secrets, the
# functions, the WebSocket service and the API Gateway in front of them.
locals {
  name_prefix = "avp-${var.env}"
  members     = module.iam.members
  # The console reads a linguist's VTT and uploads sources straight from/to the buckets through
  # signed URLs (decision 0802): its origin is always allowed there, besides cors_origins.
  bucket_cors_origins = distinct(concat(var.cors_origins, var.console_domain == "" ? [] : ["https://${var.console_domain}"]))
}

module "iam" {
  source      = "../iam"
  project_id  = var.project_id
  name_suffix = var.env

  depends_on = [google_project_service.api]
}

module "firestore" {
  source                 = "../firestore"
  project_id             = var.project_id
  location               = var.firestore_location
  database_name          = var.firestore_database
  point_in_time_recovery = var.protect_data
  deletion_protection    = var.protect_data

  depends_on = [google_project_service.api]
}

module "pubsub" {
  source                     = "../pubsub"
  project_id                 = var.project_id
  name_suffix                = var.env
  events_topic               = "${local.name_prefix}-job-events"
  uploads_topic              = "${local.name_prefix}-uploads"
  upload_trigger_url         = module.functions.urls["upload_trigger"]
  push_service_account_email = module.iam.emails["push"]
  event_publishers           = [local.members["api"], local.members["pipeline"], local.members["worker"]]
  event_subscribers          = [local.members["websocket"]]
}

module "storage" {
  source                 = "../storage"
  project_id             = var.project_id
  location               = var.region
  uploads_bucket         = "${var.project_id}-${local.name_prefix}-uploads"
  deliverables_bucket    = "${var.project_id}-${local.name_prefix}-deliverables"
  uploads_retention_days = var.uploads_retention_days
  cors_origins           = local.bucket_cors_origins
  uploads_topic_id       = module.pubsub.uploads_topic_id
  object_admin_members   = [local.members["api"], local.members["pipeline"], local.members["worker"]]
  force_destroy          = !var.protect_data
}

module "tasks" {
  source                    = "../tasks"
  project_id                = var.project_id
  region                    = var.region
  queue_name                = "${local.name_prefix}-pipeline-steps"
  max_concurrent_dispatches = var.pipeline_max_instances
  enqueuers                 = [local.members["api"], local.members["pipeline"], local.members["worker"]]
  task_deleters             = [local.members["api"]] # DELETE /jobs/{id} removes the job's pending steps

  depends_on = [google_project_service.api]
}

# Webhook delivery attempts (decision 1110): their own queue, run by the small webhook_worker,
# so a backlog of media steps never delays them. Any workload that changes a job's status fans
# out deliveries (api, pipeline, worker); the webhooks account schedules the retries. Cloud
# Tasks' own retries cover only failed dispatches: the service retries a receiver's failures.
module "webhook_tasks" {
  source                    = "../tasks"
  project_id                = var.project_id
  region                    = var.region
  queue_name                = "${local.name_prefix}-webhook-deliveries"
  max_dispatches_per_second = 50
  max_concurrent_dispatches = var.webhook_max_instances * local.webhook_worker_concurrency
  enqueuers                 = [local.members["api"], local.members["pipeline"], local.members["worker"], local.members["webhooks"]]

  depends_on = [google_project_service.api]
}

module "secrets" {
  source      = "../secrets"
  project_id  = var.project_id
  name_suffix = var.env
  secrets = {
    "jwt-secret"       = [local.members["api"], local.members["pipeline"], local.members["websocket"]]
    "ms-client-secret" = [local.members["api"]]
    "smtp-password"    = [local.members["api"]] # mounted only when smtp_user is set (invite emails, 0904)
  }

  depends_on = [google_project_service.api]
}

module "websocket" {
  source          = "../websocket"
  project_id      = var.project_id
  region          = var.region
  name_prefix     = local.name_prefix
  image           = var.websocket_image
  service_account = module.iam.emails["websocket"]
  # 1100 threads per instance (serve.py): at most 1000 WebSockets, 20 per user (decision 0903).
  env = merge(local.common_env, {
    AVP_WS_MAX_CONNECTIONS = "1000"
    AVP_WS_MAX_PER_USER    = "20"
  })
  jwt_secret_id = module.secrets.secret_ids["jwt-secret"]
  max_instances = var.websocket_max_instances
}

module "gateway" {
  source          = "../gateway"
  project_id      = var.project_id
  region          = var.gateway_region
  name_prefix     = local.name_prefix
  service_account = module.iam.emails["gateway"]
  backend_urls    = { for fn in local.gateway_functions : fn => module.functions.urls[fn] }
}

# The web console and the API on one site (decision 0801), when a domain is given.
module "console" {
  source            = "../console"
  count             = var.console_domain == "" ? 0 : 1
  project_id        = var.project_id
  region            = var.region
  gateway_region    = var.gateway_region
  name_prefix       = local.name_prefix
  domain            = var.console_domain
  dist_dir          = "${var.build_dir}/../web/dist"
  gateway_id        = module.gateway.gateway_id
  websocket_service = module.websocket.name
}

locals {
  # Functions the route table sends public paths to (every HTTP API function).
  gateway_functions = ["admin", "auth", "files", "glossaries", "health", "jobs", "language_qc", "users", "vtt", "webhooks"]
}

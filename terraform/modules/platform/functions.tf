# Every entry point under functions/ except the WebSocket service (Cloud Run, websocket.tf).
# tests/unit/test_terraform_config.py checks that this map and functions/ agree.
locals {
  api_sa      = module.iam.emails["api"]
  pipeline_sa = module.iam.emails["pipeline"]
  worker_sa   = module.iam.emails["worker"]
  gateway     = [module.iam.members["gateway"]]
  webhooks_sa = module.iam.emails["webhooks"]

  # Delivery attempts wait on the network (10 s timeout each), so one small instance runs many.
  webhook_worker_concurrency = 20

  api_function = {
    memory          = "512Mi"
    cpu             = "1"
    timeout_seconds = 60
    max_instances   = var.api_max_instances
    min_instances   = 0
    concurrency     = 20
    service_account = local.api_sa
    # Behind API Gateway: the caller's token arrives as X-Forwarded-Authorization, and the
    # last two X-Forwarded-For entries are the gateway's and Cloud Run's front end's.
    env = {
      AVP_BEHIND_GATEWAY     = "1"
      AVP_TRUSTED_PROXY_HOPS = tostring(var.trusted_proxy_hops)
    }
    secrets  = ["jwt-secret"]
    invokers = local.gateway
  }

  functions = {
    health      = merge(local.api_function, { description = "Health, metrics, OpenAPI and Swagger UI", memory = "256Mi", cpu = "0.167", concurrency = 1 })
    auth        = merge(local.api_function, { description = "Login, refresh, logout, Microsoft SSO, invites", secrets = ["jwt-secret", "ms-client-secret"] })
    jobs        = merge(local.api_function, { description = "Jobs: create (multipart upload), list, detail, QC actions, downloads", memory = "1Gi", timeout_seconds = 300 })
    vtt         = merge(local.api_function, { description = "VTT editing, timing and version history" })
    language_qc = merge(local.api_function, { description = "Per-language QC" })
    glossaries  = merge(local.api_function, { description = "Glossaries and terms" })
    files       = merge(local.api_function, { description = "Signed upload and download URLs" })
    users       = merge(local.api_function, { description = "Current user, organisations, members, invites", secrets = var.smtp_user != "" ? ["jwt-secret", "smtp-password"] : ["jwt-secret"] })
    admin       = merge(local.api_function, { description = "User administration and audit log" })
    webhooks    = merge(local.api_function, { description = "Webhook endpoints, secret rotation, delivery log and replay" })

    # Media steps: transcription, description, translation, TTS and render run here, one task
    # per instance, within Cloud Tasks' 30-minute limit for an HTTP task.
    pipeline_worker = {
      description     = "Runs one pipeline step per Cloud Tasks HTTP task"
      memory          = "8Gi"
      cpu             = "2"
      timeout_seconds = 1800
      max_instances   = var.pipeline_max_instances
      min_instances   = 0
      concurrency     = 1
      # Its own account: the worker parses untrusted files, so it holds no JWT secret
      # (AVP_TOKENLESS) and no rights beyond its job documents, the two buckets, the queue,
      # the events topic and the media APIs (modules/iam). AVP_RENDER_PARALLEL: languages
      # rendered at once, one per vCPU (decision 1202).
      service_account = local.worker_sa
      env             = { AVP_TOKENLESS = "1", AVP_RENDER_PARALLEL = "2" }
      secrets         = []
      invokers        = [module.iam.members["tasks"]]
    }

    # Webhook delivery attempts only (decision 1110), from their own queue: small, many at once,
    # reachable only with the tasks account's OIDC token like pipeline_worker. Its own account
    # (documents and logs, the webhook queue): it POSTs to addresses customers chose.
    webhook_worker = {
      description     = "Runs one webhook delivery attempt per Cloud Tasks HTTP task"
      memory          = "256Mi"
      cpu             = "0.5"
      timeout_seconds = 60
      max_instances   = var.webhook_max_instances
      min_instances   = 0
      concurrency     = local.webhook_worker_concurrency
      service_account = local.webhooks_sa
      env             = { AVP_TOKENLESS = "1" }
      secrets         = []
      invokers        = [module.iam.members["tasks"]]
    }

    upload_trigger = {
      description     = "Attaches finalized uploads (GCS notification via Pub/Sub push) to their jobs"
      memory          = "1Gi"
      cpu             = "1"
      timeout_seconds = 120
      max_instances   = 20
      min_instances   = 0
      concurrency     = 4
      service_account = local.pipeline_sa
      env             = {}
      secrets         = ["jwt-secret"]
      invokers        = [module.iam.members["push"]]
    }
  }

  # Gen2 functions also answer at this address; the tasks target is computed from the name so
  # the worker's own settings do not depend on the worker resource.
  function_base_url   = "https://${var.region}-${var.project_id}.cloudfunctions.net"
  pipeline_worker_url = "${local.function_base_url}/${local.name_prefix}-pipeline-worker"
  webhook_worker_url  = "${local.function_base_url}/${local.name_prefix}-webhook-worker"

  common_env = {
    AVP_BACKEND               = "gcp"
    GOOGLE_CLOUD_PROJECT      = var.project_id
    AVP_GCP_REGION            = var.region
    AVP_PUBLIC_URL            = var.public_base_url
    AVP_CORS_ORIGINS          = join(",", var.cors_origins)
    AVP_UPLOADS_BUCKET        = module.storage.uploads_bucket
    AVP_DELIVERABLES_BUCKET   = module.storage.deliverables_bucket
    AVP_FIRESTORE_DATABASE    = module.firestore.database_name
    AVP_TASKS_QUEUE           = module.tasks.queue_name
    AVP_TASKS_TARGET_URL      = local.pipeline_worker_url
    AVP_TASKS_SERVICE_ACCOUNT = module.iam.emails["tasks"]
    AVP_EVENTS_TOPIC          = module.pubsub.events_topic
    AVP_MS_CLIENT_ID          = var.ms_client_id
    AVP_MS_TENANT_ID          = var.ms_tenant_id
    AVP_MS_ALLOWED_TENANTS    = join(",", var.ms_allowed_tenants)
    # With the console on the site, its page completes Microsoft sign-in (decision 0801).
    AVP_MS_REDIRECT_URI   = var.console_domain == "" ? "${var.public_base_url}/api/v1/auth/microsoft/callback" : "https://${var.console_domain}/auth/microsoft/callback"
    AVP_MAX_UPLOAD_BYTES  = tostring(var.max_upload_bytes)
    AVP_HEAVY_CONCURRENCY = "1"
    AVP_SMTP_HOST         = var.smtp_host
    AVP_SMTP_PORT         = tostring(var.smtp_port)
    AVP_SMTP_USER         = var.smtp_user
    AVP_MAIL_FROM         = var.mail_from
    AVP_INVITE_URL        = var.invite_url
    LOG_EXECUTION_ID      = "true"
    # Webhook delivery attempts: their own queue and worker (decision 1110).
    AVP_WEBHOOK_TASKS_QUEUE      = module.webhook_tasks.queue_name
    AVP_WEBHOOK_TASKS_TARGET_URL = local.webhook_worker_url
  }

  secret_env = {
    "jwt-secret"       = { env_var = "AVP_JWT_SECRET", secret_id = module.secrets.secret_ids["jwt-secret"] }
    "ms-client-secret" = { env_var = "AVP_MS_CLIENT_SECRET", secret_id = module.secrets.secret_ids["ms-client-secret"] }
    "smtp-password"    = { env_var = "AVP_SMTP_PASSWORD", secret_id = module.secrets.secret_ids["smtp-password"] }
  }
}

module "functions" {
  source      = "../functions"
  project_id  = var.project_id
  region      = var.region
  name_prefix = local.name_prefix
  build_dir   = var.build_dir
  functions   = local.functions
  common_env  = local.common_env
  secret_env  = local.secret_env

  depends_on = [google_project_service.api, module.secrets]
}

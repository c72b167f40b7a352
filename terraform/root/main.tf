# The root module of every environment: modules/platform with one environment's settings.
# scripts/deploy <env> runs it with terraform/envs/<env>/terraform.tfvars, -var env=<env>, the
# state prefix avp/<env> and a data folder of its own (TF_DATA_DIR=.terraform-<env>), so the
# environments never share state, a lock or a plan. What differs between them besides their
# variables files is in local.environments.
locals {
  environments = {
    dev  = { pipeline_max_instances = 3, protect_data = false }
    prod = { pipeline_max_instances = 10, protect_data = true }
  }
  environment = local.environments[var.env]
}

module "platform" {
  source = "../modules/platform"

  project_id             = var.project_id
  env                    = var.env
  region                 = var.region
  gateway_region         = var.region
  firestore_location     = var.firestore_location
  public_base_url        = var.public_base_url
  console_domain         = var.console_domain
  cors_origins           = var.cors_origins
  ms_client_id           = var.ms_client_id
  ms_tenant_id           = var.ms_tenant_id
  ms_allowed_tenants     = var.ms_allowed_tenants
  smtp_host              = var.smtp_host
  smtp_user              = var.smtp_user
  mail_from              = var.mail_from
  invite_url             = var.invite_url
  build_dir              = abspath("${path.root}/../../build")
  websocket_image        = var.websocket_image
  pipeline_max_instances = local.environment.pipeline_max_instances
  protect_data           = local.environment.protect_data
}

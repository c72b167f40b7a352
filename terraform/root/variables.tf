variable "env" {
  type        = string
  description = "Environment: dev or prod (scripts/deploy sets it). Names the resources and picks local.environments."

  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be dev or prod."
  }
}

variable "project_id" {
  type        = string
  description = "Google Cloud project id of this environment."
}

variable "region" {
  type        = string
  description = "Region of the platform's regional resources."
  default     = "europe-west1"
}

variable "firestore_location" {
  type        = string
  description = "Firestore location (fixed once the database exists)."
  default     = "eur3"
}

variable "public_base_url" {
  type        = string
  description = "Public base URL of the API (gateway hostname or custom domain), https://..."
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API."
  default     = []
}

variable "ms_client_id" {
  type        = string
  description = "Microsoft Entra application (client) id; empty disables SSO. Not a secret."
  default     = ""
}

variable "ms_tenant_id" {
  type        = string
  description = "Microsoft Entra tenant id. Not a secret."
  default     = ""
}

variable "websocket_image" {
  type        = string
  description = "WebSocket service image, set by scripts/deploy (-var websocket_image=...)."
}

variable "ms_allowed_tenants" {
  type        = list(string)
  description = "Entra tenant ids a multi-tenant Microsoft app accepts (decision 0902); a single-tenant ms_tenant_id needs none."
  default     = []
}

variable "smtp_host" {
  type        = string
  description = "SMTP server for invite emails; empty: invites are not mailed (the API returns the link to copy)."
  default     = ""
}

variable "smtp_user" {
  type        = string
  description = "SMTP login; its password goes in the secret avp-<env>-smtp-password."
  default     = ""
}

variable "mail_from" {
  type        = string
  description = "From address of invite emails."
  default     = "Accessible Video Platform <no-reply@localhost>"
}

variable "invite_url" {
  type        = string
  description = "The console page invite links open (?token= is appended); empty: <public_base_url>/accept-invite."
  default     = ""
}

variable "console_domain" {
  type        = string
  description = "Hostname of the web console + API site (one load balancer; decision 0801). Empty: no console."
  default     = ""
}

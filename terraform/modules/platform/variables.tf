variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod): prefixes every resource name (avp-<env>-...)."
}

variable "region" {
  type        = string
  description = "Region of the functions, Cloud Run, Cloud Tasks and buckets."
  default     = "europe-west1"
}

variable "gateway_region" {
  type        = string
  description = "API Gateway region (a region API Gateway is offered in)."
  default     = "europe-west1"
}

variable "firestore_location" {
  type        = string
  description = "Firestore location (region or multi-region); cannot change after creation."
  default     = "eur3"
}

variable "firestore_database" {
  type        = string
  description = "Firestore database id."
  default     = "(default)"
}

variable "public_base_url" {
  type        = string
  description = "Public base URL of the API (the gateway hostname or a custom domain), https://..."
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API and use signed URLs."
  default     = []
}

variable "ms_client_id" {
  type        = string
  description = "Microsoft Entra application (client) id for SSO; empty disables SSO. Not a secret."
  default     = ""
}

variable "ms_tenant_id" {
  type        = string
  description = "Microsoft Entra tenant id for SSO. Not a secret."
  default     = ""
}

variable "build_dir" {
  type        = string
  description = "Folder scripts/build filled with build/<function>/ packages."
}

variable "websocket_image" {
  type        = string
  description = "Container image of the WebSocket service (scripts/deploy builds and pushes it)."
}

variable "max_upload_bytes" {
  type        = number
  description = "Largest source video accepted, in bytes."
  default     = 5368709120
}

variable "uploads_retention_days" {
  type        = number
  description = "Days before an object in the uploads bucket is deleted."
  default     = 7
}

variable "api_max_instances" {
  type        = number
  description = "Upper bound of instances per API function."
  default     = 20
}

variable "pipeline_max_instances" {
  type        = number
  description = "Upper bound of pipeline worker instances (and of concurrently dispatched steps)."
  default     = 10
}

variable "webhook_max_instances" {
  type        = number
  description = "Upper bound of webhook worker instances (each runs up to 20 delivery attempts at once)."
  default     = 5
}

variable "websocket_max_instances" {
  type        = number
  description = "Upper bound of WebSocket service instances."
  default     = 10
}

variable "protect_data" {
  type        = bool
  description = "Deletion protection and point-in-time recovery on Firestore; buckets refuse destroy when not empty."
  default     = true
}

variable "trusted_proxy_hops" {
  type        = number
  description = "X-Forwarded-For entries appended by the platform's own proxies in front of the API functions (API Gateway and Cloud Run's front end). The entry they received is the client's address; entries to its left are client-supplied and ignored."
  default     = 2
}

variable "smtp_host" {
  type        = string
  description = "SMTP server for invite emails (decision 0904); empty: invites are not mailed and the API says email_sent false."
  default     = ""
}

variable "smtp_port" {
  type        = number
  description = "SMTP port (587 with STARTTLS)."
  default     = 587
}

variable "smtp_user" {
  type        = string
  description = "SMTP login; when set, its password is read from the secret avp-<env>-smtp-password."
  default     = ""
}

variable "mail_from" {
  type        = string
  description = "From address of invite emails."
  default     = "Accessible Video Platform <no-reply@localhost>"
}

variable "invite_url" {
  type        = string
  description = "The console page invite links open (the token is appended as ?token=); empty: <public_base_url>/accept-invite."
  default     = ""
}

variable "ms_allowed_tenants" {
  type        = list(string)
  description = "Entra tenant ids a multi-tenant Microsoft app accepts (decision 0902)."
  default     = []
}

variable "console_domain" {
  type        = string
  description = "Hostname serving the web console and the API together through one load balancer (decision 0801); empty: no console."
  default     = ""
}

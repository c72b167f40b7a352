variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "region" {
  type        = string
  description = "Cloud Run region."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the service name (avp-<env>)."
}

variable "image" {
  type        = string
  description = "Container image of the WebSocket service (scripts/deploy builds it from build/websocket)."
}

variable "service_account" {
  type        = string
  description = "Runtime service account email."
}

variable "env" {
  type        = map(string)
  description = "Environment variables (no secret values)."
}

variable "jwt_secret_env_var" {
  type        = string
  description = "Environment variable the JWT secret is exposed as."
  default     = "AVP_JWT_SECRET"
}

variable "jwt_secret_id" {
  type        = string
  description = "Secret Manager secret id of the JWT secret."
}

variable "concurrency" {
  type        = number
  description = "Connections one instance holds."
  default     = 500
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm."
  default     = 0
}

variable "max_instances" {
  type        = number
  description = "Upper bound of instances."
  default     = 10
}

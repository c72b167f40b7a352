variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "name_suffix" {
  type        = string
  description = "Environment name in secret ids (avp-<env>-<secret>)."
}

variable "secrets" {
  type        = map(list(string))
  description = "Secret key (jwt-secret, ms-client-secret) -> IAM members allowed to read it."
}

variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "name_suffix" {
  type        = string
  description = "Environment name in account ids (avp-<env>-<kind>), at most 12 characters."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}$", var.name_suffix))
    error_message = "Use lowercase letters, digits and hyphens, at most 12 characters."
  }
}

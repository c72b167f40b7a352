variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "database_name" {
  type        = string
  description = "Firestore database id; \"(default)\" unless several environments share a project."
  default     = "(default)"
}

variable "location" {
  type        = string
  description = "Firestore location (a region such as europe-west1 or a multi-region such as eur3)."
}

variable "point_in_time_recovery" {
  type        = bool
  description = "Keep 7 days of point-in-time recovery."
  default     = false
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the database (and abandon it on terraform destroy)."
  default     = true
}

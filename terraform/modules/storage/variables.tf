variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "location" {
  type        = string
  description = "Bucket location (region or multi-region)."
}

variable "uploads_bucket" {
  type        = string
  description = "Name of the uploads bucket (globally unique)."
}

variable "deliverables_bucket" {
  type        = string
  description = "Name of the deliverables bucket (globally unique)."
}

variable "uploads_retention_days" {
  type        = number
  description = "Days after which objects in the uploads bucket are deleted (they are copied to the job on attach)."
  default     = 7
}

variable "noncurrent_retention_days" {
  type        = number
  description = "Days a replaced deliverable version is kept."
  default     = 30
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins allowed to use signed URLs directly."
  default     = []
}

variable "uploads_topic_id" {
  type        = string
  description = "Pub/Sub topic (projects/<p>/topics/<t>) that receives OBJECT_FINALIZE notifications of uploads/."
}

variable "object_admin_members" {
  type        = list(string)
  description = "IAM members (serviceAccount:...) that read and write objects in both buckets."
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform destroy to delete non-empty buckets (dev only)."
  default     = false
}

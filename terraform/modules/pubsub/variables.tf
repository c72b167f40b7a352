variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "name_suffix" {
  type        = string
  description = "Environment name, used to keep project-level names apart (dev, prod)."
}

variable "events_topic" {
  type        = string
  description = "Topic of job_status_update and notification events (AVP_EVENTS_TOPIC)."
}

variable "uploads_topic" {
  type        = string
  description = "Topic of the uploads bucket's OBJECT_FINALIZE notifications."
}

variable "upload_trigger_url" {
  type        = string
  description = "HTTPS URL of the upload_trigger function (push endpoint and OIDC audience)."
}

variable "push_service_account_email" {
  type        = string
  description = "Service account whose OIDC token the push subscription sends (invoker of upload_trigger)."
}

variable "upload_trigger_ack_deadline_seconds" {
  type        = number
  description = "Seconds the upload trigger has to answer before Pub/Sub redelivers."
  default     = 120
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries of an upload notification before it goes to the dead-letter topic (5-100)."
  default     = 10
}

variable "event_publishers" {
  type        = list(string)
  description = "IAM members that publish job events."
}

variable "event_subscribers" {
  type        = list(string)
  description = "IAM members that subscribe to job events (the WebSocket service)."
}

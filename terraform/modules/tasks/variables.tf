variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "region" {
  type        = string
  description = "Cloud Tasks location."
}

variable "queue_name" {
  type        = string
  description = "Queue id (AVP_TASKS_QUEUE, or AVP_WEBHOOK_TASKS_QUEUE for the webhook queue)."
}

variable "max_dispatches_per_second" {
  type        = number
  description = "Rate at which tasks are dispatched."
  default     = 5
}

variable "max_concurrent_dispatches" {
  type        = number
  description = "Tasks running at once across the platform (media steps are heavy: keep the step queue's modest)."
  default     = 10
}

variable "max_attempts" {
  type        = number
  description = "Deliveries of one task before Cloud Tasks gives up (the runner's reconcile re-creates lost work)."
  default     = 5
}

variable "enqueuers" {
  type        = list(string)
  description = "IAM members that create tasks."
}

variable "task_deleters" {
  type        = list(string)
  description = "IAM members that list and delete a job's pending tasks (the API, when a job is deleted)."
  default     = []
}

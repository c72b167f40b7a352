output "queue_name" {
  description = "The queue id."
  value       = google_cloud_tasks_queue.steps.name
}

output "events_topic" {
  description = "Events topic name."
  value       = google_pubsub_topic.events.name
}

output "uploads_topic_id" {
  description = "Uploads notification topic id (projects/<p>/topics/<t>)."
  value       = google_pubsub_topic.uploads.id
}

output "uploads_dead_letter_topic" {
  description = "Dead-letter topic of upload notifications."
  value       = google_pubsub_topic.uploads_dead_letter.name
}

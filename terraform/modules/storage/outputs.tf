output "uploads_bucket" {
  description = "The uploads bucket name (AVP_UPLOADS_BUCKET)."
  value       = google_storage_bucket.uploads.name
}

output "deliverables_bucket" {
  description = "The deliverables bucket name (AVP_DELIVERABLES_BUCKET)."
  value       = google_storage_bucket.deliverables.name
}

output "address" {
  description = "IP address of the site's load balancer: point the domain's DNS A record at it."
  value       = google_compute_global_address.site.address
}

output "url" {
  description = "The site: the console at /, the API under /api/v1, the WebSockets under /api/v1/ws."
  value       = "https://${var.domain}"
}

output "bucket" {
  description = "Bucket holding the console's built files."
  value       = google_storage_bucket.console.name
}

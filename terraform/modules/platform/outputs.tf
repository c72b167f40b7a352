output "api_url" {
  description = "The API Gateway URL (https://<host>)."
  value       = "https://${module.gateway.hostname}"
}

output "websocket_url" {
  description = "The WebSocket service URL (use wss://<host>/api/v1/ws/...)."
  value       = module.websocket.url
}

output "function_urls" {
  description = "URL per function."
  value       = module.functions.urls
}

output "service_accounts" {
  description = "Service account email per workload."
  value       = module.iam.emails
}

output "buckets" {
  description = "Uploads and deliverables bucket names."
  value = {
    uploads      = module.storage.uploads_bucket
    deliverables = module.storage.deliverables_bucket
  }
}

output "secret_ids" {
  description = "Secret Manager secrets whose values docs/deploy.md tells you to add."
  value       = module.secrets.secret_ids
}

output "console" {
  description = "The console site: its URL and the load balancer address for the DNS A record (null without console_domain)."
  value       = var.console_domain == "" ? null : { url = module.console[0].url, address = module.console[0].address }
}

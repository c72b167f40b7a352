output "api_url" {
  description = "The API Gateway URL."
  value       = module.platform.api_url
}

output "websocket_url" {
  description = "The WebSocket service URL."
  value       = module.platform.websocket_url
}

output "function_urls" {
  description = "URL per function."
  value       = module.platform.function_urls
}

output "secret_ids" {
  description = "Secrets to give a value (gcloud secrets versions add)."
  value       = module.platform.secret_ids
}

output "buckets" {
  description = "Bucket names."
  value       = module.platform.buckets
}

output "console" {
  description = "The web console site (URL and load balancer address), when console_domain is set."
  value       = module.platform.console
}

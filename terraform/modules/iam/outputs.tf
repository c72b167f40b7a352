output "emails" {
  description = "Service account email per kind (api, pipeline, worker, tasks, webhooks, push, gateway, websocket)."
  value       = { for k, sa in google_service_account.sa : k => sa.email }
}

output "members" {
  description = "IAM member string (serviceAccount:<email>) per kind."
  value       = { for k, sa in google_service_account.sa : k => "serviceAccount:${sa.email}" }
}

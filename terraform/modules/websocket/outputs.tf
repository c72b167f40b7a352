output "url" {
  description = "HTTPS URL of the WebSocket service (clients use wss:// on it)."
  value       = google_cloud_run_v2_service.websocket.uri
}

output "name" {
  description = "Name of the Cloud Run service (the console's load balancer routes /api/v1/ws/ to it)."
  value       = google_cloud_run_v2_service.websocket.name
}

output "url" {
  description = "HTTPS URL of the WebSocket service (clients use wss:// on it)."
  value       = google_cloud_run_v2_service.websocket.uri
}

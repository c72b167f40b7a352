output "hostname" {
  description = "Default hostname of the gateway (https://<hostname>/api/v1/...)."
  value       = google_api_gateway_gateway.gateway.default_hostname
}

output "hostname" {
  description = "Default hostname of the gateway (https://<hostname>/api/v1/...)."
  value       = google_api_gateway_gateway.gateway.default_hostname
}

output "gateway_id" {
  description = "Gateway id (the console's load balancer reaches the API through a serverless NEG on it)."
  value       = google_api_gateway_gateway.gateway.gateway_id
}

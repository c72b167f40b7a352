variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "region" {
  type        = string
  description = "Region of the WebSocket Cloud Run service."
}

variable "gateway_region" {
  type        = string
  description = "Region of the API Gateway gateway."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of resource names (avp-<env>)."
}

variable "domain" {
  type        = string
  description = "The site's hostname (console and API together), e.g. avp.example.org; its DNS A record points at the output address."
}

variable "bucket_location" {
  type        = string
  description = "Location of the console's bucket (the load balancer caches it at the edge)."
  default     = "EU"
}

variable "dist_dir" {
  type        = string
  description = "The built console (web/dist after ./scripts/setup)."
}

variable "gateway_id" {
  type        = string
  description = "Gateway id of the API Gateway gateway (module gateway output gateway_id)."
}

variable "websocket_service" {
  type        = string
  description = "Name of the WebSocket Cloud Run service (module websocket output name)."
}

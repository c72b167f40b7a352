variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "region" {
  type        = string
  description = "API Gateway region."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the API, config and gateway ids (avp-<env>)."
}

variable "backend_urls" {
  type        = map(string)
  description = "Function name -> HTTPS URL, for every function the route table routes to."
}

variable "service_account" {
  type        = string
  description = "Service account the gateway calls the functions as (their only public invoker)."
}

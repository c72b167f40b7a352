# API Gateway: one public hostname for every path of the route table. The OpenAPI 2.0 config is
# openapi.json.tftpl, generated from shared/routes.py by `python -m shared.gateway --template`
# (tests/unit/test_gateway_openapi.py keeps it in step), with each function's URL filled in.
resource "google_api_gateway_api" "api" {
  provider     = google-beta
  project      = var.project_id
  api_id       = "${var.name_prefix}-api"
  display_name = "AVP ${var.name_prefix} API"
}

resource "google_api_gateway_api_config" "config" {
  provider             = google-beta
  project              = var.project_id
  api                  = google_api_gateway_api.api.api_id
  api_config_id_prefix = "${var.name_prefix}-"
  display_name         = "AVP ${var.name_prefix} routes"

  openapi_documents {
    document {
      path = "openapi.json"
      contents = base64encode(templatefile("${path.module}/openapi.json.tftpl", {
        for fn, url in var.backend_urls : "backend_${fn}" => url
      }))
    }
  }

  gateway_config {
    backend_config {
      google_service_account = var.service_account
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_api_gateway_gateway" "gateway" {
  provider     = google-beta
  project      = var.project_id
  region       = var.region
  gateway_id   = "${var.name_prefix}-gateway"
  api_config   = google_api_gateway_api_config.config.id
  display_name = "AVP ${var.name_prefix}"
}

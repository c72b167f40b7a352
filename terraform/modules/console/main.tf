# The web console on the same site as the API (decision 0801). One global external HTTPS load
# balancer on the console's domain routes:
#   /api/v1/ws/*                         -> the WebSocket service (Cloud Run, serverless NEG)
#   /api/*, /health, /openapi.json, /docs -> API Gateway (serverless NEG)
#   /assets/*, /favicon.svg              -> the console bucket (built files, cached for a year)
#   every other path                     -> /index.html in the bucket (the console's router)
# The refresh cookie (SameSite=Strict) and the WebSocket therefore stay same-origin, as locally.
# The bucket's responses carry the console's Content-Security-Policy (no inline script).
locals {
  content_types = {
    html  = "text/html; charset=utf-8"
    js    = "text/javascript; charset=utf-8"
    css   = "text/css; charset=utf-8"
    svg   = "image/svg+xml"
    json  = "application/json"
    png   = "image/png"
    woff2 = "font/woff2"
  }
  files = fileset(var.dist_dir, "**")
  csp = join("; ", [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https://storage.googleapis.com",
    "media-src 'self' blob: https://storage.googleapis.com",
    "connect-src 'self' https://storage.googleapis.com",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ])
}

resource "google_storage_bucket" "console" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-console"
  location                    = var.bucket_location
  uniform_bucket_level_access = true
  force_destroy               = true # only built files live here; every apply uploads them again
}

# The load balancer's backend bucket reads objects as allUsers: the console's built files are
# public by nature (no data, no secrets); the API behind the same domain still needs a token.
resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.console.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket_object" "file" {
  for_each       = local.files
  bucket         = google_storage_bucket.console.name
  name           = each.value
  source         = "${var.dist_dir}/${each.value}"
  detect_md5hash = filemd5("${var.dist_dir}/${each.value}")
  content_type   = lookup(local.content_types, reverse(split(".", each.value))[0], "application/octet-stream")
  # Hashed assets never change; index.html must be revalidated so a deploy is seen at once.
  cache_control = startswith(each.value, "assets/") ? "public, max-age=31536000, immutable" : "no-cache"
}

resource "google_compute_backend_bucket" "console" {
  project     = var.project_id
  name        = "${var.name_prefix}-console"
  bucket_name = google_storage_bucket.console.name
  enable_cdn  = true
  custom_response_headers = [
    "Content-Security-Policy: ${local.csp}",
    "X-Content-Type-Options: nosniff",
    "Referrer-Policy: same-origin",
    "X-Frame-Options: DENY",
    "Strict-Transport-Security: max-age=31536000",
  ]
}

resource "google_compute_region_network_endpoint_group" "api" {
  provider              = google-beta # serverless NEGs for API Gateway are in beta
  project               = var.project_id
  region                = var.gateway_region
  name                  = "${var.name_prefix}-api-neg"
  network_endpoint_type = "SERVERLESS"
  serverless_deployment {
    platform = "apigateway.googleapis.com"
    resource = var.gateway_id
  }
}

resource "google_compute_backend_service" "api" {
  project               = var.project_id
  name                  = "${var.name_prefix}-api"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  backend {
    group = google_compute_region_network_endpoint_group.api.id
  }
}

resource "google_compute_region_network_endpoint_group" "websocket" {
  project               = var.project_id
  region                = var.region
  name                  = "${var.name_prefix}-websocket-neg"
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = var.websocket_service
  }
}

resource "google_compute_backend_service" "websocket" {
  project               = var.project_id
  name                  = "${var.name_prefix}-websocket"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  timeout_sec           = 3600 # WebSockets stay open up to the Cloud Run request limit
  backend {
    group = google_compute_region_network_endpoint_group.websocket.id
  }
}

resource "google_compute_url_map" "site" {
  project         = var.project_id
  name            = "${var.name_prefix}-site"
  default_service = google_compute_backend_bucket.console.id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "site"
  }

  path_matcher {
    name            = "site"
    default_service = google_compute_backend_bucket.console.id

    route_rules {
      priority = 1
      service  = google_compute_backend_service.websocket.id
      match_rules {
        prefix_match = "/api/v1/ws/"
      }
    }
    route_rules {
      priority = 2
      service  = google_compute_backend_service.api.id
      match_rules {
        prefix_match = "/api/"
      }
      match_rules {
        full_path_match = "/health"
      }
      match_rules {
        full_path_match = "/openapi.json"
      }
      match_rules {
        prefix_match = "/docs"
      }
    }
    route_rules {
      priority = 3
      service  = google_compute_backend_bucket.console.id
      match_rules {
        prefix_match = "/assets/"
      }
      match_rules {
        full_path_match = "/favicon.svg"
      }
    }
    # Console routes (/jobs/..., /signin, /auth/microsoft/callback, ...): the single page.
    route_rules {
      priority = 4
      service  = google_compute_backend_bucket.console.id
      match_rules {
        path_template_match = "/{path=**}"
      }
      route_action {
        url_rewrite {
          path_template_rewrite = "/index.html"
        }
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "site" {
  project = var.project_id
  name    = "${var.name_prefix}-site"
  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "site" {
  project          = var.project_id
  name             = "${var.name_prefix}-site"
  url_map          = google_compute_url_map.site.id
  ssl_certificates = [google_compute_managed_ssl_certificate.site.id]
}

resource "google_compute_global_address" "site" {
  project = var.project_id
  name    = "${var.name_prefix}-site"
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name_prefix}-site-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_https_proxy.site.id
  ip_address            = google_compute_global_address.site.address
  port_range            = "443"
}

# The shared HTTPS load balancer for Plant and its sibling portals. Lessons of the 2026-01-15
# outage are built in: one managed certificate per service under a stable, literal name, so
# adding a service adds a certificate and never renames (replaces) another; the proxy lists
# them all; and the deploy workflow runs the certificate gate before a proxy change is applied.

data "google_compute_global_address" "lb" {
  name = var.static_ip_name
}

module "certificate" {
  source   = "../../modules/service-certificate"
  for_each = var.services
  name     = each.value.certificate_name
  domains  = each.value.domains
}

resource "google_compute_backend_service" "service" {
  for_each              = var.services
  name                  = "${each.key}-${var.environment}-backend"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  backend {
    group = each.value.neg_id
  }
  log_config {
    enable      = true
    sample_rate = 1
  }
}

locals {
  # Hosts map to the service that owns them; the default route is the first service by name.
  hosts = merge([for key, s in var.services : { for d in s.domains : d => key }]...)
  first = sort(keys(var.services))[0]
}

resource "google_compute_url_map" "https" {
  name            = "shared-${var.environment}-url-map"
  default_service = google_compute_backend_service.service[local.first].id

  dynamic "host_rule" {
    for_each = var.services
    content {
      hosts        = host_rule.value.domains
      path_matcher = host_rule.key
    }
  }
  dynamic "path_matcher" {
    for_each = var.services
    content {
      name            = path_matcher.key
      default_service = google_compute_backend_service.service[path_matcher.key].id
    }
  }
}

resource "google_compute_target_https_proxy" "shared" {
  name    = "shared-${var.environment}-https-proxy"
  url_map = google_compute_url_map.https.id
  # Every service's own certificate; the load balancer picks by SNI.
  ssl_certificates = [for key in sort(keys(var.services)) : module.certificate[key].self_link]
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "shared-${var.environment}-https"
  target                = google_compute_target_https_proxy.shared.id
  port_range            = "443"
  ip_address            = data.google_compute_global_address.lb.address
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_url_map" "redirect" {
  name = "shared-${var.environment}-http-redirect"
  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "shared-${var.environment}-http-proxy"
  url_map = google_compute_url_map.redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "shared-${var.environment}-http"
  target                = google_compute_target_http_proxy.redirect.id
  port_range            = "80"
  ip_address            = data.google_compute_global_address.lb.address
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

output "certificates" {
  value = { for key, m in module.certificate : key => m.name }
}
output "dns_records_needed" {
  value = { for host, _ in local.hosts : host => data.google_compute_global_address.lb.address }
}

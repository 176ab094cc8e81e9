# One Google-managed certificate for ONE service. Its name is given by the caller and never
# derived from the domain list: adding or removing another service's domain cannot rename (and
# so replace) this certificate. Changing this service's own domains replaces only this one,
# and the certificate gate (scripts/cert-gate.ts) must see it ACTIVE before any proxy uses it.

variable "name" {
  type        = string
  description = "Stable certificate name, e.g. plant-demo-tls-v1 (bump the suffix to rotate deliberately)"
}
variable "domains" {
  type = list(string)
}

resource "google_compute_managed_ssl_certificate" "this" {
  name = var.name
  managed {
    domains = var.domains
  }
  lifecycle {
    create_before_destroy = true
  }
}

output "self_link" {
  value = google_compute_managed_ssl_certificate.this.self_link
}
output "name" {
  value = google_compute_managed_ssl_certificate.this.name
}

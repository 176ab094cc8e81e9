# A serverless network endpoint group that lets the shared load balancer reach one Cloud Run
# service.

variable "name" { type = string }
variable "region" { type = string }
variable "cloud_run_service" { type = string }

resource "google_compute_region_network_endpoint_group" "this" {
  name                  = var.name
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = var.cloud_run_service
  }
}

output "id" {
  value = google_compute_region_network_endpoint_group.this.id
}

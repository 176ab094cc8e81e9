project_id     = "plant-prod"
region         = "asia-south1"
environment    = "prod"
static_ip_name = "shared-prod-lb-ip"

services = {
  cp = {
    certificate_name = "cp-prod-tls-v1"
    domains          = ["cp.example.com"]
    neg_id           = "projects/plant-prod/regions/asia-south1/networkEndpointGroups/cp-prod-neg"
  }
  pp = {
    certificate_name = "pp-prod-tls-v1"
    domains          = ["pp.example.com"]
    neg_id           = "projects/plant-prod/regions/asia-south1/networkEndpointGroups/pp-prod-neg"
  }
  plant = {
    certificate_name = "plant-prod-tls-v1"
    domains          = ["plant.example.com"]
    neg_id           = "projects/plant-prod/regions/asia-south1/networkEndpointGroups/plant-prod-neg"
  }
}

project_id     = "plant-uat"
region         = "asia-south1"
environment    = "uat"
static_ip_name = "shared-uat-lb-ip"

services = {
  cp = {
    certificate_name = "cp-uat-tls-v1"
    domains          = ["cp.uat.example.com"]
    neg_id           = "projects/plant-uat/regions/asia-south1/networkEndpointGroups/cp-uat-neg"
  }
  pp = {
    certificate_name = "pp-uat-tls-v1"
    domains          = ["pp.uat.example.com"]
    neg_id           = "projects/plant-uat/regions/asia-south1/networkEndpointGroups/pp-uat-neg"
  }
  plant = {
    certificate_name = "plant-uat-tls-v1"
    domains          = ["plant.uat.example.com"]
    neg_id           = "projects/plant-uat/regions/asia-south1/networkEndpointGroups/plant-uat-neg"
  }
}

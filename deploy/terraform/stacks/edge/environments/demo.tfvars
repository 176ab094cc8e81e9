project_id     = "plant-demo"
region         = "asia-south1"
environment    = "demo"
static_ip_name = "shared-demo-lb-ip"

services = {
  cp = {
    certificate_name = "cp-demo-tls-v1"
    domains          = ["cp.demo.example.com"]
    neg_id           = "projects/plant-demo/regions/asia-south1/networkEndpointGroups/cp-demo-neg"
  }
  pp = {
    certificate_name = "pp-demo-tls-v1"
    domains          = ["pp.demo.example.com"]
    neg_id           = "projects/plant-demo/regions/asia-south1/networkEndpointGroups/pp-demo-neg"
  }
  plant = {
    certificate_name = "plant-demo-tls-v1"
    domains          = ["plant.demo.example.com"]
    neg_id           = "projects/plant-demo/regions/asia-south1/networkEndpointGroups/plant-demo-neg"
  }
}

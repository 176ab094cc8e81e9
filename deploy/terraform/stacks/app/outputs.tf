output "neg_id" {
  value       = module.neg.id
  description = "Pass to the edge stack as services.plant.neg_id"
}
output "service_name" {
  value = module.plant_service.service_name
}
output "database_instance" {
  value = module.postgres.instance_connection_name
}

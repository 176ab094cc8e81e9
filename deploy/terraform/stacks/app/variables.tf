variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" {
  type = string
  validation {
    condition     = contains(["demo", "uat", "prod"], var.environment)
    error_message = "environment must be demo, uat or prod"
  }
}
variable "image" {
  type        = string
  description = "Plant image, pinned by digest (set by the deploy workflow)"
}
variable "private_network_id" { type = string }
variable "vpc_connector_cidr" {
  type    = string
  default = "10.8.0.0/28"
}
variable "min_instances" {
  type    = number
  default = 1
}
variable "max_instances" {
  type    = number
  default = 10
}
variable "db_tier" {
  type    = string
  default = "db-custom-2-8192"
}
variable "db_availability_type" {
  type    = string
  default = "REGIONAL"
}
variable "db_point_in_time_recovery" {
  type    = bool
  default = true
}
variable "db_deletion_protection" {
  type    = bool
  default = true
}
variable "cors_origins" {
  type    = string
  default = ""
}
# Secret Manager secret ids. Values are created out of band (docs/deploy.md) and never pass
# through Terraform variables, state outputs or CI logs.
variable "owner_database_url_secret_id" { type = string }
variable "owner_password_secret_id" { type = string }
variable "app_database_url_secret_id" { type = string }
variable "jwt_secret_id" { type = string }
variable "signing_key_secret_id" { type = string }
variable "log_key_secret_id" { type = string }
variable "signing_public_key_pem" {
  type        = string
  default     = ""
  description = "Public half of the signing key (PEM; not a secret, fine in tfvars): the migration job publishes it, since the service role may not. Until it is set, a service with a new key refuses to start and says so."
}
variable "log_origin" {
  type        = string
  description = "Origin of the transparency log, e.g. plant.example.com/log"
}

# Managed PostgreSQL for Plant: private IP only, TLS required, backups and PITR configurable.
# The owner password is read from Secret Manager; it never appears in variables or outputs.

variable "name" {
  type        = string
  description = "Instance name, e.g. plant-sql-demo"
}
variable "region" { type = string }
variable "private_network_id" {
  type        = string
  description = "VPC self link with private services access"
}
variable "tier" {
  type    = string
  default = "db-custom-2-8192"
}
variable "availability_type" {
  type    = string
  default = "REGIONAL"
}
variable "disk_size_gb" {
  type    = number
  default = 50
}
variable "backups_enabled" {
  type    = bool
  default = true
}
variable "point_in_time_recovery" {
  type    = bool
  default = true
}
variable "backup_retention_count" {
  type    = number
  default = 14
}
variable "deletion_protection" {
  type    = bool
  default = true
}
variable "owner_password_secret_id" {
  type        = string
  description = "Secret Manager secret holding the schema owner's password (used by migrations)"
}

data "google_secret_manager_secret_version" "owner_password" {
  secret = var.owner_password_secret_id
}

resource "google_sql_database_instance" "this" {
  name                = var.name
  region              = var.region
  database_version    = "POSTGRES_15"
  deletion_protection = var.deletion_protection

  settings {
    tier              = var.tier
    availability_type = var.availability_type
    disk_size         = var.disk_size_gb
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.private_network_id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = var.backups_enabled
      point_in_time_recovery_enabled = var.point_in_time_recovery
      start_time                     = "02:00"
      backup_retention_settings {
        retained_backups = var.backup_retention_count
      }
    }

    database_flags {
      name  = "cloudsql.enable_pgvector"
      value = "on"
    }
  }
}

resource "google_sql_database" "plant" {
  name     = "plant"
  instance = google_sql_database_instance.this.name
}

resource "google_sql_user" "owner" {
  name     = "plant_owner"
  instance = google_sql_database_instance.this.name
  password = data.google_secret_manager_secret_version.owner_password.secret_data
}

output "instance_connection_name" {
  value = google_sql_database_instance.this.connection_name
}
output "private_ip_address" {
  value = google_sql_database_instance.this.private_ip_address
}
output "database_name" {
  value = google_sql_database.plant.name
}

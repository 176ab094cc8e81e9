# The Plant container service on Cloud Run: its own service account with only what it needs,
# secrets from Secret Manager, reachable only from inside the VPC and through the load balancer.
# There is no IAM invoker binding for allUsers: the invoker check is disabled because Plant
# authenticates every request itself (JWT), and ingress admits only internal and LB traffic.

variable "name" { type = string }
variable "project_id" { type = string }
variable "region" { type = string }
variable "image" { type = string }
variable "min_instances" {
  type    = number
  default = 1
}
variable "max_instances" {
  type    = number
  default = 10
}
variable "vpc_connector_id" { type = string }
variable "cloudsql_connection_name" { type = string }
variable "environment" { type = string }
variable "log_origin" {
  type        = string
  description = "The transparency log's origin, e.g. plant.example.com/log"
}
variable "cors_origins" {
  type    = string
  default = ""
}
variable "secret_ids" {
  type = object({
    app_database_url = string
    jwt_secret       = string
    signing_key      = string
    log_key          = string
  })
  description = "Secret Manager secret ids (not values) mounted into the service"
}

resource "google_service_account" "plant" {
  account_id   = "${var.name}-sa"
  display_name = "Plant service (${var.environment})"
}

resource "google_secret_manager_secret_iam_member" "access" {
  for_each  = var.secret_ids
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.plant.email}"
}

resource "google_project_iam_member" "cloudsql_client" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.plant.email}"
}

resource "google_cloud_run_v2_service" "plant" {
  name                 = var.name
  location             = var.region
  ingress              = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  invoker_iam_disabled = true

  template {
    service_account = google_service_account.plant.email
    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }
    vpc_access {
      connector = var.vpc_connector_id
      egress    = "PRIVATE_RANGES_ONLY"
    }
    volumes {
      name = "signing-key"
      secret {
        secret = var.secret_ids.signing_key
        items {
          version = "latest"
          path    = "signing-key.pem"
        }
      }
    }
    volumes {
      name = "log-key"
      secret {
        secret = var.secret_ids.log_key
        items {
          version = "latest"
          path    = "log-key.pem"
        }
      }
    }
    containers {
      image = var.image
      ports {
        container_port = 8000
      }
      env {
        name  = "NODE_ENV"
        value = "production"
      }
      env {
        name  = "SIGNING_KEY_FILE"
        value = "/run/secrets/plant/signing-key.pem"
      }
      env {
        name  = "LOG_KEY_FILE"
        value = "/run/secrets/plant-log/log-key.pem"
      }
      env {
        name  = "LOG_ORIGIN"
        value = var.log_origin
      }
      env {
        name  = "CORS_ORIGINS"
        value = var.cors_origins
      }
      env {
        name = "APP_DATABASE_URL"
        value_source {
          secret_key_ref {
            secret  = var.secret_ids.app_database_url
            version = "latest"
          }
        }
      }
      env {
        name = "JWT_SECRET"
        value_source {
          secret_key_ref {
            secret  = var.secret_ids.jwt_secret
            version = "latest"
          }
        }
      }
      volume_mounts {
        name       = "signing-key"
        mount_path = "/run/secrets/plant"
      }
      volume_mounts {
        name       = "log-key"
        mount_path = "/run/secrets/plant-log"
      }
      startup_probe {
        http_get {
          path = "/health/ready"
          port = 8000
        }
        period_seconds    = 5
        timeout_seconds   = 3
        failure_threshold = 24
      }
      liveness_probe {
        http_get {
          path = "/health"
          port = 8000
        }
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
      }
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.access]
}

output "service_name" {
  value = google_cloud_run_v2_service.plant.name
}
output "service_account_email" {
  value = google_service_account.plant.email
}

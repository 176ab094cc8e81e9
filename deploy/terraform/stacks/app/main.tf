module "postgres" {
  source                   = "../../modules/postgres"
  name                     = "plant-sql-${var.environment}"
  region                   = var.region
  private_network_id       = var.private_network_id
  tier                     = var.db_tier
  availability_type        = var.db_availability_type
  point_in_time_recovery   = var.db_point_in_time_recovery
  deletion_protection      = var.db_deletion_protection
  owner_password_secret_id = var.owner_password_secret_id
}

resource "google_vpc_access_connector" "plant" {
  name          = "plant-${var.environment}"
  region        = var.region
  network       = var.private_network_id
  ip_cidr_range = var.vpc_connector_cidr
  min_instances = 2
  max_instances = 3
}

module "plant_service" {
  source                   = "../../modules/plant-service"
  name                     = "plant-${var.environment}"
  project_id               = var.project_id
  region                   = var.region
  environment              = var.environment
  image                    = var.image
  min_instances            = var.min_instances
  max_instances            = var.max_instances
  vpc_connector_id         = google_vpc_access_connector.plant.id
  cloudsql_connection_name = module.postgres.instance_connection_name
  cors_origins             = var.cors_origins
  log_origin               = var.log_origin
  secret_ids = {
    app_database_url = var.app_database_url_secret_id
    jwt_secret       = var.jwt_secret_id
    signing_key      = var.signing_key_secret_id
    log_key          = var.log_key_secret_id
  }
}

module "neg" {
  source            = "../../modules/serverless-neg"
  name              = "plant-${var.environment}-neg"
  region            = var.region
  cloud_run_service = module.plant_service.service_name
}

# Migrations run as a one-shot job of the same image, as the schema owner, with a service
# account of its own: the serving account can never read the owner's credentials.
resource "google_service_account" "migrator" {
  account_id   = "plant-${var.environment}-migrator"
  display_name = "Plant migrations (${var.environment})"
}

resource "google_secret_manager_secret_iam_member" "migrator_owner_url" {
  secret_id = var.owner_database_url_secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.migrator.email}"
}

resource "google_cloud_run_v2_job" "migrate" {
  name     = "plant-${var.environment}-migrate"
  location = var.region
  template {
    template {
      service_account = google_service_account.migrator.email
      max_retries     = 0
      vpc_access {
        connector = google_vpc_access_connector.plant.id
        egress    = "PRIVATE_RANGES_ONLY"
      }
      containers {
        image   = var.image
        command = ["node", "bin/plant.js", "migrate"]
        env {
          name = "DATABASE_URL"
          value_source {
            secret_key_ref {
              secret  = var.owner_database_url_secret_id
              version = "latest"
            }
          }
        }
        env {
          name  = "DB_APP_ROLE"
          value = "plant_app"
        }
        # Only the owner publishes keys; the public half is all the job needs.
        dynamic "env" {
          for_each = var.signing_public_key_pem == "" ? [] : [var.signing_public_key_pem]
          content {
            name  = "SIGNING_PUBLIC_KEY"
            value = env.value
          }
        }
      }
    }
  }
}

# Checks a candidate revision's /health/ready from inside the VPC (the service admits no
# public traffic), before the deploy workflow moves traffic to it.
resource "google_cloud_run_v2_job" "ready_check" {
  name     = "plant-${var.environment}-ready-check"
  location = var.region
  template {
    template {
      max_retries = 0
      vpc_access {
        connector = google_vpc_access_connector.plant.id
        egress    = "ALL_TRAFFIC"
      }
      containers {
        image   = var.image
        command = ["node", "-e", "fetch(process.argv[1] + '/health/ready').then((r) => { console.log(r.status); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))"]
      }
    }
  }
}

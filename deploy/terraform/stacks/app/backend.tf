# The only backend of this stack. Bucket and prefix come from environments/<env>.backend.hcl
# (terraform init -backend-config=environments/demo.backend.hcl), one state per environment.
terraform {
  backend "gcs" {}
}

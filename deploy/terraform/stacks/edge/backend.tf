# The only backend of this stack: environments/<env>.backend.hcl names its state.
terraform {
  backend "gcs" {}
}

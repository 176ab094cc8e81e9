variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" {
  type = string
  validation {
    condition     = contains(["demo", "uat", "prod"], var.environment)
    error_message = "environment must be demo, uat or prod"
  }
}
variable "static_ip_name" { type = string }
variable "services" {
  description = <<-EOT
    The services behind the shared load balancer, keyed by a stable service name. Each has its
    own certificate, named literally here (never computed from domains), its domains, and the
    serverless NEG from its app stack's output.
  EOT
  type = map(object({
    certificate_name = string
    domains          = list(string)
    neg_id           = string
  }))
  validation {
    condition     = alltrue([for s in values(var.services) : can(regex("^[a-z][a-z0-9-]{1,61}[a-z0-9]$", s.certificate_name))])
    error_message = "certificate_name must be a literal resource name"
  }
}

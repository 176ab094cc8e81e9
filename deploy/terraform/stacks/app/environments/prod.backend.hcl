bucket = "plant-terraform-state"
prefix = "plant/prod/app"

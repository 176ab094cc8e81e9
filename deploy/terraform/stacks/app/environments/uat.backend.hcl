bucket = "plant-terraform-state"
prefix = "plant/uat/app"

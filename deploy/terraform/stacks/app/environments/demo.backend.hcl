bucket = "plant-terraform-state"
prefix = "plant/demo/app"

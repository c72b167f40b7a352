terraform {
  required_version = ">= 1.5.0"

  # State per environment: same bucket, own prefix avp/<env>; scripts/deploy passes both at
  # init (-backend-config), the bucket is created once (docs/deploy.md).
  backend "gcs" {}

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.14.1"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "= 6.14.1"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "= 2.7.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

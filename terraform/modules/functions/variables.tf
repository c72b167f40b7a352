variable "project_id" {
  type        = string
  description = "Google Cloud project id."
}

variable "region" {
  type        = string
  description = "Region of the functions and their source bucket."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of function names (avp-<env>)."
}

variable "build_dir" {
  type        = string
  description = "Folder where scripts/build assembled build/<function>/."
}

variable "runtime" {
  type        = string
  description = "Python runtime (python312 runs on the Ubuntu 22.04 stack whose ffmpeg 4.4 the media steps use)."
  default     = "python312"
}

variable "functions" {
  type = map(object({
    description     = string
    memory          = string
    cpu             = string
    timeout_seconds = number
    max_instances   = number
    min_instances   = number
    concurrency     = number
    service_account = string
    env             = map(string)
    secrets         = list(string)
    invokers        = list(string)
  }))
  description = "Per function (key = folder under functions/): sizing, identity, extra env, secret keys and invokers."
}

variable "common_env" {
  type        = map(string)
  description = "Environment variables every function gets (no secret values: see secret_env)."
}

variable "secret_env" {
  type = map(object({
    env_var   = string
    secret_id = string
  }))
  description = "Secret key -> environment variable it is exposed as and the Secret Manager secret id."
}

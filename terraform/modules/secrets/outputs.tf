output "secret_ids" {
  description = "Secret id per key, for secret environment variables."
  value       = { for k, s in google_secret_manager_secret.secret : k => s.secret_id }
}

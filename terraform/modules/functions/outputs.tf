output "urls" {
  description = "HTTPS URL per function."
  value       = { for k, fn in google_cloudfunctions2_function.fn : k => fn.url }
}

output "names" {
  description = "Deployed function name per entry point."
  value       = { for k, fn in google_cloudfunctions2_function.fn : k => fn.name }
}

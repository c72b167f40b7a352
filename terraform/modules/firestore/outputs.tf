output "database_name" {
  description = "The Firestore database id (AVP_FIRESTORE_DATABASE)."
  value       = google_firestore_database.main.name
}

output "index_count" {
  description = "How many composite indexes are declared."
  value       = length(google_firestore_index.composite)
}

output "database_name" {
  description = "The Firestore database id (AVP_FIRESTORE_DATABASE)."
  value       = google_firestore_database.main.name
}

output "index_count" {
  description = "How many composite indexes are declared."
  value       = length(google_firestore_index.composite)
}

output "ttl_collections" {
  description = "Collections whose documents Firestore deletes once their expire_at timestamp has passed."
  value       = sort([for f in google_firestore_field.expire_at_ttl : f.collection])
}

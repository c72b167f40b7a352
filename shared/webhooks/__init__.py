"""Outgoing webhooks: Standard-Webhooks signatures and the address guard (pure helpers; the
use cases are in shared/services/webhooks.py)."""

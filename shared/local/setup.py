"""Prepares the embedded backend: the data folder and the first ADMIN account."""

from __future__ import annotations

import os
import secrets

from shared.auth.passwords import hash_password
from shared.bootstrap import platform
from shared.ids import new_id
from shared.persistence.documents import Query
from shared.timestamps import now_iso


def ensure_first_admin() -> tuple[str, str | None] | None:
    """Create the first ADMIN if there is none. Returns (email, generated_password_or_None)
    when one was created, None when an admin already existed."""
    docs = platform().documents
    if docs.query(Query("users", where=[("role", "==", "ADMIN")], limit=1)).items:
        return None
    email = os.environ.get("AVP_ADMIN_EMAIL", "admin@example.com").strip().lower()
    password = os.environ.get("AVP_ADMIN_PASSWORD", "")
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    now = now_iso()
    docs.create(
        "users",
        new_id(),
        {
            "email": email,
            "role": "ADMIN",
            "org_id": None,
            "status": "active",
            "name": "Administrator",
            "password_hash": hash_password(password),
            "created_at": now,
            "updated_at": now,
        },
    )
    return email, generated

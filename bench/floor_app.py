"""The floor for bench/api.py: the least a Flask + PyJWT + SQLite app can do for the same four
endpoints (no platform code). Served by gunicorn with one sync worker per core:

    AVP_FLOOR_DB=/tmp/floor.sqlite3 AVP_FLOOR_SECRET=... gunicorn -w 2 -b 127.0.0.1:PORT floor_app:app

Tables: `users(id, data)` and `jobs(id, created_at, data)` with an index on created_at; bench/api.py
creates and seeds them (`seed`)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading

import jwt
from flask import Flask, Response, request

app = Flask("floor")
_local = threading.local()
SECRET = os.environ.get("AVP_FLOOR_SECRET", "floor-secret-" + "x" * 40)


def _db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["AVP_FLOOR_DB"], isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        _local.conn = conn
    return conn


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _user_id() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        return jwt.decode(token, SECRET, algorithms=["HS256"], audience="floor")["sub"]
    except jwt.PyJWTError:
        return None


@app.get("/health")
def health():
    return _json({"status": "ok"})


@app.get("/api/v1/users/me")
def me():
    uid = _user_id()
    if uid is None:
        return _json({"detail": "unauthenticated"}, 401)
    row = _db().execute("SELECT data FROM users WHERE id=?", (uid,)).fetchone()
    return _json(json.loads(row[0])) if row else _json({"detail": "no user"}, 401)


@app.get("/api/v1/jobs/<job_id>")
def job(job_id):
    if _user_id() is None:
        return _json({"detail": "unauthenticated"}, 401)
    row = _db().execute("SELECT data FROM jobs WHERE id=?", (job_id,)).fetchone()
    return _json(json.loads(row[0])) if row else _json({"detail": "not found"}, 404)


@app.get("/api/v1/jobs")
def jobs():
    if _user_id() is None:
        return _json({"detail": "unauthenticated"}, 401)
    limit = int(request.args.get("limit", 20))
    rows = _db().execute("SELECT data FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?", (limit,)).fetchall()
    return _json({"items": [json.loads(r[0]) for r in rows], "next_cursor": None})


def seed(path: str, user: dict, jobs: list[dict]) -> str:
    """Create the floor's database with `user` and `jobs`; returns a bearer token for the user."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    conn.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, data TEXT NOT NULL)")
    conn.execute("CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at, id)")
    conn.execute("BEGIN")
    conn.execute("INSERT OR REPLACE INTO users VALUES (?, ?)", (user["id"], json.dumps(user)))
    conn.executemany(
        "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?)", [(j["_id"], j["created_at"], json.dumps(j)) for j in jobs]
    )
    conn.execute("COMMIT")
    conn.close()
    return jwt.encode({"sub": user["id"], "aud": "floor"}, SECRET, algorithm="HS256")

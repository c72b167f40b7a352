"""Real-time delivery: the WebSocket channels `/api/v1/ws/jobs/{id}` and `/api/v1/ws/org/{org_id}`.

- `protocol`: close codes, message shapes and tunables (docs/decisions/0500-websocket-protocol.md).
- `access`: token checks and who may open which channel (the same visibility rules as REST).
- `hub`: one per process; fans every event out to the subscribers of its channels.
- `sources`: where events come from: the local SQLite event log (one tailer thread per
  process) or a per-instance Pub/Sub subscription.
- `session`: one connection's life, independent of the WebSocket library.
- `flask_ws`: the flask-sock routes, used by the local server and the Cloud Run service.
"""

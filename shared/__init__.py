"""Shared library imported by every function: config, auth, models, persistence, storage,
queues, events, media engines and pipeline steps."""

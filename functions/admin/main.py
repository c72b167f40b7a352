"""Administration: all users, role/status changes, the audit log.
Logic lives in shared/services/users.py and audit.py."""

import functions_framework

from shared.errors import Invalid
from shared.http import function_dispatcher
from shared.models.users import AdminUserUpdate
from shared.services import audit, users


def list_users(ctx):
    return users.list_users(
        ctx.int_arg("limit", 50),
        ctx.arg("cursor"),
        org_id=ctx.arg("org_id"),
        role=ctx.arg("role"),
        status=ctx.arg("status"),
    )


def update_user(ctx, id):
    body = ctx.json(AdminUserUpdate)
    if body.role is None and body.status is None and body.org_id is None:
        raise Invalid("Send at least one of role, status, org_id")
    user = users.admin_update(ctx.principal, id, body.role, body.status, body.org_id)
    ctx.audit["org_id"] = user.get("org_id")
    return user


def audit_log(ctx):
    return audit.query(
        ctx.principal,
        actor=ctx.arg("actor"),
        action=ctx.arg("action"),
        target=ctx.arg("target"),
        since=ctx.arg("since"),
        until=ctx.arg("until"),
        limit=ctx.int_arg("limit", 50),
        cursor=ctx.arg("cursor"),
    )


dispatch = function_dispatcher("admin", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

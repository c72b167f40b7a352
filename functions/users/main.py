"""Users and organisations: profile, organisations, members, invites.
Logic lives in shared/services/users.py and orgs.py."""

import functions_framework

from shared.errors import Invalid, NotFound
from shared.http import function_dispatcher
from shared.models.users import InviteCreate, OrganizationCreate, OrganizationUpdate
from shared.services import orgs, users


def me(ctx):
    user = users.get_user(ctx.principal.user_id)
    if user is None:
        raise NotFound("User not found")
    return users.public(user)


def list_orgs(ctx):
    return orgs.list_orgs(ctx.int_arg("limit", 50), ctx.arg("cursor"))


def create_org(ctx):
    body = ctx.json(OrganizationCreate)
    org = orgs.create_org(body.name)
    ctx.audit.update(target=org["id"], org_id=org["id"])
    return org, 201


def update_org(ctx, id):
    body = ctx.json(OrganizationUpdate)
    if body.name is None and body.clients_share_jobs is None:
        raise Invalid("Send at least one of name, clients_share_jobs")
    ctx.audit.update(target=id, org_id=id)
    return orgs.update_org(ctx.principal, id, body.name, body.clients_share_jobs)


def list_members(ctx, id):
    return users.list_members(ctx.principal, id, ctx.int_arg("limit", 50), ctx.arg("cursor"))


def invite(ctx, id):
    ctx.audit["org_id"] = id
    body = ctx.json(InviteCreate)
    created = orgs.create_invite(ctx.principal, id, body.email, body.role)
    ctx.audit["target"] = created["id"]
    return created, 201


def remove_member(ctx, id, user_id):
    ctx.audit.update(target=user_id, org_id=id)
    users.remove_member(ctx.principal, id, user_id)
    return None, 204


dispatch = function_dispatcher("users", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

"""Webhooks: per-organisation endpoints (ADMIN, PM), secret rotation, delivery log and replay.
Deliveries themselves run as tasks in the pipeline worker (shared/services/webhooks.py)."""

import functions_framework

from shared.http import function_dispatcher
from shared.models.webhooks import WebhookCreate, WebhookUpdate
from shared.services import webhooks as service


def list_webhooks(ctx, id):
    return service.list_for_org(ctx.principal, id, ctx.int_arg("limit", 20), ctx.arg("cursor"))


def create_webhook(ctx, id):
    body = ctx.json(WebhookCreate)
    ctx.audit["org_id"] = id
    doc = service.create(ctx.principal, id, body)
    ctx.audit["target"] = doc["id"]
    return doc, 201


def get_webhook(ctx, id):
    return service.get(ctx.principal, id)


def update_webhook(ctx, id):
    body = ctx.json(WebhookUpdate)
    ctx.audit["target"] = id
    return service.update(ctx.principal, id, body)


def delete_webhook(ctx, id):
    ctx.audit["target"] = id
    service.delete(ctx.principal, id)
    return None, 204


def rotate_secret(ctx, id):
    ctx.audit["target"] = id
    return service.rotate_secret(ctx.principal, id)


def list_deliveries(ctx, id):
    return service.list_deliveries(ctx.principal, id, ctx.int_arg("limit", 20), ctx.arg("cursor"))


def replay_delivery(ctx, id, delivery_id):
    ctx.audit["target"] = id
    return service.replay(ctx.principal, id, delivery_id), 202


def send_test(ctx, id):
    ctx.audit["target"] = id
    return service.send_test(ctx.principal, id), 202


dispatch = function_dispatcher("webhooks", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

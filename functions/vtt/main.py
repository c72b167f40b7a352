"""VTT management and version history: read, edit (If-Match), shift timings, list, get,
restore and diff versions."""

import functions_framework

from shared.http import function_dispatcher, json_response
from shared.models.vtt import AdjustTiming, VttUpdate
from shared.services import vtt as service
from shared.services.vtt import PreconditionRequired


def _with_etag(doc: dict):
    return json_response(doc, headers={"ETag": doc["etag"], "Cache-Control": "no-store"})


def get_vtt(ctx, id, lang):
    return _with_etag(service.get_vtt(ctx.principal, id, lang, ctx.arg("kind")))


def patch_vtt(ctx, id, lang):
    body = ctx.json(VttUpdate)
    if not ctx.request.headers.get("If-Match"):  # before any state check: the request itself is incomplete
        raise PreconditionRequired(
            "Send If-Match with the ETag from GET /jobs/{id}/vtt/{lang} so no edit overwrites another"
        )
    doc = service.patch_vtt(
        ctx.principal, id, lang, ctx.arg("kind"), body.content, body.message, ctx.request.headers.get("If-Match")
    )
    return _with_etag(doc)


def adjust_timing(ctx):
    body = ctx.json(AdjustTiming)
    ctx.audit["target"] = body.job_id  # no path parameter names the job here
    return _with_etag(service.adjust_timing(ctx.principal, body, ctx.request.headers.get("If-Match")))


def list_versions(ctx, id, lang):
    return service.list_versions(ctx.principal, id, lang, ctx.arg("kind"), ctx.int_arg("limit", 20), ctx.arg("cursor"))


def diff_versions(ctx, id, lang):
    return service.diff_versions(ctx.principal, id, lang, ctx.arg("from"), ctx.arg("to"), ctx.arg("kind"))


def get_version(ctx, id, lang, version_id):
    return service.get_version(ctx.principal, id, lang, version_id)


def restore_version(ctx, id, lang, version_id):
    return _with_etag(service.restore_version(ctx.principal, id, lang, version_id, ctx.request.headers.get("If-Match")))


dispatch = function_dispatcher("vtt", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

"""Language QC: per-language status, linguist assignment, approve, reject, feedback."""

import functions_framework

from shared.http import function_dispatcher
from shared.models.jobs import Feedback, Reason
from shared.models.language_qc import Assign
from shared.services import language_qc as service


def get_language_qc(ctx, id):
    return service.get_language_qc(ctx.principal, id)


def assign(ctx, id, lang):
    body = ctx.json(Assign)
    return service.assign(ctx.principal, id, lang, body.linguist_id)


def approve(ctx, id, lang):
    return service.approve(ctx.principal, id, lang)


def reject(ctx, id, lang):
    body = ctx.json(Reason)
    return service.reject(ctx.principal, id, lang, body.reason)


def feedback(ctx, id, lang):
    body = ctx.json(Feedback)
    return service.feedback(ctx.principal, id, lang, body.message)


dispatch = function_dispatcher("language_qc", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

"""Glossaries: per-organisation term lists the translate step applies."""

import functions_framework

from shared.http import function_dispatcher
from shared.models.glossaries import GlossaryCreate, GlossaryUpdate, TermCreate
from shared.services import glossaries as service


def list_glossaries(ctx):
    return service.list_glossaries(ctx.principal, ctx.arg("org_id"))


def create_glossary(ctx):
    body = ctx.json(GlossaryCreate)
    ctx.audit["org_id"] = body.org_id
    doc = service.create_glossary(ctx.principal, body)
    ctx.audit["target"] = doc["id"]
    return doc, 201


def get_glossary(ctx, id):
    return service.get_glossary(ctx.principal, id)


def update_glossary(ctx, id):
    body = ctx.json(GlossaryUpdate)
    return service.update_glossary(ctx.principal, id, body)


def delete_glossary(ctx, id):
    service.delete_glossary(ctx.principal, id)
    return None, 204


def add_term(ctx, id):
    body = ctx.json(TermCreate)
    return service.add_term(ctx.principal, id, body), 201


def delete_term(ctx, id, term_id):
    service.delete_term(ctx.principal, id, term_id)
    return None, 204


dispatch = function_dispatcher("glossaries", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

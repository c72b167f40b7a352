"""Health, metrics, the OpenAPI document and Swagger UI (served from the packaged bundle)."""

import functions_framework
from flask import Response

from shared import metrics as m
from shared.config import VERSION
from shared.errors import NotFound
from shared.http import function_dispatcher, json_response
from shared.openapi import document

_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
}
_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>AVP API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui",
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});</script>
</body></html>"""


def health(ctx):
    return {"status": "healthy", "version": VERSION}


def metrics(ctx):
    body, content_type = m.render()
    return Response(body, headers={"Content-Type": content_type})


def openapi(ctx):
    return json_response(document())


def docs(ctx):
    return Response(
        _PAGE.replace('href="docs/', 'href="/docs/')
        .replace('src="docs/', 'src="/docs/')
        .replace('url: "openapi.json"', 'url: "/openapi.json"'),
        mimetype="text/html",
    )


def docs_asset(ctx, name):
    if name not in _ASSETS:
        raise NotFound(f"No such asset: {name}")
    from swagger_ui_bundle import swagger_ui_path

    with open(f"{swagger_ui_path}/{name}", "rb") as fh:
        data = fh.read()
    return Response(data, mimetype=_ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})


dispatch = function_dispatcher("health", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

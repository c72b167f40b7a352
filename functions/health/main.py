"""Health, metrics, the OpenAPI document and Swagger UI (served from the packaged bundle)."""

import os
from urllib.parse import urlsplit

import flask_swagger_ui
import functions_framework
from flask import Response

from shared import metrics as m
from shared.config import VERSION, settings
from shared.errors import NotFound
from shared.http import function_dispatcher, json_response
from shared.openapi import document

# Swagger UI 5 from the flask-swagger-ui wheel (its dist/ folder), served by this function: no
# CDN. The page has no inline script or style, so it runs under the strict CSP below.
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
_INIT = "docs-init.js"
_DIST = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")
# Relative URLs: the page works under any base path (the gateway's /video-accessibility-back).
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>AVP API documentation</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png" sizes="32x32">
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="docs/assets/docs-init.js"></script>
</body></html>
"""
_INIT_JS = """window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("openapi.json", document.baseURI).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    validatorUrl: null,
    tryItOutEnabled: false,
    displayRequestDuration: true,
  });
});
"""
# No inline script; Swagger UI sets most styles from script (CSSOM, which style-src does not
# restrict) and injects one fixed <style> element, allowed by its hash (Swagger UI 5.34.0; the
# browser test fails with the new hash if an upgrade changes it). Icons are data: URLs.
SWAGGER_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"
DOCS_CSP = (
    f"default-src 'none'; script-src 'self'; style-src 'self' {SWAGGER_STYLE_HASH}; img-src 'self' data:; "
    "connect-src 'self'; "
    "font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def health(ctx):
    return {"status": "healthy", "version": VERSION}


def metrics(ctx):
    body, content_type = m.render()
    return Response(body, headers={"Content-Type": content_type})


def openapi(ctx):
    doc = document()
    # "Try it out" calls the API under the public URL's base path (e.g. the gateway's
    # /video-accessibility-back); locally the path is empty and the server is "/".
    doc["servers"] = [{"url": urlsplit(settings().public_base_url).path.rstrip("/") or "/"}]
    return json_response(doc)


def docs(ctx):
    if ctx.request.path.endswith("/"):  # /docs/ would resolve the relative asset URLs under /docs/docs/
        return Response(status=308, headers={"Location": "../docs"})
    return Response(
        _PAGE, mimetype="text/html", headers={"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache"}
    )


def docs_asset(ctx, name):
    headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
    if name == _INIT:
        return Response(_INIT_JS, mimetype="application/javascript", headers=headers)
    if name not in _ASSETS:
        raise NotFound(f"No such asset: {name}")
    with open(os.path.join(_DIST, name), "rb") as fh:
        data = fh.read()
    return Response(data, mimetype=_ASSETS[name], headers=headers)


dispatch = function_dispatcher("health", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

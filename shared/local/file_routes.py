"""The local platform's signed-URL file endpoints, GET/HEAD/PUT /_files/<path>: what GCS
serves for a V4 signed URL, served here for the URLs LocalFiles signs."""

from __future__ import annotations

import json
import mimetypes

from flask import Flask, Response, request, send_file

from shared.bootstrap import platform
from shared.http import error_response
from shared.services import uploads
from shared.storage.local_files import URL_PREFIX, LocalFiles, TooLargeUpload


def register(app: Flask) -> None:
    """Add GET/HEAD/PUT /_files/<path> (signed URLs) to the local Flask app; they serve the
    current platform's file store."""

    @app.route(URL_PREFIX + "<path:path>", methods=["GET", "HEAD"], endpoint="avp_local_files_get")
    def _get(path):
        files: LocalFiles = platform().files
        ok, reason = files.verify(path, "GET", request.args)
        if not ok:
            return error_response(403, reason)
        local = files.local_path(path)
        if not local.is_file():
            return error_response(404, "File not found")
        filename = request.args.get("filename") or None
        return send_file(
            local,
            mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream",
            as_attachment=bool(filename),
            download_name=filename,
            conditional=True,
        )

    @app.route(URL_PREFIX + "<path:path>", methods=["PUT"], endpoint="avp_local_files_put")
    def _put(path):
        files: LocalFiles = platform().files
        # HEAD-style check first: a refused upload must not read the body
        ok, reason = files.verify(path, "PUT", request.args)
        if not ok:
            return error_response(403, reason)
        if not uploads.accepts_upload(path):
            return error_response(
                409, "This upload URL was already used; request a new one from POST /api/v1/files/upload-url"
            )
        signed_type = request.args.get("content_type", "")
        sent_type = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        if signed_type and sent_type != signed_type:
            return error_response(403, f"Content-Type must be {signed_type}, as signed")
        try:
            cap = min(int(request.args.get("max_bytes") or files.max_upload_bytes), files.max_upload_bytes)
        except ValueError:
            return error_response(403, "Invalid signature for this URL")
        if request.content_length is not None and request.content_length > cap:
            return error_response(413, f"Upload is larger than the limit of {cap} bytes")
        try:
            size = files.put_stream(path, request.stream, signed_type or "application/octet-stream", max_bytes=cap)
        except TooLargeUpload:
            return error_response(413, f"Upload is larger than the limit of {cap} bytes")
        return Response(json.dumps({"path": path, "size": size}), status=200, mimetype="application/json")

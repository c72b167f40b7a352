"""Files: signed upload URLs for source videos, signed download URLs of one job file."""

import functions_framework

from shared.http import function_dispatcher
from shared.models.files import UploadUrlRequest
from shared.services import downloads, uploads


def upload_url(ctx):
    body = ctx.json(UploadUrlRequest)
    result = uploads.create_upload_url(ctx.principal, body)
    ctx.audit["target"] = result["upload_id"]
    return result, 201


def file_url(ctx, job_id, path):
    return downloads.file_url(ctx.principal, job_id, path)


dispatch = function_dispatcher("files", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

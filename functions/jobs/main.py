"""Jobs: create (multipart upload or signed-upload id), list, detail, delete, downloads, QC actions."""

import json

import functions_framework
from pydantic import ValidationError

from shared.errors import Invalid, Unprocessable, UnsupportedMedia
from shared.http import function_dispatcher, json_response
from shared.models.jobs import Feedback, JobCreate, JobOptions, Reason
from shared.services import downloads as download_service
from shared.services import job_creation, jobs, languages, timeline

# The multipart form's text fields (the video is the `file` part); OpenAPI: JobCreateForm.
FORM_FIELDS = frozenset(
    {
        "source_language",
        "requested_outputs",
        "title",
        "glossary_id",
        "org_id",
        "upload_id",
        "options",
        "delivery_profile",
        "extended_ad",
        "burn_in",
    }
)


def _form_data(form) -> dict:
    """Multipart fields as JobCreate input: lists as repeated fields, commas or a JSON array."""
    data: dict = {}
    for key in ("source_language", "title", "glossary_id", "org_id", "upload_id"):
        if form.get(key) not in (None, ""):
            data[key] = form.get(key)
    outputs: list = []
    for raw in form.getlist("requested_outputs"):
        raw = raw.strip()
        if raw.startswith("["):
            try:
                outputs.extend(json.loads(raw))
                continue
            except ValueError:
                pass
        outputs.extend(p.strip() for p in raw.split(",") if p.strip())
    data["requested_outputs"] = outputs
    options: dict = {}
    if form.get("options"):
        # the form documents `options` as a string holding a JSON object: any other string is a
        # well-formed value the server cannot use (400), not a schema violation
        try:
            options = json.loads(form["options"])
        except ValueError:
            options = None
        if not isinstance(options, dict):
            raise Invalid('Form field options must be a JSON object, e.g. {"burn_in": true}')
        try:
            options = JobOptions.model_validate(options).model_dump(exclude_unset=True)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors())
            raise Invalid(f"Form field options is not usable: {problems}")
    for key in ("delivery_profile", "extended_ad", "burn_in"):
        if form.get(key) not in (None, ""):
            options[key] = form[key]
    for key in ("extended_ad", "burn_in"):  # form booleans are the words true / false
        if key in options and isinstance(options[key], str):
            if options[key].strip().lower() not in ("true", "false"):
                raise Unprocessable(f"Form field {key} must be true or false")
            options[key] = options[key].strip().lower() == "true"
    if options:
        data["options"] = options
    return data


def create_job(ctx):
    req = ctx.request
    upload = None
    if req.mimetype == "multipart/form-data":
        unknown = sorted(set(req.form) - FORM_FIELDS)
        if unknown:
            raise Unprocessable(f"Unknown form field {unknown[0]!r}; the fields are: {', '.join(sorted(FORM_FIELDS))}")
        data = ctx.validate(JobCreate, _form_data(req.form))
        upload = req.files.get("file")
    elif req.is_json:
        data = ctx.json(JobCreate)
    else:
        raise UnsupportedMedia("Send multipart/form-data with the video as `file`, or JSON naming an upload_id")
    key = req.headers.get("Idempotency-Key")
    if key is not None and not key.strip():
        raise Unprocessable("Idempotency-Key is empty: send a unique value (a UUID), or leave the header out")
    job, created = job_creation.create_job(ctx.principal, data, upload, key)
    ctx.audit.update(target=job["id"], org_id=job.get("org_id"))
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return json_response(jobs.view(job, ctx.principal), 201, headers)


def list_jobs(ctx):
    return jobs.list_jobs(
        ctx.principal,
        status=ctx.arg("status"),
        org_id=ctx.arg("org_id"),
        limit=ctx.int_arg("limit", 20),
        cursor=ctx.arg("cursor"),
    )


def list_languages(ctx):
    return languages.catalogue(ctx.arg("source"))


def job_timeline(ctx, id):
    return timeline.timeline(ctx.principal, id)


def get_job(ctx, id):
    return jobs.view(jobs.get_job_for(ctx.principal, id), ctx.principal)


def delete_job(ctx, id):
    jobs.delete_job(ctx.principal, id)
    return None, 204


def downloads(ctx, id):
    return download_service.job_downloads(ctx.principal, id)


def approve(ctx, id):
    return jobs.view(jobs.approve(ctx.principal, id), ctx.principal)


def reject(ctx, id):
    body = ctx.json(Reason)
    return jobs.view(jobs.reject(ctx.principal, id, body.reason), ctx.principal)


def feedback(ctx, id):
    body = ctx.json(Feedback)
    return jobs.view(jobs.feedback(ctx.principal, id, body.message), ctx.principal)


def retry(ctx, id):
    return jobs.view(jobs.retry(ctx.principal, id), ctx.principal)


dispatch = function_dispatcher("jobs", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)

"""The "probe" step: ffprobe validation of the job's source before any other work. A source
that is not a usable MP4/MOV ends the job as UPLOAD_INVALID with the reason as its error."""

from __future__ import annotations

from pathlib import Path

from shared.bootstrap import platform
from shared.errors import PermanentStepError
from shared.media.probe import InvalidMedia, probe
from shared.pipeline.contract import StepIO
from shared.storage.layout import SOURCE, job_path


def run(io: StepIO) -> dict:
    job = io.job
    path = job.get("source_path") or job_path(job["id"], SOURCE)
    if not io.exists(path):
        raise PermanentStepError("The source video is missing; upload it again")
    files = platform().files
    limit = platform().settings.max_signed_upload_bytes
    # A signed GCS PUT URL cannot bind the size, so the cap is enforced here, before downloading.
    size = files.size(path)
    if size is not None and size > limit:
        raise PermanentStepError(
            f"The video is {size / 1024**3:.2f} GB, over the upload limit of "
            f"{limit / 1024**3:.2f} GB; shorten or compress it and upload again"
        )
    local_path = getattr(files, "local_path", None)
    local = Path(local_path(path)) if local_path else io.get_file(path, io.workdir / SOURCE)
    io.progress(10)
    try:
        info = probe(local)
    except InvalidMedia as exc:
        raise PermanentStepError(str(exc)) from None
    longest = platform().settings.max_source_seconds
    if info.duration > longest:
        raise PermanentStepError(
            f"The video runs {info.duration / 60:.1f} minutes, longer than the "
            f"{longest / 60:.0f} minutes this platform accepts; split it into parts"
        )
    io.progress(100)
    return {"media": info.as_dict()}

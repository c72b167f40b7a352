// A job file's text through its signed URL (GET /files/{job_id}/{path}, then the URL itself):
// how roles without the VTT endpoint (LINGUIST, PM, CLIENT) read captions, descriptions and the
// QC report.
import { api, ApiError, plainStatus } from "./client";

/** The text of one job file, read through its signed URL (`what` names it in an error). */
export async function readJobFile(id: string, path: string, what: string): Promise<string> {
  const file = await api.get("/api/v1/files/{job_id}/{path}", { path: { job_id: id, path } });
  let resp: Response;
  try {
    resp = await fetch(file.url, { cache: "no-store" });
  } catch {
    throw new ApiError(0, "The platform could not be reached. Check your connection; nothing you typed is lost.");
  }
  if (!resp.ok) throw new ApiError(resp.status, `${what} could not be read. ${plainStatus(resp.status)}`);
  return resp.text();
}


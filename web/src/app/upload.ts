// Uploading a file to a signed URL with progress (XMLHttpRequest: fetch has no upload progress).
export type UploadTarget = { url: string; method?: string; headers: Record<string, string> };

export function uploadWithProgress(target: UploadTarget, file: Blob, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method || "PUT", target.url);
    for (const [k, v] of Object.entries(target.headers || {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        let detail = `The upload was refused (${xhr.status}).`;
        try {
          const body = JSON.parse(xhr.responseText);
          if (typeof body.detail === "string") detail = body.detail;
        } catch {
          // not JSON (GCS answers XML): keep the status line
        }
        reject(new Error(detail));
      }
    };
    xhr.onerror = () => reject(new Error("The upload failed: the connection dropped. Choose Create job again to retry."));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}

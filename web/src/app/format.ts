// Plain-words formatting shared by screens.
export const STATUSES = [
  "CREATED", "UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC", "TRANSLATING", "LANGUAGE_QC",
  "TTS_GENERATING", "RENDERING", "FINAL_QC", "COMPLETED", "REJECTED", "UPLOAD_INVALID",
  "TRANSCRIPTION_FAILED", "DESCRIPTION_FAILED", "TRANSLATION_FAILED", "TTS_FAILED", "RENDER_FAILED",
] as const;

const STATUS_WORDS: Record<string, string> = {
  CREATED: "Waiting for upload",
  UPLOADED: "Checking the video",
  TRANSCRIBING: "Transcribing speech",
  DESCRIBING: "Writing audio description",
  SOURCE_QC: "Source review",
  TRANSLATING: "Translating",
  LANGUAGE_QC: "Language review",
  TTS_GENERATING: "Recording narration",
  RENDERING: "Rendering video",
  FINAL_QC: "Final review",
  COMPLETED: "Completed",
  REJECTED: "Rejected",
  UPLOAD_INVALID: "Video not usable",
  TRANSCRIPTION_FAILED: "Transcription failed",
  DESCRIPTION_FAILED: "Description failed",
  TRANSLATION_FAILED: "Translation failed",
  TTS_FAILED: "Narration failed",
  RENDER_FAILED: "Rendering failed",
};

export function statusWords(status: string | null | undefined): string {
  if (!status) return "Unknown";
  return STATUS_WORDS[status] ?? status;
}

export function statusTone(status: string): "ok" | "wait" | "act" | "fail" {
  if (status === "COMPLETED") return "ok";
  if (status.endsWith("_FAILED") || status === "UPLOAD_INVALID" || status === "REJECTED") return "fail";
  if (status.endsWith("_QC")) return "act";
  return "wait";
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

// Downloads of one job: every deliverable by language and kind (signed URLs, 24 h), with the
// accessible MP4 (and narration audio) playable in the page.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Job, type Schemas } from "../../api/client";
import type { ScreenProps } from "../../app/router";
import { byLanguageName, languageName } from "../../app/languages";
import { bytes, when } from "../../app/format";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";

type Item = Schemas["DownloadItem"];

const KIND_WORDS: Record<string, string> = {
  captions_vtt: "Captions (WebVTT)",
  descriptions_vtt: "Audio description script (WebVTT)",
  captions_srt: "Captions (SRT)",
  captions_ttml: "Captions (TTML)",
  captions_scc: "Captions (SCC, broadcast)",
  qc_report: "Quality report (JSON)",
  narration: "Narration audio",
  accessible_mp4: "Accessible video (MP4)",
  video: "Accessible video (MP4)",
  video_extended: "Extended accessible video, the picture holds for long descriptions (MP4)",
  video_burned_in: "Accessible video with burned-in captions (MP4)",
};

export function kindWords(kind: string, path: string): string {
  if (KIND_WORDS[kind]) return KIND_WORDS[kind];
  const ext = path.split(".").pop()?.toUpperCase() ?? "";
  const words = kind.replace(/_/g, " ");
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${ext ? ` (${ext})` : ""}`;
}

const isVideo = (p: string) => p.toLowerCase().endsWith(".mp4");
const isAudio = (p: string) => /\.(m4a|mp3|wav)$/i.test(p);

export function DownloadsScreen({ params }: ScreenProps) {
  const id = params.id;
  const [job, setJob] = useState<Job | null>(null);
  const [files, setFiles] = useState<Item[]>([]);
  const [expires, setExpires] = useState("");
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    Promise.all([api.get("/api/v1/jobs/{id}", { path: { id } }), api.get("/api/v1/jobs/{id}/downloads", { path: { id } })])
      .then(([j, d]) => {
        if (!live) return;
        setJob(j);
        setFiles(d.files);
        setExpires(d.expires_at);
      })
      .catch((e) => live && setError(errorText(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [id]);

  // The programme's own language first, then the others by name (the API lists them by code).
  const src = job?.source_language;
  const langs = byLanguageName(Array.from(new Set(files.map((f) => f.language)))).sort((a, b) => Number(b === src) - Number(a === src));
  const title = job?.title || "Untitled job";
  return (
    <section aria-busy={loading ? "true" : "false"}>
      <p>
        <Link href={`/jobs/${id}`}>Back to the job</Link>
      </p>
      <h1 tabIndex={-1}>Downloads{job ? `: ${title}` : ""}</h1>
      {job && (
        <p>
          <StatusTag status={job.status} /> {expires && <span class="muted">Links work until {when(expires)}.</span>}
        </p>
      )}
      <ErrorBanner error={error} />
      {!loading && !error && !files.length && <p>No deliverable is ready yet: files appear here as the pipeline makes them.</p>}
      {langs.map((lang) => {
        const list = files.filter((f) => f.language === lang);
        const media = [...list.filter((f) => isVideo(f.path)), ...list.filter((f) => isAudio(f.path))]; // the accessible video first
        return (
          <section key={lang} aria-labelledby={`dl-${lang}`}>
            <h2 id={`dl-${lang}`}>{languageName(lang)}</h2>
            {media.map((f) =>
              isVideo(f.path) ? (
                <figure key={f.path} class="download-media">
                  <video controls preload="metadata" src={f.url} aria-label={`${kindWords(f.kind, f.path)}, ${languageName(lang)}`} />
                  <figcaption>{kindWords(f.kind, f.path)}</figcaption>
                </figure>
              ) : (
                <figure key={f.path} class="download-media">
                  <audio controls preload="metadata" src={f.url} aria-label={`${kindWords(f.kind, f.path)}, ${languageName(lang)}`} />
                  <figcaption>{kindWords(f.kind, f.path)}</figcaption>
                </figure>
              ),
            )}
            <DataTable
              caption={`Files in ${languageName(lang)}`}
              columns={["Download", "File name", "Size"]}
              rowCount={list.length}
            >
              {list.map((f) => (
                <tr key={f.path}>
                  <td>
                    <a href={f.url} download aria-label={`Download ${kindWords(f.kind, f.path)}, ${languageName(lang)}`}>
                      Download {kindWords(f.kind, f.path)}
                    </a>
                  </td>
                  <td class="file-path">
                    {/* may break after a slash or before the extension, never inside a word */}
                    <code>{f.path.split(/(?<=\/)|(?=\.)/).map((part, i) => (i ? [<wbr key={i} />, part] : part))}</code>
                  </td>
                  <td class="size">{f.size == null ? "" : bytes(f.size)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        );
      })}
    </section>
  );
}

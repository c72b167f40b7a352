// The typed API client. `paths` is generated from the platform's /openapi.json at build time
// (npm run api-types), so a path, a method, a query parameter or a body that the API does not
// have is a TypeScript error in `npm run build`.
import type { components, paths } from "./schema";
import { store } from "../app/store";
import { refreshSession, sessionExpired } from "../app/session";

export type Schemas = components["schemas"];
export type Job = Schemas["Job"];

type Method = "get" | "post" | "put" | "patch" | "delete";
type PathsFor<M extends Method> = {
  [P in keyof paths]: NonNullable<paths[P][M]> extends never ? never : P;
}[keyof paths];
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Params<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Params<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Params<O> extends { query?: infer X } ? X : never;
type JsonBody<O> = O extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
// The success body: 200, or 201 for the operations that create something.
type Json200<O> = O extends { responses: { 200: { content: { "application/json": infer T } } } }
  ? T
  : O extends { responses: { 201: { content: { "application/json": infer T } } } }
    ? T
    : unknown;

export type RequestOptions<O> = {
  path?: PathParams<O>;
  query?: QueryParams<O>;
  body?: JsonBody<O>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** An API error with the platform's human-readable `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Headers | null = null,
  ) {
    super(detail);
  }
  get network(): boolean {
    return this.status === 0;
  }
}

export type ApiResponse<T> = { data: T; headers: Headers; status: number };

function buildUrl(path: string, params?: object, query?: object): string {
  let url = path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = (params as Record<string, unknown> | undefined)?.[k];
    if (v === undefined || v === null) throw new Error(`missing path parameter ${k}`);
    return encodeURIComponent(String(v));
  });
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
    const s = q.toString();
    if (s) url += "?" + s;
  }
  return url;
}

async function send(method: string, url: string, body: BodyInit | undefined, headers: Record<string, string>, signal?: AbortSignal, retried = false): Promise<Response> {
  const session = store.get().session;
  const h: Record<string, string> = { Accept: "application/json", ...headers };
  if (session) h.Authorization = `Bearer ${session.token}`;
  let resp: Response;
  try {
    resp = await fetch(url, { method, body, headers: h, signal, credentials: "same-origin" });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "The platform could not be reached. Check your connection; nothing you typed is lost.");
  }
  if (resp.status === 401 && session && !retried) {
    // The access token expired or was revoked: one silent refresh, then the same request again.
    if (await refreshSession()) return send(method, url, body, headers, signal, true);
    sessionExpired();
  }
  return resp;
}

/** Words for an error answer that carries no `detail` of the platform's (a proxy or gateway
 * answered, or the service is down): what happened and what to do, the code only as a reference. */
export function plainStatus(status: number): string {
  if (status === 401) return "You are signed out. Sign in again to carry on.";
  if (status === 403) return "Your account may not do this. Ask an administrator if you need it.";
  if (status === 404) return "This was not found: it may have been deleted, or the link is wrong.";
  if (status === 409 || status === 412) return "Someone changed this meanwhile. Reload the page and try again.";
  if (status === 413) return "The file is too large for the platform.";
  if (status === 429) return "Too many requests in a short time. Wait a minute and try again.";
  if (status >= 500) return `The platform had a problem (error ${status}). Try again in a moment; if it keeps happening, tell an administrator.`;
  return `The platform refused this (error ${status}). Check what you entered and try again.`;
}

async function parse<T>(resp: Response): Promise<ApiResponse<T>> {
  const text = await resp.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!resp.ok) {
    const detail =
      data && typeof data === "object" && "detail" in data && typeof (data as { detail: unknown }).detail === "string"
        ? (data as { detail: string }).detail
        : plainStatus(resp.status);
    throw new ApiError(resp.status, detail, resp.headers);
  }
  return { data: data as T, headers: resp.headers, status: resp.status };
}

/** Call `method path`; the answer is the 200 body as typed in OpenAPI (override with T where OpenAPI says nothing). */
export async function call<M extends Method, P extends PathsFor<M>, T = Json200<Op<P, M>>>(
  method: M,
  path: P,
  opts: RequestOptions<Op<P, M>> = {},
): Promise<ApiResponse<T>> {
  const url = buildUrl(path as string, opts.path as object | undefined, opts.query as object | undefined);
  const headers: Record<string, string> = { ...(opts.headers || {}) };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  return parse<T>(await send(method.toUpperCase(), url, body, headers, opts.signal));
}

export const api = {
  get: <P extends PathsFor<"get">, T = Json200<Op<P, "get">>>(path: P, opts?: RequestOptions<Op<P, "get">>) =>
    call<"get", P, T>("get", path, opts).then((r) => r.data),
  post: <P extends PathsFor<"post">, T = Json200<Op<P, "post">>>(path: P, opts?: RequestOptions<Op<P, "post">>) =>
    call<"post", P, T>("post", path, opts).then((r) => r.data),
  put: <P extends PathsFor<"put">, T = Json200<Op<P, "put">>>(path: P, opts?: RequestOptions<Op<P, "put">>) =>
    call<"put", P, T>("put", path, opts).then((r) => r.data),
  patch: <P extends PathsFor<"patch">, T = Json200<Op<P, "patch">>>(path: P, opts?: RequestOptions<Op<P, "patch">>) =>
    call<"patch", P, T>("patch", path, opts).then((r) => r.data),
  delete: <P extends PathsFor<"delete">, T = Json200<Op<P, "delete">>>(path: P, opts?: RequestOptions<Op<P, "delete">>) =>
    call<"delete", P, T>("delete", path, opts).then((r) => r.data),
};

/** A message for people from any error thrown by the client. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  if (e instanceof Error) return e.message;
  return String(e);
}

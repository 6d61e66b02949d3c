import {
  ApiError,
  CSRF_COOKIE,
  CSRF_HEADER,
  NETWORK_ERROR,
  notifyUnauthorized,
  readCookie,
  toApiError,
  type Schemas,
} from "../../api/client";

export type ImportKind = Schemas["ImportKind"];
export type ImportBatchRead = Schemas["ImportBatchRead"];
export type ImportBatchSummary = Schemas["ImportBatchSummary"];
export type ImportRowErrorRead = Schemas["ImportRowErrorRead"];
export type ImportRowOutcome = Schemas["ImportRowOutcome"];

/** The kinds in the order the page offers them (answers first: the everyday import). */
export const IMPORT_KINDS: readonly ImportKind[] = ["submissions", "regions", "agencies", "indicators", "users"];

export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === "string" && (IMPORT_KINDS as readonly string[]).includes(value);
}

/** What the file picker offers; the API decides by content (CSV in UTF-8, or XLSX). */
export const IMPORT_ACCEPT =
  ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const IMPORT_ABORTED = "upload_aborted";

export function importUrl(kind: ImportKind, dryRun: boolean): string {
  const params = new URLSearchParams({ kind, dry_run: String(dryRun) });
  return `/api/v1/imports?${params.toString()}`;
}

export function templateUrl(kind: ImportKind): string {
  return `/api/v1/imports/templates/${encodeURIComponent(kind)}.xlsx`;
}

export function errorsCsvUrl(batchId: number): string {
  return `/api/v1/imports/${batchId}/errors.csv`;
}

/**
 * A random UUID for Idempotency-Key. crypto.randomUUID only exists in secure
 * contexts; an intranet deployment over plain HTTP still has getRandomValues.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ImportUpload {
  kind: ImportKind;
  file: File;
  dryRun: boolean;
  /** Sent on real runs so a retried confirmation returns the first batch instead of importing twice. */
  idempotencyKey?: string;
}

export interface UploadHandle {
  promise: Promise<ImportBatchRead>;
  abort: () => void;
}

/**
 * Posts the file as multipart field `file` to POST /imports. XMLHttpRequest
 * rather than fetch, because only it reports upload progress (a 50 MB
 * workbook over a regional connection takes a while). Sends the CSRF header
 * like the API client; file-level failures (413, 415, 422 …) reject with an
 * ApiError carrying the API's code, message and details.
 */
export function uploadImport(
  { kind, file, dryRun, idempotencyKey }: ImportUpload,
  onProgress: (percent: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<ImportBatchRead>((resolve, reject) => {
    xhr.open("POST", importUrl(kind, dryRun));
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    if (idempotencyKey) xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.upload.onprogress = (event) => {
      const total = event.lengthComputable ? event.total : file.size;
      onProgress(total > 0 ? Math.min(100, Math.round((event.loaded / total) * 100)) : 0);
    };
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === "object") {
        onProgress(100);
        resolve(body as ImportBatchRead);
      } else if (xhr.status === 413 && !(body && typeof body === "object")) {
        // A proxy in front of the API may refuse the size with its own page.
        reject(new ApiError("Request Entity Too Large", 413, "too_large"));
      } else {
        if (xhr.status === 401) notifyUnauthorized();
        reject(toApiError(body, xhr.status, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new ApiError("Network error", 0, NETWORK_ERROR));
    xhr.onabort = () => reject(new ApiError("Aborted", 0, IMPORT_ABORTED));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

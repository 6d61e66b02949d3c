import type { Schemas } from "../../api/client";
import { postFile, UPLOAD_ABORTED, type UploadHandle as Handle } from "../../api/upload";
import { withCsvLocale } from "../../i18n/csvLocale";

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

export const IMPORT_ABORTED = UPLOAD_ABORTED;

export function importUrl(kind: ImportKind, dryRun: boolean): string {
  const params = new URLSearchParams({ kind, dry_run: String(dryRun) });
  return `/api/v1/imports?${params.toString()}`;
}

export function templateUrl(kind: ImportKind): string {
  return `/api/v1/imports/templates/${encodeURIComponent(kind)}.xlsx`;
}

export function errorsCsvUrl(batchId: number, language?: string): string {
  return withCsvLocale(`/api/v1/imports/${batchId}/errors.csv`, language);
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

export type UploadHandle = Handle<ImportBatchRead>;

/**
 * Posts the file to POST /imports with upload progress in percent (see
 * `postFile`); file-level failures (413, 415, 422 …) reject with an ApiError.
 */
export function uploadImport(
  { kind, file, dryRun, idempotencyKey }: ImportUpload,
  onProgress: (percent: number) => void,
): UploadHandle {
  return postFile<ImportBatchRead>(
    importUrl(kind, dryRun),
    file,
    ({ loaded, total }) => onProgress(total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0),
    idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {},
  );
}

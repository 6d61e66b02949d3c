import type { ApiError, Role } from "../../api/client";
import type { ApiKeyListParams, AuditListParams, AuditOutcome, UserListParams } from "./queries";

export const ROLES: readonly Role[] = ["admin", "verifier", "coordinator", "operator", "viewer"];
// "refused" asks for every refusal at once (failure, denied, rate limited): what an
// investigation of an attack or a misconfigured system looks at first.
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ["refused", "success", "failure", "denied", "rate_limited"];

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

function text(params: URLSearchParams, name: string): string | undefined {
  return params.get(name)?.trim() || undefined;
}

function offset(params: URLSearchParams): number {
  const value = Number(params.get("offset"));
  return Number.isInteger(value) && value > 0 ? value : 0;
}

function bool(value: string | null): boolean | undefined {
  return value === "true" ? true : value === "false" ? false : undefined;
}

/** Builds a query string, leaving out empty values and a zero offset. */
export function toParams(values: Record<string, string | number | boolean | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === "" || (key === "offset" && value === 0)) continue;
    params.set(key, String(value));
  }
  return params;
}

/** ?role=&active=&q=&offset= */
export function parseUserFilters(params: URLSearchParams): UserListParams {
  return {
    role: oneOf(ROLES, params.get("role")),
    active: bool(params.get("active")),
    q: text(params, "q"),
    offset: offset(params),
  };
}

/** ?active=&offset= */
export function parseApiKeyFilters(params: URLSearchParams): ApiKeyListParams {
  return { active: bool(params.get("active")), offset: offset(params) };
}

/**
 * ?actor=&action=&outcome=&since=&until=&offset=; `since` and `until` stay as local
 * date-times (YYYY-MM-DDTHH:mm) in the URL and become ISO for the API.
 */
export function parseAuditFilters(
  params: URLSearchParams,
): AuditListParams & { sinceLocal?: string; untilLocal?: string } {
  const sinceLocal = text(params, "since");
  const since = sinceLocal ? localToIso(sinceLocal) : undefined;
  const untilLocal = text(params, "until");
  const until = untilLocal ? localToIso(untilLocal) : undefined;
  return {
    actor: text(params, "actor"),
    action: text(params, "action"),
    outcome: oneOf(AUDIT_OUTCOMES, params.get("outcome")),
    since,
    sinceLocal: since ? sinceLocal : undefined,
    ...(until ? { until, untilLocal } : {}),
    offset: offset(params),
  };
}

/**
 * A local date-time (YYYY-MM-DDTHH:mm) as the reader writes it: day first in both
 * languages, with the time after a dot in Indonesian (31/12/2024 17.00) and a colon in
 * English (31/12/2024 17:00). The browser's own date-time field follows the operating
 * system's locale instead of the page's, so the audit filter uses this text form.
 */
export function formatLocalInput(local: string | undefined, lng: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(local ?? "");
  if (!match) return "";
  const [, y, m, d, hh, mm] = match;
  const date = `${d}/${m}/${y}`;
  if (hh === undefined || (hh === "00" && mm === "00")) return date;
  return `${date} ${hh}${lng.startsWith("en") ? ":" : "."}${mm}`;
}

/**
 * Reads what `formatLocalInput` writes (either time separator, `/`, `-` or `.` between
 * day, month and year, a missing time meaning midnight), or an ISO date-time.
 * Returns "" for an empty field and undefined for text that is not a date.
 */
export function parseLocalInput(value: string): string | undefined {
  const text = value.trim();
  if (!text) return "";
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2})[:.](\d{2}))?$/.exec(text);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:,?\s+(\d{1,2})[:.](\d{2}))?$/.exec(text);
  let parts: [number, number, number, number, number];
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0)];
  else if (dmy) parts = [Number(dmy[3]), Number(dmy[2]), Number(dmy[1]), Number(dmy[4] ?? 0), Number(dmy[5] ?? 0)];
  else return undefined;
  const [y, m, d, hh, mm] = parts;
  const date = new Date(y, m - 1, d, hh, mm);
  // new Date rolls 31/02 over to March: only a real calendar date and clock time counts.
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d || hh > 23 || mm > 59) {
    return undefined;
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${y}-${pad(m)}-${pad(d)}T${pad(hh)}:${pad(mm)}`;
}

/** The most events one audit export holds (MAX_EXPORT_ROWS in siaga/audit/export.py). */
export const AUDIT_EXPORT_LIMIT = 100_000;

/** GET /audit/export.{csv|xlsx} with the list's filters; CSV spelled for the reader's Excel. */
export function auditExportUrl(
  fmt: "csv" | "xlsx",
  filters: Omit<AuditListParams, "offset">,
  locale?: "id",
): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "outcome", "since", "until"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (fmt === "csv" && locale) params.set("locale", locale);
  const query = params.toString();
  return `/api/v1/audit/export.${fmt}${query ? `?${query}` : ""}`;
}

export function localToIso(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(local)) return undefined;
  const date = new Date(local.includes("T") ? local : `${local}T00:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Field problems of a 422: the service's [{field, message}] or the
 * framework's [{loc: ["body", field], message}].
 */
export function fieldErrors(error: ApiError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of error.details) {
    if (!item || typeof item !== "object") continue;
    const { field, loc, message } = item as { field?: unknown; loc?: unknown; message?: unknown };
    let name: string | undefined;
    if (typeof field === "string") name = field;
    else if (Array.isArray(loc) && loc.length > 0) name = String(loc[0] === "body" && loc.length > 1 ? loc[1] : loc[loc.length - 1]);
    if (!name || typeof message !== "string") continue;
    (out[name] ??= []).push(message);
  }
  return out;
}

import type { ApiError, Role } from "../../api/client";
import type { ApiKeyListParams, AuditListParams, AuditOutcome, UserListParams } from "./queries";

export const ROLES: readonly Role[] = ["admin", "verifier", "operator", "viewer"];
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
 * ?actor=&action=&outcome=&since=&offset=; `since` stays as the form's local
 * date-time (YYYY-MM-DDTHH:mm) in the URL and becomes ISO for the API.
 */
export function parseAuditFilters(params: URLSearchParams): AuditListParams & { sinceLocal?: string } {
  const sinceLocal = text(params, "since");
  const since = sinceLocal ? localToIso(sinceLocal) : undefined;
  return {
    actor: text(params, "actor"),
    action: text(params, "action"),
    outcome: oneOf(AUDIT_OUTCOMES, params.get("outcome")),
    since,
    sinceLocal: since ? sinceLocal : undefined,
    offset: offset(params),
  };
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

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

export type Schemas = components["schemas"];
export type RegionLevel = Schemas["RegionLevel"];
export type RegionRead = Schemas["RegionRead"];
export type RegionDetail = Schemas["RegionDetail"];
export type AgencyRead = Schemas["AgencyRead"];
export type FrameworkSummary = Schemas["FrameworkSummary"];
export type FrameworkRead = Schemas["FrameworkRead"];
export type PeriodRead = Schemas["PeriodRead"];
export type PeriodState = Schemas["PeriodState"];
export type AnswerType = Schemas["AnswerType"];
export type MeRead = Schemas["MeRead"];
export type Role = Schemas["Role"];
export type Capability = Schemas["Capability"];
export type UserRead = Schemas["UserRead"];
export type UserCreate = Schemas["UserCreate"];
export type UserUpdate = Schemas["UserUpdate"];
export type ApiKeyRead = Schemas["ApiKeyRead"];
export type ApiKeyCreate = Schemas["ApiKeyCreate"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type ApiKeyScope = Schemas["ApiKeyScope"];
export type AuditEventRead = Schemas["AuditEventRead"];
export type TaskRead = Schemas["TaskRead"];
export type SubmissionStatus = Schemas["SubmissionStatus"];
export type TaskStatus = SubmissionStatus | "not_started";
export type SubmissionRead = Schemas["SubmissionRead"];
export type SubmissionSummary = Schemas["SubmissionSummary"];
export type SubmissionWrite = Schemas["SubmissionWrite"];
export type EvidenceRead = Schemas["EvidenceRead"];
export type EvidenceUploadRead = Schemas["EvidenceUploadRead"];
export type HistoryEntry = Schemas["HistoryEntry"];
export type ReviewRead = Schemas["ReviewRead"];
export type BulkVerifyResult = Schemas["BulkVerifyResult"];
export type CopyPreviousResult = Schemas["CopyPreviousResult"];
export type LevelRubricRead = Schemas["LevelRubricRead"];
export type IndicatorRead = Schemas["IndicatorRead"];

// The spec's paths already start with /api/v1 (see openapi.json), so the client
// talks to the page's own origin. Request needs an absolute URL outside browsers
// (Node, jsdom in tests), hence the origin rather than an empty base.
function resolveBaseUrl(): string {
  const origin = typeof window !== "undefined" ? window.location?.origin : undefined;
  return origin && origin !== "null" ? origin : "";
}

export const api = createClient<paths>({
  baseUrl: resolveBaseUrl(),
  // Looked up per call, not captured at import, so tests can stub fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});

export const CSRF_COOKIE = "siaga_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Value of a cookie readable by scripts (the session cookie itself is HttpOnly). */
export function readCookie(name: string): string | undefined {
  if (typeof document === "undefined") return undefined;
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

// The session lives in an HttpOnly cookie sent by the browser (same origin);
// requests that change data must echo the readable CSRF cookie in a header.
api.use({
  onRequest({ request }) {
    if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
    const token = readCookie(CSRF_COOKIE);
    if (token) request.headers.set(CSRF_HEADER, token);
    return request;
  },
});

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/**
 * Called whenever an API call answers 401 (no session, or it expired), except
 * the login call itself, whose 401 means wrong credentials. Returns an undo.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

/** Reports a 401 from a request made outside this client (an upload by XMLHttpRequest). */
export function notifyUnauthorized(): void {
  unauthorizedHandler?.();
}

const NO_SESSION_PATHS = new Set(["/api/v1/auth/login", "/api/v1/auth/logout"]);

api.use({
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && !NO_SESSION_PATHS.has(schemaPath)) unauthorizedHandler?.();
    return undefined;
  },
});

/** An API failure carrying the contract's error code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown[];

  constructor(message: string, status: number, code: string, details: unknown[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const NETWORK_ERROR = "network_error";

/** Builds an ApiError from a body shaped {"error": {"code", "message", "details"}}. */
export function toApiError(body: unknown, status: number, statusText = ""): ApiError {
  if (body && typeof body === "object" && "error" in body) {
    const err = (body as { error?: unknown }).error;
    if (err && typeof err === "object") {
      const { code, message, details } = err as { code?: unknown; message?: unknown; details?: unknown };
      if (typeof message === "string" && message) {
        return new ApiError(
          message,
          status,
          typeof code === "string" ? code : "error",
          Array.isArray(details) ? details : [],
        );
      }
    }
  }
  // Not the contract's shape (a proxy's HTML page, an empty body…).
  const fallback = `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  return new ApiError(fallback, status, "http_error");
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError
 * with the API's own message.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError(message, 0, NETWORK_ERROR);
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) {
    throw toApiError(error, response.status, response.statusText);
  }
  return data as T;
}

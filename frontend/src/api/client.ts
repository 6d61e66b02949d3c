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

import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockApi } from "../test/utils";
import {
  ApiError,
  CSRF_COOKIE,
  NETWORK_ERROR,
  api,
  readCookie,
  setUnauthorizedHandler,
  toApiError,
  unwrap,
} from "./client";

describe("api client", () => {
  it("returns the data of a successful call", async () => {
    mockApi({ "GET /periods/2023-Q4": () => json({ code: "2023-Q4" }) });
    const period = await unwrap(api.GET("/api/v1/periods/{code}", { params: { path: { code: "2023-Q4" } } }));
    expect(period.code).toBe("2023-Q4");
  });

  it("throws the API's message, code and status", async () => {
    mockApi({
      "GET /regions/99": () =>
        json({ error: { code: "not_found", message: "Wilayah 99 tidak ditemukan", details: [{ loc: "code" }] } }, 404),
    });
    const error = await unwrap(api.GET("/api/v1/regions/{code}", { params: { path: { code: "99" } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("Wilayah 99 tidak ditemukan");
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
    expect(error.details).toEqual([{ loc: "code" }]);
  });

  it("falls back to the HTTP status for a body that is not the error shape", () => {
    const error = toApiError("<html>Bad Gateway</html>", 502, "Bad Gateway");
    expect(error.message).toBe("HTTP 502 Bad Gateway");
    expect(error.code).toBe("http_error");
  });

  it("reports a failed connection as a network error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const error = await unwrap(api.GET("/api/v1/healthz")).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(NETWORK_ERROR);
  });
});

describe("api client session handling", () => {
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  it("sends the CSRF cookie's value as X-CSRF-Token on POST, not on GET", async () => {
    document.cookie = `${CSRF_COOKIE}=tok-123; path=/`;
    const fetchMock = mockApi({
      "GET /periods": () => json({ items: [], total: 0, limit: 50, offset: 0 }),
      "POST /auth/logout": () => new Response(null, { status: 204 }),
    });
    await unwrap(api.GET("/api/v1/periods"));
    await unwrap(api.POST("/api/v1/auth/logout"));

    const [get, post] = fetchMock.mock.calls.map(([input]) => input as Request) as [Request, Request];
    expect(get.method).toBe("GET");
    expect(get.headers.has("X-CSRF-Token")).toBe(false);
    expect(post.method).toBe("POST");
    expect(post.headers.get("X-CSRF-Token")).toBe("tok-123");
  });

  it("reads the CSRF cookie among others", () => {
    document.cookie = "other=1; path=/";
    document.cookie = `${CSRF_COOKIE}=a%2Bb; path=/`;
    expect(readCookie(CSRF_COOKIE)).toBe("a+b");
    expect(readCookie("missing")).toBeUndefined();
  });

  it("reports a 401 as signed out, except a failed login", async () => {
    const handler = vi.fn();
    const undo = setUnauthorizedHandler(handler);
    const notSignedIn = () => json({ error: { code: "not_authenticated", message: "Not authenticated" } }, 401);
    mockApi({
      "GET /regions": notSignedIn,
      "POST /auth/login": () => json({ error: { code: "invalid_credentials", message: "Wrong" } }, 401),
    });
    await unwrap(api.POST("/api/v1/auth/login", { body: { username: "a", password: "b" } })).catch(() => null);
    expect(handler).not.toHaveBeenCalled();
    await unwrap(api.GET("/api/v1/regions")).catch(() => null);
    expect(handler).toHaveBeenCalledTimes(1);
    undo();
  });
});

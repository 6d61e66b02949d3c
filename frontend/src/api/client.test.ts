import { describe, expect, it, vi } from "vitest";
import { json, mockApi } from "../test/utils";
import { ApiError, NETWORK_ERROR, api, toApiError, unwrap } from "./client";

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

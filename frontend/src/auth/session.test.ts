import { describe, expect, it } from "vitest";
import { loginPath, safeNext } from "./session";

describe("safeNext (open-redirect guard)", () => {
  it.each([
    ["/wilayah?level=city", "/wilayah?level=city"],
    ["/kerangka/PEMILU2024#K1", "/kerangka/PEMILU2024#K1"],
    ["/", "/"],
  ])("keeps the same-site path %s", (next, want) => {
    expect(safeNext(next)).toBe(want);
  });

  it.each([
    null,
    "",
    "//evil.com",
    "https://evil.com",
    "http://evil.com/wilayah",
    "javascript:alert(1)",
    "/\\evil.com",
    "/\t/evil.com",
    "wilayah",
    "/masuk",
    "/masuk?next=/x",
  ])("sends %s home", (next) => {
    expect(safeNext(next)).toBe("/");
  });

  it("builds the login address with the page to come back to", () => {
    expect(loginPath("/wilayah?level=city")).toBe("/masuk?next=%2Fwilayah%3Flevel%3Dcity");
    expect(loginPath("/")).toBe("/masuk");
  });
});

import { describe, expect, it, vi } from "vitest";
import { formatDateTimeInZone, formatDeadline, zoneAbbreviation } from "./format";

describe("zoneAbbreviation", () => {
  it("names Indonesia's three zones as a clock does", () => {
    expect(zoneAbbreviation("Asia/Jakarta")).toBe("WIB");
    expect(zoneAbbreviation("Asia/Makassar")).toBe("WITA");
    expect(zoneAbbreviation("Asia/Jayapura")).toBe("WIT");
  });

  it("names any other zone by itself", () => {
    expect(zoneAbbreviation("UTC")).toBe("UTC");
  });
});

describe("formatDateTimeInZone", () => {
  // 15:59 UTC is 23:59 in Samarinda (UTC+8), 22:59 in Jakarta, 00:59 next day in Jayapura.
  const instant = "2025-01-10T15:59:00Z";

  it("shows the instant on the region's clock with the zone named", () => {
    expect(formatDateTimeInZone(instant, "id", "Asia/Makassar")).toBe("10 Jan 2025 23.59 WITA");
    expect(formatDateTimeInZone(instant, "id", "Asia/Jakarta")).toBe("10 Jan 2025 22.59 WIB");
    expect(formatDateTimeInZone(instant, "id", "Asia/Jayapura")).toBe("11 Jan 2025 00.59 WIT");
  });

  it("writes English times with a colon", () => {
    expect(formatDateTimeInZone(instant, "en", "Asia/Makassar")).toBe("10 Jan 2025 23:59 WITA");
  });

  it("ignores the browser's zone", () => {
    // A verifier travelling in New York still sees Samarinda's clock.
    vi.stubEnv("TZ", "America/New_York");
    try {
      expect(new Date(instant).getTimezoneOffset()).toBe(300);
      expect(formatDateTimeInZone(instant, "id", "Asia/Makassar")).toBe("10 Jan 2025 23.59 WITA");
      expect(formatDeadline("2025-01-10", "id", "Asia/Makassar")).toBe("10 Jan 2025 23.59 WITA");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("leaves text that is not a date as it is", () => {
    expect(formatDateTimeInZone("not a date", "id", "Asia/Makassar")).toBe("not a date");
  });

  it("falls back to the browser's zone for a zone Intl does not know", () => {
    const text = formatDateTimeInZone(instant, "id", "Mars/Olympus");
    expect(text).not.toContain("Mars/Olympus");
    expect(text).toContain("2025");
  });
});

describe("formatDeadline", () => {
  it("shows the last minute of the deadline day in the region's zone", () => {
    expect(formatDeadline("2025-01-10", "id", "Asia/Makassar")).toBe("10 Jan 2025 23.59 WITA");
    expect(formatDeadline("2025-01-10", "id", "Asia/Jakarta")).toBe("10 Jan 2025 23.59 WIB");
    expect(formatDeadline("2025-12-31", "en", "Asia/Jayapura")).toBe("31 Dec 2025 23:59 WIT");
  });

  it("does not shift the calendar date", () => {
    expect(formatDeadline("2025-03-01", "id", "Asia/Jayapura")).toBe("1 Mar 2025 23.59 WIT");
  });

  it("leaves a value that is not a date as it is", () => {
    expect(formatDeadline("soon", "id", "Asia/Makassar")).toBe("soon");
  });
});

import { describe, expect, it } from "vitest";
import spec from "../../../openapi.json";
import { REASON_MAX_LENGTH, REASON_MIN_LENGTH, reasonLength } from "./reason";

describe("the reason rule", () => {
  it("is the server's, as the committed OpenAPI document states it", () => {
    const reason = spec.components.schemas.ReasonBody.properties.reason;
    expect(REASON_MIN_LENGTH).toBe(reason.minLength);
    expect(REASON_MAX_LENGTH).toBe(reason.maxLength);
    expect(REASON_MIN_LENGTH).toBe(15);
  });

  it("counts what the server counts: trimmed, composed characters", () => {
    expect(reasonLength("Lampirkan SK ya")).toBe(15);
    expect(reasonLength("   Unggah SK-nya.  \n\t")).toBe(14);
    expect(reasonLength(" ".repeat(40))).toBe(0);
    // e + combining acute is one character once composed (NFC), as stored.
    expect(reasonLength("Cafe\u0301")).toBe(4);
    // A character beyond the BMP is one, not two UTF-16 units.
    expect(reasonLength("𝔸")).toBe(1);
  });
});

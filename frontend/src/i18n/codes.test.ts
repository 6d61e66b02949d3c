import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { codeKey, codeLabel, errorText, type CodeKind } from "../components/labels";
import i18n from ".";
import codes from "./codes.json";
import en from "./en.json";
import id from "./id.json";

interface Entry {
  kind: CodeKind;
  code: string;
  key: string;
}
const inventory = codes as Entry[];

function text(catalogue: object, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

describe("every code the API can send", () => {
  it("is in the inventory generated from the backend, of every kind", () => {
    const kinds = new Set(inventory.map((e) => e.kind));
    for (const kind of ["error", "importRow", "auditAction", "auditEntity", "auditOutcome", "enum:PeriodState"]) {
      expect(kinds).toContain(kind);
    }
    expect(inventory.length).toBeGreaterThan(150);
  });

  it("has the backend's key under the SPA's rule", () => {
    const differ = inventory.filter((e) => codeKey(e.kind, e.code) !== e.key).map((e) => `${e.kind} ${e.code}`);
    expect(differ).toEqual([]);
  });

  it.each([
    ["id", id],
    ["en", en],
  ])("has a text in %s", (_lang, catalogue) => {
    const missing = inventory.filter((e) => {
      const value = text(catalogue, e.key);
      return typeof value !== "string" || !value.trim();
    });
    expect(missing.map((e) => `${e.kind} ${e.code} -> ${e.key}`)).toEqual([]);
  });

  it("reads as a sentence through the one lookup, never as the code", async () => {
    await i18n.changeLanguage("id");
    const t = i18n.t.bind(i18n);
    const raw = inventory.filter((e) => codeLabel(t, e.kind, e.code) === e.code && !["admin", "operator", "draft"].includes(e.code));
    expect(raw.map((e) => `${e.kind} ${e.code}`)).toEqual([]);
    expect(codeLabel(t, "auditAction", "auth.login")).toBe("Masuk");
    expect(codeLabel(t, "importRow", "period_not_open")).toBe("Periode tidak sedang dibuka");
    expect(codeLabel(t, "enum:ImportStatus", "failed")).toBe("Gagal");
    await i18n.changeLanguage("en");
    expect(codeLabel(i18n.t.bind(i18n), "auditAction", "auth.login")).toBe("Signed in");
    await i18n.changeLanguage("id");
  });
});

describe("codeLabel and errorText", () => {
  const t = i18n.t.bind(i18n);

  it("falls back to what it is given, else the code, for a code it does not know", () => {
    expect(codeLabel(t, "auditAction", "report.print")).toBe("report.print");
    expect(codeLabel(t, "importRow", "brand_new", "Pesan dari server")).toBe("Pesan dari server");
    // A group of texts is not a text.
    expect(codeLabel(t, "auditAction", "auth")).toBe("auth");
    expect(codeLabel(t, "error", "a b")).toBe("a b");
  });

  it("names an API error in the reader's language, not the API's bilingual message", async () => {
    await i18n.changeLanguage("id");
    const notFound = new ApiError("Wilayah tidak ditemukan (region not found)", 404, "region_not_found");
    expect(errorText(i18n.t.bind(i18n), notFound)).toBe("Wilayah tidak ditemukan");
    await i18n.changeLanguage("en");
    expect(errorText(i18n.t.bind(i18n), notFound)).toBe("Region not found");
    await i18n.changeLanguage("id");
  });

  it("keeps the API's message for a code it does not know", () => {
    const odd = new ApiError("Sesuatu yang baru (something new)", 418, "brand_new_code");
    expect(errorText(t, odd)).toBe("Sesuatu yang baru (something new)");
    expect(errorText(t, new Error("boom"))).toBe("boom");
    expect(errorText(t, null)).toBe("Terjadi kesalahan");
  });
});

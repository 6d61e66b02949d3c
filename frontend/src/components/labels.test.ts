import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { answerTypeLabel, levelLabel, periodStateLabel } from "./labels";

describe("labels", () => {
  it("translates region levels", async () => {
    const t = i18n.t.bind(i18n);
    expect(levelLabel(t, "province")).toBe("Provinsi");
    expect(levelLabel(t, "regency")).toBe("Kabupaten");
    expect(levelLabel(t, "city")).toBe("Kota");
    await i18n.changeLanguage("en");
    expect(levelLabel(i18n.t.bind(i18n), "regency")).toBe("Regency");
  });

  it("translates period states and answer types", () => {
    const t = i18n.t.bind(i18n);
    expect(periodStateLabel(t, "planned")).toBe("Direncanakan");
    expect(periodStateLabel(t, "open")).toBe("Dibuka");
    expect(periodStateLabel(t, "closed")).toBe("Ditutup");
    expect(answerTypeLabel(t, "yes_no")).toBe("Ya/Tidak");
  });

  it("shows an unknown value as sent", () => {
    expect(levelLabel(i18n.t.bind(i18n), "village")).toBe("village");
  });
});

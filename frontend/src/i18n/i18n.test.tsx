import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Layout } from "../components/Layout";
import { renderWithProviders } from "../test/utils";
import i18n, { LANGUAGE_STORAGE_KEY, readStoredLanguage, setLanguage } from ".";
import en from "./en.json";
import id from "./id.json";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("i18n", () => {
  it("starts in Bahasa Indonesia", () => {
    renderWithProviders(<Layout />);
    expect(screen.getByText("Kesiapan Pemerintah Daerah mendukung Pemilu")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Wilayah" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("id");
  });

  it("switches to English, persists the choice and updates <html lang>", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Layout />);

    await user.click(screen.getByRole("button", { name: "English" }));

    expect(screen.getByText("Regional government readiness to support elections")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Regions" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");

    await user.click(screen.getByRole("button", { name: "Bahasa Indonesia" }));
    expect(screen.getByRole("link", { name: "Dasbor" })).toBeInTheDocument();
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("id");
    expect(document.documentElement.lang).toBe("id");
  });

  it("reads the stored language, falling back to Indonesian", async () => {
    expect(readStoredLanguage()).toBe("id");
    await setLanguage("en");
    expect(readStoredLanguage()).toBe("en");
    localStorage.setItem(LANGUAGE_STORAGE_KEY, "fr");
    expect(readStoredLanguage()).toBe("id");
    expect(i18n.language).toBe("en");
  });

  it("has the same keys in both languages", () => {
    expect(keys(en).sort()).toEqual(keys(id).sort());
  });
});

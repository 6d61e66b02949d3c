import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Layout } from "./Layout";
import { initials } from "./UserMenu";
import { adminMe, renderWithProviders, viewerMe } from "../test/utils";

const operatorMe = {
  ...viewerMe,
  username: "operator.64.72.kesbangpol",
  full_name: "Operator Kesbangpol Kota Samarinda",
  role: "operator" as const,
  region_code: "64.72",
  region_name: "Kota Samarinda",
  agency_code: "64.72.kesbangpol",
  agency_name: "Kesbangpol Kota Samarinda",
  capabilities: ["read" as const, "answer" as const],
};

/** The menu's groups as "name: link, link", in order. */
function menu(): string[] {
  const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
  return within(nav)
    .getAllByRole("list")
    .filter((list) => list.hasAttribute("aria-labelledby"))
    .map((list) => {
      const name = document.getElementById(list.getAttribute("aria-labelledby")!)!.textContent;
      const links = within(list).getAllByRole("link").map((link) => link.textContent);
      return `${name}: ${links.join(", ")}`;
    });
}

describe("navigation grouped by role", () => {
  it("gives a viewer one group, without work or admin links", () => {
    renderWithProviders(<Layout />, { session: viewerMe });
    expect(menu()).toEqual(["Pantau: Dasbor, Laporan, Laporan cepat, Wilayah, Kerangka, Periode"]);
  });

  it("gives an operator its tasks, its Pemda's reports (to follow up recommendations), and a Kesbangpol operator the quick reports", () => {
    renderWithProviders(<Layout />, { session: operatorMe });
    expect(menu()).toEqual(["Kerja: Tugas, Laporan, Laporan cepat", "Pantau: Dasbor, Wilayah, Kerangka, Periode"]);
  });

  it("gives an operator of another agency no quick reports", () => {
    renderWithProviders(<Layout />, { session: { ...operatorMe, agency_code: "64.72.bpkad" } });
    expect(menu()).toEqual(["Kerja: Tugas, Laporan", "Pantau: Dasbor, Wilayah, Kerangka, Periode"]);
  });

  it("gives an administrator three groups of thirteen links; About is in the footer", () => {
    renderWithProviders(<Layout />, { session: adminMe });
    expect(menu()).toEqual([
      "Kerja: Tugas, Verifikasi, Laporan, Laporan cepat, Impor data",
      "Pantau: Dasbor, Wilayah, Kerangka, Periode",
      "Admin: Pengguna, Kunci API, Webhook, Audit",
    ]);
    const footer = screen.getByRole("contentinfo");
    expect(within(footer).getByRole("link", { name: "Tentang" })).toHaveAttribute("href", "/tentang");
  });

  it("shows no menu and no menu button before signing in", () => {
    renderWithProviders(<Layout />, { route: "/masuk", session: "fetch" });
    expect(screen.queryByRole("navigation", { name: "Navigasi utama" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Menu" })).not.toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Bahasa" })).toBeInTheDocument();
  });
});

describe("phone menu sheet", () => {
  it("opens with one tap, closes with Escape and gives focus back", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Layout />, { session: viewerMe });
    const button = screen.getByRole("button", { name: "Menu" });
    const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(button).toHaveAttribute("aria-controls", nav.id);
    expect(nav).not.toHaveClass("nav-open");

    await user.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(nav).toHaveClass("nav-open");
    expect(within(nav).getByRole("link", { name: "Dasbor" })).toHaveFocus();
    // The page behind the sheet is out of reach meanwhile.
    expect(document.getElementById("main")).toHaveAttribute("inert");

    await user.keyboard("{Escape}");
    expect(nav).not.toHaveClass("nav-open");
    expect(button).toHaveFocus();
    expect(document.getElementById("main")).not.toHaveAttribute("inert");
  });

  it("closes when a link is followed, or with its close button", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Layout />, { route: "/dasbor", session: viewerMe });
    const button = screen.getByRole("button", { name: "Menu" });
    const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
    await user.click(button);
    await user.click(within(nav).getByRole("link", { name: "Wilayah" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/wilayah");
    expect(nav).not.toHaveClass("nav-open");

    await user.click(button);
    await user.click(within(nav).getByRole("button", { name: "Tutup menu" }));
    expect(nav).not.toHaveClass("nav-open");
    expect(button).toHaveFocus();
  });
});

describe("account menu", () => {
  it("folds the account behind a button with the initials, named for screen readers", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Layout />, { session: operatorMe });
    const toggle = screen.getByRole("button", { name: "Akun: Operator Kesbangpol Kota Samarinda" });
    expect(toggle).toHaveTextContent("OK");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const panel = document.getElementById(toggle.getAttribute("aria-controls")!)!;
    expect(within(panel).getByRole("button", { name: "Keluar" })).toBeInTheDocument();
    expect(within(panel).getByRole("group", { name: "Bahasa" })).toBeInTheDocument();
    expect(within(panel).getByText("Kesbangpol Kota Samarinda")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(toggle).toHaveFocus();
  });

  it("closes when the page outside it is tapped", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Layout />, { session: viewerMe });
    const toggle = screen.getByRole("button", { name: /^Akun:/ });
    await user.click(toggle);
    await user.click(screen.getByRole("main"));
    expect(toggle).toHaveAttribute("aria-expanded", "false");
  });

  it("makes initials from names and usernames", () => {
    expect(initials("Pemantau Kalimantan Timur")).toBe("PK");
    expect(initials("verifikator.64")).toBe("V6");
    expect(initials("admin")).toBe("A");
    expect(initials("")).toBe("");
  });
});

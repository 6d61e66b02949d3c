import { expect, test } from "@playwright/test";
import { VIEWER, login } from "./helpers";

test("a viewer signs in, switches to English, signs out; a wrong password is refused", async ({ page }) => {
  await login(page, VIEWER);
  const header = page.getByRole("banner");
  await expect(header).toContainText("Pemantau Provinsi Kalimantan Timur");
  await expect(header).toContainText("Pemantau");
  const nav = page.getByRole("navigation", { name: "Navigasi utama" });
  await expect(nav.getByRole("link", { name: "Wilayah" })).toBeVisible();
  // A viewer neither answers nor verifies.
  await expect(nav.getByRole("link", { name: "Tugas" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Verifikasi" })).toHaveCount(0);

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Regions" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/masuk$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // Back to Indonesian; then a wrong password.
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await page.getByLabel("Nama pengguna").fill(VIEWER);
  await page.getByLabel("Kata sandi").fill("salah-sekali");
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("Nama pengguna atau kata sandi salah.");
  await expect(page).toHaveURL(/\/masuk/);
  await expect(page.getByRole("button", { name: "Keluar" })).toHaveCount(0);
});

test("a guarded page sends a visitor to the login page and back", async ({ page }) => {
  await page.goto("/periode");
  await expect(page).toHaveURL(/\/masuk\?next=%2Fperiode$/);
  await page.getByLabel("Nama pengguna").fill(VIEWER);
  await page.getByLabel("Kata sandi").fill("siaga-demo-2024");
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await expect(page).toHaveURL(/\/periode$/);
  await expect(page.getByRole("heading", { name: "Periode", level: 1 })).toBeVisible();
});

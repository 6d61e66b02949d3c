import { expect, test } from "@playwright/test";
import { PASSWORD, VERIFIER } from "./helpers";

// The e2e server is a development installation with the demo data (scripts/e2e-server.sh).
test("the sign-in page names the demo accounts that GET /instance lists", async ({ page }) => {
  const instance = page.waitForResponse((r) => r.url().endsWith("/api/v1/instance") && r.ok());
  await page.goto("/masuk");
  const body = (await (await instance).json()) as { name: string; demo_accounts: { username: string }[] };
  expect(body.demo_accounts.map((a) => a.username)).toEqual([
    "admin",
    "verifikator.nasional",
    "verifikator.64",
    "koordinator.64.72",
    "pemantau.64",
    "operator.64.72.kesbangpol",
  ]);

  await expect(page.getByText(`Masuk dengan akun ${body.name} Anda`)).toBeVisible();
  const demo = page.locator("section.demo-accounts");
  await expect(demo.getByRole("heading", { name: "Akun demo" })).toBeVisible();
  await expect(demo.getByRole("listitem")).toHaveText([
    "admin — Administrator, nasional",
    "verifikator.nasional — Verifikator, nasional",
    "verifikator.64 — Verifikator, Kalimantan Timur",
    "koordinator.64.72 — Koordinator, Kota Samarinda",
    "pemantau.64 — Pemantau, Kalimantan Timur",
    /^operator\.64\.72\.kesbangpol — Operator, /,
  ]);
  await expect(demo).toContainText(`Kata sandi semua akun demo: ${PASSWORD}`);
  await page.screenshot({ path: test.info().outputPath("sign-in.png"), fullPage: true });

  // What the hint says works.
  await page.getByLabel("Nama pengguna").fill(VERIFIER);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await expect(page.getByRole("button", { name: "Keluar" })).toBeVisible();
});

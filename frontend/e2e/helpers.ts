import { expect, type Page } from "@playwright/test";

export const PASSWORD = "siaga-demo-2024";
export const OPERATOR = "operator.64.72.kesbangpol";
export const VERIFIER = "verifikator.64";
export const VIEWER = "pemantau.64";
export const NATIONAL_VERIFIER = "verifikator.nasional";
export const COORDINATOR = "koordinator.64.72";

/**
 * Signs in through the login page (Indonesian UI) and waits for the header: its
 * "Keluar" button or, on a phone, the account button that holds it.
 */
export async function login(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto("/masuk");
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi").fill(password);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  const signedIn = page.getByRole("button", { name: "Keluar" }).or(page.getByRole("button", { name: /^Akun:/ }));
  await expect(signedIn.filter({ visible: true }).first()).toBeVisible();
}

export async function logout(page: Page): Promise<void> {
  // On a phone "Keluar" is in the account menu.
  const account = page.getByRole("button", { name: /^Akun:/ });
  if (await account.isVisible()) await account.click();
  await page.getByRole("button", { name: "Keluar" }).click();
  await expect(page).toHaveURL(/\/masuk$/);
}

/** Whether the running API has the evidence endpoints (they came after the answer workflow). */
export async function hasEvidenceApi(page: Page): Promise<boolean> {
  const response = await page.request.get("/api/v1/openapi.json");
  if (!response.ok()) return false;
  const spec = (await response.json()) as { paths?: Record<string, unknown> };
  return Boolean(spec.paths?.["/api/v1/submissions/{period}/{region}/{indicator}/evidence"]);
}

/** A minimal PDF the API's content sniffing accepts. */
export const MINIMAL_PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");

export type AnswerType = "level" | "yes_no" | "percent" | "count";

/** Fills the value control for the answer type; `variant` picks a different valid value. */
export async function fillValue(page: Page, type: AnswerType, variant: 0 | 1): Promise<void> {
  switch (type) {
    case "level":
      await page.getByRole("radio", { name: new RegExp(`^${variant ? 3 : 2} — `) }).check();
      break;
    case "yes_no":
      await page.getByRole("radio", { name: variant ? "Ya" : "Tidak", exact: true }).check();
      break;
    case "percent":
      await page.getByLabel("Persentase (0–100)").fill(variant ? "80" : "55.5");
      break;
    case "count":
      await page.getByLabel("Jumlah", { exact: true }).fill(variant ? "4" : "2");
      break;
  }
}

import { expect, test } from "@playwright/test";
import { OPERATOR, VERIFIER, login, logout } from "./helpers";

interface Summary {
  period: string;
  region: string;
  indicator: string;
  indicator_name: string;
  agency: string | null;
}

// 2023-Q4 is open in the demo. The workflow spec works there too, on a task not started
// yet, so the submitted answer picked here is never the one it writes.
const PERIOD = "2023-Q4";
const AGENCY = OPERATOR.replace(/^operator\./, "");
const TOO_SHORT = "Unggah SK-nya.";
const REASON = "SK penetapan tim belum ditandatangani kepala daerah; unggah versi bertanda tangan.";

test("a verifier returns an answer with a reason the agency can act on, and both see it returned", async ({ page }) => {
  // A submitted demo answer of the demo operator's agency, so the operator can look too.
  await login(page, VERIFIER);
  const response = await page.request.get(`/api/v1/submissions?period=${PERIOD}&status=submitted&agency=${AGENCY}&limit=1`);
  expect(response.ok()).toBe(true);
  const [answer] = ((await response.json()) as { items: Summary[] }).items;
  expect(answer, "the demo has a submitted answer of this agency in 2023-Q4").toBeDefined();
  const { region, indicator, indicator_name } = answer!;

  await page.goto(`/verifikasi/${PERIOD}/${region}/${indicator}`);
  await expect(page.getByRole("heading", { level: 1, name: indicator_name })).toBeVisible();
  await page.getByRole("button", { name: "Kembalikan", exact: true }).click();

  // The rule is on screen before anything is sent; a too-short reason cannot be sent.
  const reason = page.getByLabel("Alasan pengembalian");
  const send = page.getByRole("button", { name: "Kembalikan jawaban" });
  await expect(page.getByText(/Wajib, minimal 15 karakter/)).toBeVisible();
  await expect(send).toBeDisabled();
  await reason.fill(TOO_SHORT);
  await expect(page.getByText("14 karakter (minimal 15)")).toBeVisible();
  await expect(send).toBeDisabled();
  // Padding with spaces does not get it past the rule.
  await reason.fill(`   ${TOO_SHORT}      `);
  await expect(page.getByText("14 karakter (minimal 15)")).toBeVisible();
  await expect(send).toBeDisabled();
  await page.locator(".reason-form").screenshot({ path: test.info().outputPath("reason-too-short.png") });

  await reason.fill(REASON);
  await expect(send).toBeEnabled();
  await send.click();
  await expect(page.getByText("Jawaban dikembalikan ke perangkat daerah.")).toBeVisible();

  // The verifier sees the answer as returned, with the reason: not as "not submitted yet".
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  const notice = page.locator(".returned-reason");
  await expect(notice).toContainText("Dikembalikan ke perangkat daerah");
  await expect(notice).toContainText(REASON);
  await expect(page.getByText(/belum dikirim/)).toHaveCount(0);
  // And still after a reload, from the server's state.
  await page.reload();
  await expect(page.locator(".returned-reason")).toContainText(REASON);
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  await page.screenshot({ path: test.info().outputPath("verifier-returned.png"), fullPage: true });
  await logout(page);

  // The operator sees the same: returned, and why.
  await login(page, OPERATOR);
  await page.goto(`/tugas/${PERIOD}/${region}/${indicator}`);
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  await expect(page.locator(".returned-reason")).toContainText("Dikembalikan oleh verifikator");
  await expect(page.locator(".returned-reason")).toContainText(REASON);
});

test("the verification queue starts with open periods and counts what waits per Pemda", async ({ page }) => {
  await login(page, VERIFIER);
  const periods = await page.request.get("/api/v1/periods?state=open&limit=500");
  const open = new Set(((await periods.json()) as { items: { code: string }[] }).items.map((p) => p.code));
  await page.getByRole("link", { name: "Verifikasi", exact: true }).click();
  // The dashboard it leaves has a period picker too: wait for the queue itself.
  await expect(page).toHaveURL(/\/verifikasi/);
  await expect(page.getByRole("heading", { level: 1, name: /Verifikasi/ })).toBeVisible();
  await expect(page.getByLabel("Periode", { exact: true })).toHaveValue("");
  const first = page.locator("tbody tr").first();
  await expect(first).toBeVisible();
  // The period code sits under the indicator link; the oldest closed leftover is not on top.
  const firstPeriod = (await first.locator("td").nth(1).locator(".mono").last().textContent())?.trim() ?? "";
  expect(open.has(firstPeriod), `${firstPeriod} is an open period`).toBe(true);

  const counts = page.getByRole("navigation", { name: "Menunggu per Pemda" });
  const chip = counts.getByRole("button").first();
  await expect(chip).toHaveText(/^.+ \(\d[\d.]*\)$/);
  await chip.click();
  await expect(page).toHaveURL(/[?&]region=\d/);
  await expect(chip).toHaveAttribute("aria-pressed", "true");
});

import { type Page, expect, test } from "@playwright/test";
import { login } from "./helpers";

// Imports, exports and the quarterly report against the demo data, as the
// national administrator. 2024-Q1 is an open period, so answers can be imported.
const ADMIN = "admin";
const OPEN = "2024-Q1";
const PROVINCE = "64";

interface Explanation {
  dimensions: { indicators: { indicator: string; status: string | null }[] }[];
}

// The server sends a strict Content-Security-Policy; the browser reports what it
// refuses on the console, so any report is a failure.
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return violations;
}

/** A Pemda of the province with two indicators not yet answered in the open period (not Samarinda, which other specs answer). */
async function unansweredPair(page: Page): Promise<{ region: string; indicators: [string, string] }> {
  const scores = await page.request.get(`/api/v1/scores?period=${OPEN}&region=${PROVINCE}&view=provisional`);
  expect(scores.ok()).toBe(true);
  const table = (await scores.json()) as { items: { region: string }[] };
  const pemda = table.items.map((i) => i.region).filter((r) => r !== PROVINCE && r !== "64.72");
  for (const region of pemda.reverse()) {
    const response = await page.request.get(`/api/v1/scores/${region}/${OPEN}?view=provisional`);
    expect(response.ok()).toBe(true);
    const explanation = (await response.json()) as Explanation;
    const open = explanation.dimensions.flatMap((d) => d.indicators).filter((i) => i.status === null);
    if (open.length >= 2) return { region, indicators: [open[0]!.indicator, open[1]!.indicator] };
  }
  throw new Error("no Pemda with two unanswered indicators in the demo data");
}

function answersCsv(rows: string[][]): { name: string; mimeType: string; buffer: Buffer } {
  const lines = [["period", "region", "indicator", "value", "narrative", "status"], ...rows].map((r) => r.join(","));
  return { name: "jawaban-e2e.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n", "utf8") };
}

test("admin: dry run with an error row, fix, confirm; exports and the report download", async ({ page }) => {
  test.slow();
  const violations = cspViolations(page);
  await login(page, ADMIN);
  const { region, indicators } = await unansweredPair(page);
  // "1" and "0" are valid for every answer type (level, yes/no, percent, count).
  const good = (indicator: string, value: string) => [OPEN, region, indicator, value, "Impor e2e", "draft"];

  // 1. The page, from the navigation (administrators only).
  await page.getByRole("link", { name: "Impor data" }).click();
  await expect(page).toHaveURL(/\/admin\/impor$/);
  await expect(page.getByRole("heading", { level: 1, name: "Impor data" })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Jawaban" })).toBeChecked();
  const template = await page.request.get((await page.getByTestId("template-link").getAttribute("href"))!);
  expect(template.status()).toBe(200);
  expect(template.headers()["content-type"]).toContain("spreadsheetml");

  // 2. A file with one bad row: the dry run shows it, confirming is impossible.
  const chooser = page.getByLabel("Pilih berkas");
  await chooser.setInputFiles(answersCsv([good(indicators[0], "1"), [OPEN, region, indicators[1], "sembilan", "Salah", "draft"]]));
  const result = page.getByTestId("import-result");
  await expect(result.getByTestId("import-status")).toContainText("Ditemukan 1 kesalahan pada 1 baris");
  const errorRow = page.locator('[data-testid="import-rows"] tr.row-error');
  await expect(errorRow).toHaveCount(1);
  await expect(errorRow).toHaveAttribute("data-row", "3");
  await expect(errorRow).toContainText("value");
  await expect(errorRow).toContainText("Kesalahan");
  await expect(page.getByRole("button", { name: "Konfirmasi impor" })).toBeDisabled();
  const errorsCsv = await page.request.get((await result.getByRole("link", { name: /daftar kesalahan/ }).getAttribute("href"))!);
  expect(errorsCsv.status()).toBe(200);
  expect(errorsCsv.headers()["content-type"]).toContain("text/csv");
  expect(await errorsCsv.text()).toContain("row;column;code;message;message_en");

  // 3. Fixed: a clean dry run, then the real import.
  await chooser.setInputFiles(answersCsv([good(indicators[0], "1"), good(indicators[1], "1")]));
  await expect(result.getByTestId("import-status")).toContainText("Tidak ada kesalahan pada 2 baris");
  await expect(result.getByTestId("count-created")).toHaveText("2");
  await expect(page.locator('[data-testid="import-rows"] tr.row-error')).toHaveCount(0);
  await page.getByRole("button", { name: "Konfirmasi impor" }).click();
  await expect(page.getByRole("heading", { name: "Hasil impor" })).toBeVisible();
  await expect(result.getByTestId("import-status")).toContainText("Impor berhasil: 2 baris diproses");
  await expect(result.getByTestId("count-created")).toHaveText("2");
  await expect(result.getByTestId("count-updated")).toHaveText("0");

  // 4. The same answers changed: updated; the history lists the batches.
  await page.getByRole("button", { name: "Impor berkas lain" }).click();
  await chooser.setInputFiles(answersCsv([good(indicators[0], "0"), good(indicators[1], "1")]));
  await expect(result.getByTestId("count-updated")).toHaveText("1");
  await expect(result.getByTestId("count-unchanged")).toHaveText("1");
  await page.getByRole("button", { name: "Konfirmasi impor" }).click();
  await expect(result.getByTestId("import-status")).toContainText("Impor berhasil");
  await expect(result.getByTestId("count-updated")).toHaveText("1");
  const history = page.getByTestId("import-history");
  // Two dry runs with errors/clean, a real run, a dry run, a real run: newest first.
  await expect(history.locator("tbody tr").first()).toContainText("Berhasil");
  // The list refetches after the import: wait for the real run's row (a dry run above it
  // reads "Berhasil" too).
  await expect.poll(() => history.locator("tbody tr").count()).toBeGreaterThanOrEqual(5);
  // Phone width: the page reflows, only tables scroll inside their own box.
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByRole("button", { name: "Impor berkas lain" })).toBeVisible();
  expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
  await page.setViewportSize({ width: 1280, height: 800 });
  await history.locator("tbody tr").first().getByRole("link").click();
  await expect(page).toHaveURL(/\/admin\/impor\/\d+$/);
  await expect(page.getByTestId("import-status")).toContainText("Impor berhasil");

  // 5. Exports and the report from the dashboard's links.
  await page.goto(`/dasbor?region=${PROVINCE}&period=${OPEN}`);
  const downloads = page.getByTestId("export-links");
  await expect(downloads).toBeVisible();
  const answersLink = downloads.getByRole("link", { name: "Unduh CSV — Jawaban" });
  const answersHref = await answersLink.getAttribute("href");
  // Indonesian UI: the CSV is spelled for Indonesian Excel (semicolons, decimal comma, BOM).
  expect(answersHref).toBe(`/api/v1/exports/submissions.csv?period=${OPEN}&region=${PROVINCE}&locale=id`);
  const answers = await page.request.get(answersHref!);
  expect(answers.status()).toBe(200);
  expect(answers.headers()["content-type"]).toContain("text/csv");
  const answersBody = await answers.body();
  expect([...answersBody.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(answersBody.toString("utf8")).toContain("period;region;region_name;");
  expect(answersBody.toString("utf8")).toContain(`${region}`);
  const scores = await page.request.get((await downloads.getByRole("link", { name: "Unduh XLSX — Skor kesiapan" }).getAttribute("href"))!);
  expect(scores.status()).toBe(200);
  expect(scores.headers()["content-type"]).toContain("spreadsheetml");
  const reportHref = await downloads.getByRole("link", { name: "Laporan triwulanan (PDF)" }).getAttribute("href");
  expect(reportHref).toBe(`/api/v1/reports/${PROVINCE}/${OPEN}.pdf`);
  const report = await page.request.get(reportHref!);
  expect(report.status()).toBe(200);
  expect(report.headers()["content-type"]).toContain("application/pdf");
  expect((await report.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  expect(violations).toEqual([]);
});

import { type Locator, type Page, expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { login } from "./helpers";

// Issue 16, items 11 and 16: the Indonesian UI names codes in Indonesian (import
// errors, 404s, audit actions), the audit filter reads dates as an Indonesian writes
// them, the audit trail downloads with the filters shown, and the small things.
const ADMIN = "admin";
const CLOSED = "2023-Q3";
const REGION = "64.72";

interface Explanation {
  dimensions: { indicators: { indicator: string }[] }[];
}

/** How far a box's text sits from the box's vertical centre, in CSS pixels. */
async function textOffCentre(box: Locator): Promise<number> {
  return box.evaluate((element) => {
    const range = element.ownerDocument.createRange();
    range.selectNodeContents(element);
    const rects = [...range.getClientRects()].filter((r) => r.height > 0 && r.width > 1);
    const outer = element.getBoundingClientRect();
    const text = rects[0]!;
    return Math.abs(text.top + text.height / 2 - (outer.top + outer.height / 2));
  });
}

async function visibleText(page: Page): Promise<string> {
  return page.locator("main").innerText();
}

test("admin in Indonesian: import errors, a 404 and the audit trail read as Indonesian; the trail downloads", async ({ page }) => {
  test.slow();
  await login(page, ADMIN);

  // 1. An import into a closed period: the row's problem in words, the state in Indonesian.
  const explanation = await page.request.get(`/api/v1/scores/${REGION}/${CLOSED}`);
  expect(explanation.ok()).toBe(true);
  const indicator = ((await explanation.json()) as Explanation).dimensions[0]!.indicators[0]!.indicator;
  await page.goto("/admin/impor");
  const csv = `period,region,indicator,value,narrative,status\n${CLOSED},${REGION},${indicator},1,Terlambat,draft\n`;
  await page.getByLabel("Pilih berkas").setInputFiles({ name: "tertutup.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const errorRow = page.locator('[data-testid="import-rows"] tr.row-error');
  await expect(errorRow).toHaveCount(1);
  await expect(errorRow).toContainText("Periode tidak sedang dibuka");
  await expect(errorRow).toContainText("statusnya ditutup");
  const rowText = await errorRow.innerText();
  expect(rowText).not.toContain("period_not_open");
  expect(rowText).not.toMatch(/\bclosed\b/);

  // 2. A region that does not exist: an Indonesian sentence, no English in brackets.
  await page.goto("/wilayah/99.99");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Wilayah tidak ditemukan");
  await expect(alert).not.toContainText("region not found");

  // 3. The audit trail: actions and subjects in words, never a raw action name.
  await page.goto("/admin/audit");
  const table = page.locator("table.audit");
  await expect(table).toBeVisible();
  await expect(table.getByRole("cell", { name: "Masuk", exact: true }).first()).toBeVisible();
  const text = await visibleText(page);
  for (const raw of ["auth.login", "user.create", "submission.", "authz."]) expect(text).not.toContain(raw);
  // Every header reads whole: none is cut off or overflows its cell.
  const headers = table.locator("thead th");
  for (let i = 0; i < (await headers.count()); i++) {
    const fits = await headers.nth(i).evaluate((th) => th.scrollWidth <= th.clientWidth + 1);
    expect(fits).toBe(true);
  }

  // 4. Dates are written day first with the Indonesian time separator, whatever the OS.
  await page.getByLabel("Sejak").fill("1/1/2020 8.00");
  await page.getByRole("button", { name: "Terapkan" }).click();
  await expect(page).toHaveURL(/since=2020-01-01T08%3A00/);
  await expect(page.getByLabel("Sejak")).toHaveValue("01/01/2020 08.00");
  await page.getByLabel("Sampai sebelum").fill("kemarin");
  await page.getByRole("button", { name: "Terapkan" }).click();
  await expect(page.getByText("Tanggal tidak dikenali")).toBeVisible();
  await page.getByLabel("Sampai sebelum").fill("");

  // 5. The export takes the filters shown, as a file Indonesian Excel opens in columns.
  await page.getByLabel("Tindakan").selectOption({ label: "Masuk" });
  await expect(page).toHaveURL(/action=auth\.login/);
  const exportPanel = page.getByTestId("audit-export");
  await expect(exportPanel).toContainText("Ekspor jejak audit");
  const csvLink = exportPanel.getByRole("link", { name: /Unduh CSV/ });
  expect(await textOffCentre(csvLink)).toBeLessThanOrEqual(2);
  const [download] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^siaga-audit-nasional-\d{8}-\d{4}\.csv$/);
  const content = readFileSync((await download.path())!, "utf8");
  expect(content.startsWith("\ufeffid;occurred_at;actor;action;outcome;")).toBe(true);
  const lines = content.trim().split("\r\n").slice(1);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line.split(";")[3]).toBe("auth.login");
  const [workbook] = await Promise.all([
    page.waitForEvent("download"),
    exportPanel.getByRole("link", { name: /Unduh XLSX/ }).click(),
  ]);
  expect(workbook.suggestedFilename()).toMatch(/\.xlsx$/);
  // The download is itself on record.
  await page.getByLabel("Tindakan").selectOption({ label: "Jejak audit diekspor" });
  await expect(table.getByRole("cell", { name: "Jejak audit diekspor" }).first()).toBeVisible();
});

test("the about page has its heading, and buttons centre their text", async ({ page }) => {
  await login(page, ADMIN);
  await page.goto("/tentang");
  await expect(page.getByRole("heading", { level: 1, name: "Tentang Siaga" })).toBeVisible();
  await expect(page).toHaveTitle(/Tentang Siaga/);
  // A link styled as a button and a real button: text centred, same height.
  await page.goto("/admin/audit");
  const apply = page.getByRole("button", { name: "Terapkan" });
  await expect(apply).toBeVisible();
  expect(await textOffCentre(apply)).toBeLessThanOrEqual(2);
  const link = page.getByTestId("audit-export").getByRole("link", { name: /Unduh XLSX/ });
  expect(await textOffCentre(link)).toBeLessThanOrEqual(2);
  const small = page.locator("button.button-small").first();
  if ((await small.count()) > 0) {
    const [a, b] = await Promise.all([link.boundingBox(), small.boundingBox()]);
    expect(Math.abs(a!.height - b!.height)).toBeLessThanOrEqual(1);
  }
  // Phone width: the filters and the export reflow without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("audit-export")).toBeVisible();
  expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
});

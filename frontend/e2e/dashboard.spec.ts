import { type Page, expect, test } from "@playwright/test";
import { VIEWER, login } from "./helpers";

// The readiness dashboard with the demo data: Kalimantan Timur (64) and its
// 10 regencies/cities; 2023-Q1..Q3 closed, 2023-Q4 and 2024-Q1 open.
const CLOSED = "2023-Q3";
const OPEN = "2024-Q1";
const SAMARINDA = "64.72";
const ROWS = '[data-testid="ranking"] tbody tr';

interface Explanation {
  dimensions: { indicators: { indicator: string; name: string; status: string | null; evidence_count: number }[] }[];
}

// The server sends a strict Content-Security-Policy (backend core/headers.py); the
// browser reports what it refuses on the console, so any report is a failure.
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return violations;
}

test("viewer: dashboard, period and language, region explanation, evidence PDF", async ({ page }) => {
  test.slow();
  const violations = cspViolations(page);
  await login(page, VIEWER);
  await expect(page).toHaveURL(/\/dasbor$/);
  await expect(page.locator(ROWS).first()).toBeVisible();

  // 1. The default period is the latest closed one: the province and its 10 Pemda.
  await expect(page.getByRole("heading", { level: 1, name: "Dasbor kesiapan" })).toBeVisible();
  await expect(page.getByLabel("Periode", { exact: true })).toHaveValue(CLOSED);
  await expect(page.locator(ROWS)).toHaveCount(11);
  const samarinda = page.locator(`${ROWS}[data-region="${SAMARINDA}"]`);
  await expect(samarinda).toContainText("Kota Samarinda");
  await expect(samarinda).toContainText(/\d+,\d{2}/);
  await expect(samarinda).toContainText(/Siap|Cukup Siap|Kurang Siap|Belum Siap/);
  // The map: ECharts when boundaries are loaded, else the tile grid — never an empty box.
  const outlines = await page.request.get("/api/v1/regions/boundaries?parent=64");
  const features = outlines.ok() ? ((await outlines.json()) as { features: unknown[] }).features.length : 0;
  if (features > 0) {
    await expect(page.getByTestId("choropleth").locator("canvas")).toBeVisible();
    await expect(page.getByTestId("choropleth")).toHaveAttribute("aria-busy", "false");
  } else {
    await expect(page.getByTestId("tile-grid").getByRole("link")).toHaveCount(10);
  }
  test.info().annotations.push({ type: "map", description: features > 0 ? `echarts (${features} outlines)` : "tile grid" });
  const closedR = (await samarinda.locator("td").nth(2).textContent())?.trim();

  // 2. Switch the period: the URL keeps it and the scores change.
  await page.getByLabel("Periode", { exact: true }).selectOption(OPEN);
  await expect(page).toHaveURL(new RegExp(`period=${OPEN}`));
  await expect(samarinda.locator("td").nth(2)).not.toHaveText(closedR ?? "");
  // The provisional view of an open period counts unverified answers too.
  await page.getByLabel("Tampilan", { exact: true }).selectOption("provisional");
  await expect(page).toHaveURL(/view=provisional/);

  // 3. Switch the language: labels change, the data stays.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Readiness dashboard" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Completeness/ })).toBeVisible();
  await expect(page.getByLabel("Period", { exact: true })).toHaveValue(OPEN);
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dasbor kesiapan" })).toBeVisible();

  // 4. Back to the closed period, official view (a shared link), then open Kota Samarinda.
  await page.goto(`/dasbor?period=${CLOSED}&sort=name`);
  await expect(page.getByRole("columnheader", { name: /^Nama/ })).toHaveAttribute("aria-sort", "ascending");
  await samarinda.getByRole("link", { name: "Kota Samarinda" }).click();
  await expect(page).toHaveURL(new RegExp(`/wilayah/${SAMARINDA.replace(".", "\\.")}\\?period=${CLOSED}$`));
  await expect(page.getByRole("heading", { level: 1, name: /Kota Samarinda/ })).toBeVisible();
  await expect(page.getByTestId("readiness")).toHaveText(closedR ?? "");
  await expect(page.getByTestId("agency-progress")).toBeVisible();
  // (The URL update is a router transition, so the checkbox follows a moment later.)
  await page.getByLabel("Terlemah lebih dulu").click();
  await expect(page).toHaveURL(/order=weakest/);
  await expect(page.getByLabel("Terlemah lebih dulu")).toBeChecked();

  // 5. Follow a verified indicator with evidence to its answer, then its evidence.
  const response = await page.request.get(`/api/v1/scores/${SAMARINDA}/${CLOSED}`);
  expect(response.ok()).toBe(true);
  const explanation = (await response.json()) as Explanation;
  const indicator = explanation.dimensions
    .flatMap((d) => d.indicators)
    .find((i) => i.status === "verified" && i.evidence_count > 0);
  expect(indicator, "a verified demo answer with evidence").toBeTruthy();
  const row = page.locator(`[data-testid="explanation"] tr[data-indicator="${indicator!.indicator}"]`);
  await expect(row).toContainText("Terverifikasi");
  await row.getByRole("link", { name: `Buka jawaban ${indicator!.indicator}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: indicator!.name })).toBeVisible();
  const evidence = page.locator('a[href^="/api/v1/evidence/"]').first();
  await expect(evidence).toBeVisible();
  const href = await evidence.getAttribute("href");
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toContain("application/pdf");
  expect((await file.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  // The history is there too.
  await expect(page.getByRole("heading", { name: "Riwayat" })).toBeVisible();
  await page.getByRole("link", { name: /Kembali ke wilayah/ }).click();
  await expect(page.getByTestId("explanation")).toBeVisible();
  expect(violations).toEqual([]);
});

test("the ECharts choropleth loads lazily and draws when boundaries exist", async ({ page }) => {
  // Squares instead of the demo's outlines: the map must draw whatever shapes it gets.
  await login(page, VIEWER);
  const scores = await page.request.get(`/api/v1/scores?period=${CLOSED}&region=64`);
  const codes = ((await scores.json()) as { items: { region: string; name: string; level: string }[] }).items.filter(
    (i) => i.region !== "64",
  );
  const features = codes.map((item, n) => {
    const [x, y] = [116 + (n % 4) * 0.5, 1 - Math.floor(n / 4) * 0.5];
    return {
      type: "Feature",
      properties: { code: item.region, name: item.name, level: item.level },
      geometry: { type: "Polygon", coordinates: [[[x, y], [x + 0.45, y], [x + 0.45, y - 0.45], [x, y - 0.45], [x, y]]] },
    };
  });
  await page.route("**/api/v1/regions/boundaries?*", (route) =>
    route.fulfill({ json: { type: "FeatureCollection", features } }),
  );
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const violations = cspViolations(page);
  const chunk = page.waitForResponse((r) => /\/assets\/echartsMap-[\w-]+\.js$/.test(r.url()));

  await page.goto(`/dasbor?period=${CLOSED}`);
  expect((await chunk).ok()).toBe(true);
  const map = page.getByTestId("choropleth");
  await expect(map.locator("canvas")).toBeVisible();
  await expect(map).toHaveAttribute("aria-busy", "false");
  await expect(page.getByTestId("tile-grid")).toHaveCount(0);
  // The ranking table still carries the numbers for keyboard and screen-reader users.
  await expect(page.locator(ROWS)).toHaveCount(11);
  expect(errors).toEqual([]);
  // A tooltip is HTML with style attributes, the one inline thing the policy allows.
  await map.hover();
  await page.waitForTimeout(500);
  expect(violations).toEqual([]);
});

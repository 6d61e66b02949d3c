import { type Locator, type Page, expect, test } from "@playwright/test";
import { VIEWER, login } from "./helpers";

// Score views as a person sees them at 1366 px (issue 16, items 4–7): provisional
// figures said so, the traffic-light categories, the province's own score named apart
// from the regional mean, and a ranking that fits. Demo data: 2023-Q1..Q3 closed,
// 2023-Q4 and 2024-Q1 open.
const CLOSED = "2023-Q3";
const OPEN = "2024-Q1";
const ROWS = '[data-testid="ranking"] tbody tr';

// components/categoryColors.ts, as the browser reports them.
const TRAFFIC_LIGHT: Record<string, { fill: string; text: string; rgb: [number, number, number] }> = {
  siap: { fill: "rgb(26, 127, 55)", text: "rgb(255, 255, 255)", rgb: [26, 127, 55] },
  cukup_siap: { fill: "rgb(154, 205, 50)", text: "rgb(27, 31, 36)", rgb: [154, 205, 50] },
  kurang_siap: { fill: "rgb(242, 140, 40)", text: "rgb(27, 31, 36)", rgb: [242, 140, 40] },
  belum_siap: { fill: "rgb(198, 40, 40)", text: "rgb(255, 255, 255)", rgb: [198, 40, 40] },
};

test.use({ viewport: { width: 1366, height: 900 } });

/** Whether the element's content fits its box (no sideways scrolling). */
async function fits(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.scrollWidth <= element.clientWidth + 1);
}

async function pageFits(page: Page): Promise<boolean> {
  return Boolean(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"));
}

/** The RGB colours painted on the map canvas (canvas text and fills cannot be queried). */
async function mapColours(page: Page): Promise<Set<string>> {
  const colours = await page
    .getByTestId("choropleth")
    .locator("canvas")
    .first()
    .evaluate((element) => {
      // The e2e sources are compiled without the DOM library: the canvas, as far as used.
      const canvas = element as unknown as {
        width: number;
        height: number;
        getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
      };
      const data = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<string>();
      if (!data) return [];
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 255) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      }
      return [...seen];
    });
  return new Set(colours);
}

async function openDashboard(page: Page, period: string): Promise<void> {
  await page.goto(`/dasbor?period=${period}`);
  await expect(page.locator(ROWS).first()).toBeVisible();
  await expect(page.getByLabel("Periode", { exact: true })).toHaveValue(period);
}

test("scores at 1366 px: provisional notice, traffic light, own score vs regional mean, ranking fits", async ({
  page,
}) => {
  test.slow();
  await login(page, VIEWER);

  // 1. A closed period: final figures, no notice; changes against the closed 2023-Q2.
  await openDashboard(page, CLOSED);
  await expect(page.getByTestId("provisional-notice")).toHaveCount(0);
  await expect(page.getByText("Angka sementara, triwulan belum ditutup")).toHaveCount(0);
  await expect(page.getByRole("columnheader", { name: "Perubahan sejak 2023-Q2", exact: true })).toBeVisible();
  await expect(page.locator(`${ROWS} .change-provisional`)).toHaveCount(0);

  // 2. Categories are a traffic light: the legend's badges, in their colours.
  const legend = page.getByRole("list", { name: "Keterangan kategori" }).first();
  for (const [category, colour] of Object.entries(TRAFFIC_LIGHT)) {
    const badge = legend.locator(`.cat-badge[data-category="${category}"]`);
    await expect(badge).toBeVisible();
    await expect(badge).toHaveCSS("background-color", colour.fill);
    await expect(badge).toHaveCSS("color", colour.text);
  }
  // ...and every badge in the ranking is one of them, matching its category.
  const badges = page.locator(`${ROWS} .cat-badge`);
  await expect(badges).toHaveCount(11);
  for (let i = 0; i < 11; i++) {
    const category = (await badges.nth(i).getAttribute("data-category"))!;
    await expect(badges.nth(i)).toHaveCSS("background-color", TRAFFIC_LIGHT[category]!.fill);
  }
  // The map paints each Pemda's category in the same colours.
  const map = page.getByTestId("choropleth");
  await map.scrollIntoViewIfNeeded();
  await expect(map.locator("canvas").first()).toBeVisible();
  const table = (await (
    await page.request.get(`/api/v1/scores?period=${CLOSED}&region=64`)
  ).json()) as { items: { region: string; category: string }[] };
  const shown = new Set(table.items.filter((i) => i.region !== "64").map((i) => i.category));
  await expect
    .poll(async () => {
      const painted = await mapColours(page);
      return [...shown].filter((c) => !painted.has(TRAFFIC_LIGHT[c]!.rgb.join(","))).length;
    })
    .toBe(0);

  // 3. The province's own score and the regional mean are named for what they are.
  const meanLabel = page.getByTestId("mean-label");
  const ownLabel = page.getByTestId("own-label");
  await expect(meanLabel).toHaveText("Rata-rata wilayah · Kalimantan Timur");
  await expect(ownLabel).toHaveText("Pemprov Kalimantan Timur (skor sendiri)");
  const own = (await page.getByTestId("own").textContent())!;
  expect(own).not.toBe(await page.getByTestId("mean").textContent());
  const province = page.locator(`${ROWS}[data-region="64"]`);
  await expect(province.getByRole("rowheader")).toHaveText("Kalimantan Timur (Pemprov, skor sendiri)");
  await expect(province).toContainText(own);
  await expect(
    page.getByRole("heading", { name: "Tren R · Pemprov Kalimantan Timur (skor sendiri)" }),
  ).toBeVisible();

  // 4. The rank says it is within the level, and the table fits at 1366 px.
  await expect(page.getByRole("columnheader", { name: "Peringkat dalam tingkat" })).toBeVisible();
  const wrap = page.locator(".table-wrap").filter({ has: page.getByTestId("ranking") });
  expect(await fits(wrap)).toBe(true);
  expect(await pageFits(page)).toBe(true);
  const last = page.getByRole("columnheader", { name: "Ketepatan laporan", exact: true });
  const lastBox = (await last.boundingBox())!;
  expect(lastBox.x + lastBox.width).toBeLessThanOrEqual(1366);
  await page.screenshot({ path: "test-results/scores-1366-closed.png", fullPage: true });

  // 5. An open period: said on the dashboard, changes against the closed 2023-Q3, marked.
  await openDashboard(page, OPEN);
  const notice = page.getByTestId("provisional-notice");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("Angka sementara, triwulan belum ditutup");
  await expect(notice).toContainText(`${OPEN} masih dibuka`);
  await expect(page.getByRole("columnheader", { name: "Perubahan sejak 2023-Q3*", exact: true })).toBeVisible();
  const changes = page.locator(`${ROWS} .change-provisional`);
  expect(await changes.count()).toBeGreaterThan(0);
  // Grey, not the red of a drop.
  await expect(changes.first()).not.toHaveCSS("color", "rgb(138, 28, 28)");
  await expect(page.locator(`${ROWS} .change-down`)).toHaveCount(0);
  expect(await fits(wrap)).toBe(true);
  expect(await pageFits(page)).toBe(true);
  await page.screenshot({ path: "test-results/scores-1366-open.png", fullPage: true });

  // 6. The region page says so too, and names the province's score as its own.
  await page.goto(`/wilayah/64?period=${OPEN}`);
  await expect(page.getByTestId("readiness")).toBeVisible();
  await expect(page.getByTestId("provisional-notice")).toBeVisible();
  await expect(page.getByTestId("own-note")).toContainText("Pemprov Kalimantan Timur (skor sendiri)");
  await expect(page.getByRole("heading", { name: "Tren kesiapan · Pemprov Kalimantan Timur (skor sendiri)" })).toBeVisible();
  await expect(page.locator(".trend-period", { hasText: `${OPEN}*` })).toBeVisible();
  await page.goto(`/wilayah/64.72?period=${CLOSED}`);
  await expect(page.getByTestId("readiness")).toBeVisible();
  await expect(page.getByTestId("provisional-notice")).toHaveCount(0);
  await expect(page.getByTestId("own-note")).toHaveCount(0);
});

import { type Page, expect, test } from "@playwright/test";
import { VIEWER, login } from "./helpers";

// The map on a fresh install: `siaga seed demo` (scripts/e2e-server.sh) loads the
// Kaltim outlines shipped in the package, so the dashboard draws the choropleth with
// no upload and no ../shared folder, its labels legible on a desktop and a phone.
const PEMDA = 10;

/** Pixels of the map canvas that are not blank: an empty canvas has none. */
async function paintedPixels(page: Page): Promise<{ painted: number; colours: number }> {
  return page.getByTestId("choropleth").locator("canvas").first().evaluate((element) => {
    // The e2e sources are compiled without the DOM library: the canvas, as far as used.
    const canvas = element as unknown as {
      width: number;
      height: number;
      getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
    const context = canvas.getContext("2d");
    if (!context) return { painted: 0, colours: 0 };
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) {
      if (data[i + 3]! === 0) continue;
      painted += 1;
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    }
    return { painted, colours: colours.size };
  });
}

for (const { name, width, height } of [
  { name: "desktop", width: 1366, height: 900 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`the seeded outlines draw the map with legible labels (${name}, ${width} px)`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await login(page, VIEWER);
    await expect(page).toHaveURL(/\/dasbor$/);

    // The server holds the ten outlines: nothing here mocks them.
    const outlines = await page.request.get("/api/v1/regions/boundaries?parent=64");
    expect(outlines.ok()).toBe(true);
    expect(((await outlines.json()) as { features: unknown[] }).features).toHaveLength(PEMDA);

    const map = page.getByTestId("choropleth");
    await map.scrollIntoViewIfNeeded();
    await expect(map.locator("canvas").first()).toBeVisible();
    await expect(map).toHaveAttribute("aria-busy", "false");
    await expect(page.getByTestId("tile-grid")).toHaveCount(0);
    const box = await map.boundingBox();
    expect(box!.width).toBeGreaterThan(width > 1000 ? 500 : 280);
    // Drawn, not an empty box: the outlines in several category colours.
    await expect.poll(async () => (await paintedPixels(page)).painted).toBeGreaterThan(1000);
    expect((await paintedPixels(page)).colours).toBeGreaterThan(4);
    // Every region's label has a place of its own (canvas text cannot be queried).
    await expect(map).toHaveAttribute("data-labels", String(PEMDA));
    await expect(page.getByRole("list", { name: "Keterangan kategori" }).first()).toBeVisible();

    await map.screenshot({ path: test.info().outputPath(`map-${name}.png`) });
    await page.screenshot({ path: test.info().outputPath(`dashboard-${name}.png`), fullPage: true });
    expect(errors).toEqual([]);
  });
}

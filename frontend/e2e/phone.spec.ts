/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
import { type Page, expect, test } from "@playwright/test";
import { ROLES, openPage, signIn } from "./mainPages";

// Issue 16, item 14: every main page usable one-handed on a 390 px phone, for
// every demo role: nothing drags sideways, the header is one short bar, the
// menu (grouped by role) is one tap away wherever one has scrolled, tables are
// cards, and the region page is a few screens long.
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

/** What a person sees of the page's frame: overflow, header height, where the menu button is. */
async function frame(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector(".site-header")!.getBoundingClientRect();
    const menu = document.querySelector(".menu-button")!.getBoundingClientRect();
    return {
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      headerHeight: header.height,
      headerTop: header.top,
      menuInView: menu.top >= 0 && menu.bottom <= window.innerHeight && menu.right <= window.innerWidth,
      menuSize: Math.min(menu.width, menu.height),
    };
  });
}

for (const { role, username, pages } of ROLES) {
  test(`${role}: every main page fits a 390 px phone`, async ({ page }) => {
    test.slow();
    await signIn(page, username);
    for (const { name, path } of pages) {
      await test.step(name, async () => {
        await openPage(page, path);
        const top = await frame(page);
        expect(top.scrollWidth, `${path} drags sideways`).toBeLessThanOrEqual(top.innerWidth);
        expect(top.headerHeight, `${path} header`).toBeLessThanOrEqual(0.15 * top.innerHeight);
        expect(top.headerHeight).toBeLessThanOrEqual(57);
        expect(top.menuInView).toBe(true);
        // A thumb-sized target (44 px), and still on screen at the bottom of the page.
        expect(top.menuSize).toBeGreaterThanOrEqual(44);
        await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
        const bottom = await frame(page);
        expect(bottom.headerTop).toBe(0);
        expect(bottom.menuInView, `${path}: menu out of reach after scrolling`).toBe(true);

        // Tables are cards: no header row, each row a box inside the screen.
        for (const table of await page.locator("main table").all()) {
          await expect(table).toHaveClass(/\bcards\b/);
          const row = table.locator("tbody tr").first();
          if ((await row.count()) === 0 || !(await row.isVisible())) continue;
          const box = (await row.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
          expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe("grid");
          const labelled = row.locator("td[data-label]").first();
          if ((await labelled.count()) > 0) {
            const label = await labelled.evaluate((td) => getComputedStyle(td, "::before").content);
            expect(label).not.toBe("none");
          }
        }
      });
    }
  });
}

test("the sign-in page fits too: one short bar with the language switch", async ({ page }) => {
  await page.goto("/masuk");
  await expect(page.getByRole("heading", { level: 1, name: "Masuk" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toHaveCount(0);
  await expect(page.getByRole("group", { name: "Bahasa" })).toBeVisible();
  const header = (await page.locator(".site-header").boundingBox())!;
  expect(header.height).toBeLessThanOrEqual(57);
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
});

test("the menu opens with one tap, shows the role's groups within reach, and takes you there", async ({ page }) => {
  await signIn(page, "pemantau.64");
  await openPage(page, "/wilayah");
  const nav = page.getByRole("navigation", { name: "Navigasi utama" });
  await expect(nav).toBeHidden();

  await page.getByRole("button", { name: "Menu" }).tap();
  await expect(nav).toBeVisible();
  // A viewer: one group, "Pantau", six links; no work or admin group.
  await expect(nav.getByText("Pantau", { exact: true })).toBeVisible();
  await expect(nav.getByText("Kerja", { exact: true })).toHaveCount(0);
  await expect(nav.getByText("Admin", { exact: true })).toHaveCount(0);
  const links = nav.getByRole("link");
  await expect(links).toHaveText(["Dasbor", "Laporan", "Laporan cepat", "Wilayah", "Kerangka", "Periode"]);
  // The sheet sits at the bottom, where the thumb is; every link is on screen and thumb-sized.
  for (const link of await links.all()) {
    const box = (await link.boundingBox())!;
    expect(box.y).toBeGreaterThan(PHONE.height / 3);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(box.height).toBeGreaterThanOrEqual(44);
  }
  await nav.getByRole("link", { name: "Periode" }).tap();
  await expect(page).toHaveURL(/\/periode$/);
  await expect(page.getByRole("heading", { level: 1, name: "Periode" })).toBeVisible();
  await expect(nav).toBeHidden();

  // Tapping beside the sheet closes it too.
  await page.getByRole("button", { name: "Menu" }).tap();
  await expect(nav).toBeVisible();
  await page.touchscreen.tap(PHONE.width / 2, 80);
  await expect(nav).toBeHidden();
});

test("an administrator's menu has three groups; the account menu holds sign-out and language", async ({ page }) => {
  await signIn(page, "admin");
  await openPage(page, "/periode");
  await page.getByRole("button", { name: "Menu" }).tap();
  const nav = page.getByRole("navigation", { name: "Navigasi utama" });
  for (const group of ["Kerja", "Pantau", "Admin"]) await expect(nav.getByText(group, { exact: true })).toBeVisible();
  await expect(nav.getByRole("link")).toHaveCount(13);
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();

  // The header shows no name or sign-out button until the account button is tapped.
  const signOut = page.getByRole("button", { name: "Keluar" });
  await expect(signOut).toBeHidden();
  await page.getByRole("button", { name: /^Akun:/ }).tap();
  await expect(signOut).toBeVisible();
  // The panel is inside the screen, whole.
  const panel = (await page.locator("#user-panel").boundingBox())!;
  expect(panel.x).toBeGreaterThanOrEqual(0);
  expect(panel.x + panel.width).toBeLessThanOrEqual(PHONE.width);
  await expect(page.getByText("Administrator Nasional").or(page.getByText("admin", { exact: true })).first()).toBeVisible();
  await page.getByRole("button", { name: "English" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Periods" })).toBeVisible();
  // The panel stays open while the language changes, so the choice can be undone at once.
  await expect(page.getByRole("button", { name: /^Account:/ })).toHaveAttribute("aria-expanded", "true");
  await page.getByRole("button", { name: "Bahasa Indonesia" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Periode" })).toBeVisible();
  await page.getByRole("button", { name: "Keluar" }).tap();
  await expect(page).toHaveURL(/\/masuk/);
});

test("the region page is a few screens long, its sections one tap open", async ({ page }) => {
  await signIn(page, "pemantau.64");
  await openPage(page, "/wilayah/64.72");
  const height = await page.evaluate(() => document.scrollingElement!.scrollHeight);
  // It was 10,000 px; folded sections keep it to a few screens.
  expect(height).toBeLessThanOrEqual(4 * PHONE.height);

  // Each dimension is folded with its score bar showing; a tap shows its indicators as cards.
  const dimension = page.locator('[data-dimension="K1"]');
  await expect(dimension.locator(".score-bar").first()).toBeVisible();
  const rows = dimension.locator("tbody tr");
  await expect(rows.first()).toBeHidden();
  const toggle = dimension.getByRole("button", { name: /K1/ });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.tap();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(rows.first()).toBeVisible();
  const card = rows.first();
  await expect(card.getByRole("rowheader")).toContainText("K1.01");
  await expect(card.locator('td[data-label="Nilai"]')).toBeVisible();
  const box = (await card.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

  const agencies = page.getByRole("button", { name: "Perangkat daerah", exact: true });
  await expect(agencies).toHaveAttribute("aria-expanded", "false");
  await agencies.tap();
  await expect(page.getByRole("region", { name: "Perangkat daerah", exact: true }).locator("tbody tr").first()).toBeVisible();
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
});

test.describe("desktop", () => {
  test.use({ viewport: { width: 1366, height: 768 }, hasTouch: false, isMobile: false });

  test("the grouped menu is one row under the header, in both languages", async ({ page }) => {
    await signIn(page, "admin");
    await openPage(page, "/periode");
    // Named "Navigasi utama" or "Main navigation" as the language changes.
    const nav = page.locator("nav#site-nav");
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Keluar" })).toBeVisible();
    for (const language of ["Bahasa Indonesia", "English"]) {
      await page.getByRole("button", { name: language }).click();
      await expect(nav.getByRole("link")).toHaveCount(13);
      const tops = await nav.getByRole("link").evaluateAll((links) => links.map((a) => a.getBoundingClientRect().top));
      expect(Math.max(...tops) - Math.min(...tops), `${language}: menu wraps`).toBeLessThanOrEqual(2);
      const header = (await page.locator(".site-header").boundingBox())!;
      expect(header.height).toBeLessThanOrEqual(0.2 * 768);
    }
  });
});

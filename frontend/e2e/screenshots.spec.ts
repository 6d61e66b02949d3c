/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
import { expect, test } from "@playwright/test";
import { ROLES, openPage, signIn } from "./mainPages";

// Full-page screenshots of every role's main pages on a laptop (1366 px) and a
// phone (390 px), kept by CI as artefacts: test-results/screenshots/<width>/<role>-<page>.png.
// scripts/screenshots.sh copies a few of them into docs/screenshots/ for the README.
const SIZES = [
  { width: 1366, height: 768, phone: false },
  { width: 390, height: 844, phone: true },
];

for (const size of SIZES) {
  test.describe(`${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height }, isMobile: size.phone, hasTouch: size.phone });

    for (const { role, username, pages } of ROLES) {
      test(`${role}`, async ({ page }) => {
        test.slow();
        await signIn(page, username);
        for (const { name, path } of pages) {
          await openPage(page, path);
          // Fonts and the lazily drawn map settle before the picture is taken.
          await page.evaluate(() => document.fonts.ready);
          const file = `test-results/screenshots/${size.width}/${role}-${name}.png`;
          await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
          // A picture of a page that overflows sideways would hide the defect: fail instead.
          const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
          expect(overflow, `${role} ${path} at ${size.width} px`).toBeLessThanOrEqual(0);
        }
        if (size.phone) {
          // The menu sheet as the role sees it, one tap from any page.
          await page.getByRole("button", { name: "Menu" }).tap();
          await expect(page.getByRole("navigation", { name: "Navigasi utama" })).toBeVisible();
          await page.screenshot({ path: `test-results/screenshots/${size.width}/${role}-menu.png`, animations: "disabled" });
        }
      });
    }
  });
}

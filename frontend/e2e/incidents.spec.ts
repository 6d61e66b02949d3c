import { expect, test, type Page } from "@playwright/test";
import { COORDINATOR, NATIONAL_VERIFIER, VERIFIER, login, logout } from "./helpers";

// Issue 21: a quick incident report filed on a 390 px phone with a photo and the phone's
// position; the province acknowledges it and escalates it; the Ministry sees it.
const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

// A small JPEG carrying GPS coordinates (Samarinda) in its EXIF block.
const PHOTO = Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/4QCIRXhpZgAATU0AKgAAAAgAAYglAAQAAAABAAAAGgAAAAAABAABAAIAAAACUwAAAAACAAUAAAADAAAAUAADAAIAAAACRQAAAAAEAAUAAAADAAAAaAAAAAAAAAAAAAAAAQAAAB0AAAABAAAAKQAAAAEAAAB1AAAAAQAAAAgAAAABAAAAJQAAAAH/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCABAAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDmqKKoXVxKk7KrYAx2HpXi4HA1MdUdOm0mlfX+n3P0HM8zpZZSVasm03bS3Zvq12L9FZf2qb+/+go+1Tf3/wBBXq/6s4r+aP3v/I8L/XTA/wAk/uX/AMkalFZf2qb+/wDoKPtU39/9BR/qziv5o/e/8g/10wP8k/uX/wAkalFV7KRpIiXOTuxVivExFCWHqypT3R9NhMVDF0Y14JpSV9dwooorA6AooooAKy73/j5f8P5VqVl3v/Hy/wCH8q+i4Z/3qX+F/mj5HjT/AHGH+NflIgooor7g/MgooooA0dO/1Df739BVqqunf6hv97+gq1X5tm3++VPU/ZMh/wCRdR9Aooorzj1wooooAKy73/j5f8P5VqUxo0Y5ZFJ9SK9PKsfHA1nVkr3VvxX+R4ue5XPNMPGjCSi1K+vo1+pj0Vr+TH/zzT/vkUeTH/zzT/vkV9B/rPS/59v70fKf6k1/+fq+5mRRWv5Mf/PNP++RR5Mf/PNP++RR/rPS/wCfb+9B/qTX/wCfq+5kOnf6hv8Ae/oKtU1VVRhQAPYU6vlsbXWJryqpWuz7jLsK8HhYUJO7irBRRRXKdoUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAf/9k=",
  "base64",
);

async function fitsThePhone(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
  expect(width, "the page drags sideways").toBeLessThanOrEqual(PHONE.width);
}

test("file with a photo on a phone; the province acknowledges and escalates; the Ministry sees it", async ({
  page,
  context,
}) => {
  test.slow();
  const title = `Bentrok pendukung di depan TPS ${Date.now()}`;
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: -0.4948, longitude: 117.1436 });

  await test.step("the coordinator files it in a minute", async () => {
    await login(page, COORDINATOR);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const nav = page.getByRole("navigation", { name: "Navigasi utama" });
    await page.getByRole("button", { name: "Menu" }).tap();
    await expect(nav).toBeVisible();
    await nav.getByRole("link", { name: "Laporan cepat" }).tap();
    await expect(page.getByRole("heading", { level: 1, name: "Laporan cepat" })).toBeVisible();
    await page.getByRole("link", { name: "Laporkan kejadian" }).tap();
    await expect(page.getByLabel("Wilayah")).toHaveValue("Kota Samarinda (64.72)");
    await page.getByLabel("Kategori").selectOption("konflik_pendukung");
    await page.getByRole("radio", { name: /Kritis/ }).check();
    await page.getByLabel("Judul singkat").fill(title);
    await page.getByLabel("Apa yang terjadi").fill("Dua kelompok pendukung saling dorong di depan TPS 12.");
    await page.getByLabel("Kecamatan").fill("Samarinda Ulu");
    await page.getByLabel("Kelurahan/desa").fill("Air Hitam");
    await page.getByRole("button", { name: "Gunakan lokasi saya" }).click();
    await expect(page.getByTestId("incident-point")).toContainText("-0,4948");
    await page.getByLabel("Tindakan yang sudah dilakukan").fill("Satpol PP dan Polresta memisahkan massa.");
    await page.getByTestId("incident-files").setInputFiles({ name: "foto-kejadian.jpg", mimeType: "image/jpeg", buffer: PHOTO });
    await expect(page.getByRole("button", { name: "Hapus foto-kejadian.jpg" })).toBeVisible();
    await fitsThePhone(page);
    await page.getByRole("button", { name: "Kirim laporan" }).click();
    await expect(page.getByTestId("incident-number")).toHaveText(/^LC\/64\.72\/\d{4}\/\d{4,}$/);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByText("Kritis", { exact: true }).first()).toBeVisible();
    await expect(page.getByText("Dilaporkan", { exact: true }).first()).toBeVisible();
    const files = page.getByTestId("incident-file-list");
    await expect(files).toContainText("foto-kejadian.jpg");
    await fitsThePhone(page);
    // The stored photo kept no location: drawn smaller on the phone, stripped again by the API.
    const href = await files.getByText("foto-kejadian.jpg").getAttribute("href");
    const stored = await page.request.get(href!);
    expect(stored.ok()).toBe(true);
    expect(stored.headers()["content-type"]).toBe("image/jpeg");
    expect((await stored.body()).includes(Buffer.from("Exif\u0000\u0000"))).toBe(false);
    await logout(page);
  });

  await test.step("the province acknowledges it and escalates it to the Ministry", async () => {
    await login(page, VERIFIER);
    await page.goto("/laporan-cepat");
    await page.getByRole("link", { name: title }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await page.getByRole("button", { name: "Terima laporan" }).click();
    await page.getByLabel(/Catatan untuk/).fill("Tim Kesbangpol provinsi berkoordinasi dengan Polda.");
    await page.getByRole("button", { name: "Terima laporan" }).last().click();
    await expect(page.getByText("Status kini: Diterima.")).toBeVisible();
    await page.getByRole("button", { name: "Eskalasi ke Kementerian" }).click();
    await page.getByLabel("Alasan eskalasi").fill("Potensi meluas ke kabupaten lain; perlu koordinasi pusat.");
    await page.getByRole("button", { name: "Eskalasi sekarang" }).click();
    await expect(page.getByText("Laporan dieskalasi ke Kementerian.")).toBeVisible();
    await fitsThePhone(page);
    await logout(page);
  });

  await test.step("the Ministry sees it, with its timeline", async () => {
    await login(page, NATIONAL_VERIFIER);
    await page.goto("/laporan-cepat");
    const link = page.getByRole("link", { name: title });
    await expect(link).toBeVisible();
    await link.click();
    // The list shows the demo's other escalated incidents: wait for this one's page first.
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole("main").getByText("Dieskalasi: Kementerian")).toHaveCount(1);
    const timeline = page.getByTestId("incident-timeline");
    await expect(timeline).toContainText("Potensi meluas ke kabupaten lain");
    await expect(timeline).toContainText("Tim Kesbangpol provinsi berkoordinasi dengan Polda.");
    await expect(timeline).toContainText("koordinator.64.72");
    await expect(timeline).toContainText("WITA");
    await expect(page.getByRole("button", { name: "Mulai tangani" })).toBeVisible();
    await fitsThePhone(page);
  });
});


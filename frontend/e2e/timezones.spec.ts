import { expect, test, type Page } from "@playwright/test";
import { OPERATOR, VERIFIER, login } from "./helpers";

// Kalimantan Timur keeps WITA (UTC+8). Its screens must show deadlines and times on
// that clock, named, even for a reader whose browser is set to Jakarta (WIB).

test.use({ viewport: { width: 1366, height: 900 }, timezoneId: "Asia/Jakarta" });

interface Task {
  deadline: string;
  time_zone_abbreviation: string;
  region: string;
  indicator: string;
  period: string;
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];

/** "2024-01-10" as the SPA writes it in Indonesian on Kaltim's clock. */
function deadlineText(iso: string, zone: string): string {
  const [year, month, day] = iso.split("-").map(Number);
  return `${day} ${MONTHS[month! - 1]} ${year} 23.59 ${zone}`;
}

test("a Kaltim operator reads its deadline in WITA, though the browser is in WIB", async ({ page }) => {
  await login(page, OPERATOR);
  const periods = await apiJson<{ items: { code: string; state: string }[] }>(page, "/api/v1/periods?limit=500");
  const code = periods.items.find((p) => p.state === "open")!.code;
  await page.goto(`/tugas?period=${code}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const tasks = await apiJson<{ items: Task[] }>(page, `/api/v1/tasks?period=${code}&limit=5`);
  const first = tasks.items[0]!;
  expect(first.time_zone_abbreviation).toBe("WITA");
  const expected = deadlineText(first.deadline, "WITA");

  // The toolbar above the list names the deadline's last minute and its zone.
  const toolbar = page.locator(".toolbar").filter({ hasText: "Tenggat" }).first();
  await expect(toolbar).toBeVisible();
  await expect(toolbar).toContainText(`Tenggat: ${expected}`);
  await expect(page.getByText(expected).first()).toBeVisible();
  await expect(page.getByText(/\bWIB\b/)).toHaveCount(0);

  // The answer page says the same.
  await page.goto(`/tugas/${first.period}/${first.region}/${encodeURIComponent(first.indicator)}`);
  await expect(page.getByText(`Tenggat: ${expected}`)).toBeVisible();
});

test("a verifier sees Samarinda's zone named on its region page and submission times in WITA", async ({
  page,
}) => {
  await login(page, VERIFIER);
  await page.goto("/wilayah/64.72");
  const zone = page.getByTestId("region-time-zone");
  await expect(zone).toBeVisible();
  await expect(zone).toHaveText("WITA (Asia/Makassar), mengikuti provinsi atau bawaan instalasi");
  await page.goto("/wilayah/64");
  await expect(page.getByTestId("region-time-zone")).toHaveText("WITA (Asia/Makassar)");

  // A submitted answer in the queue: its submission time on the review page is in WITA.
  const queue = await apiJson<{
    items: { period: string; region: string; indicator: string; submitted_at: string | null }[];
  }>(page, "/api/v1/review-queue?limit=5&region=64.72");
  const waiting = queue.items.find((item) => item.submitted_at);
  test.skip(!waiting, "no answer waits for review in the demo data");
  const { period, region, indicator, submitted_at } = waiting!;
  await page.goto(`/verifikasi/${period}/${region}/${encodeURIComponent(indicator)}`);
  const wita = new Intl.DateTimeFormat("id-ID", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "Asia/Makassar",
  }).format(new Date(submitted_at!));
  await expect(page.getByText(new RegExp(`Dikirim: .*${wita.replace(".", "\\.")} WITA`))).toBeVisible();
});

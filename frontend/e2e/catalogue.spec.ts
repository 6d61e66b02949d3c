import { expect, test, type Locator, type Page } from "@playwright/test";
import { OPERATOR, login, logout } from "./helpers";

// Catalogue administration as a person does it (issue 18): the national administrator
// copies the published framework into a new draft, changes one indicator's weight and
// publishes it; adds the next year, whose quarters take the new version; opens its first
// quarter; the operator then finds its tasks there, under the new version.
//
// The order differs from the sentence on purpose: a period keeps the framework it
// was created with (PATCH /periods changes only the deadline), so the version is published
// before the year is added.
//
// Shared database: the year is the one the page proposes (after the latest quarter, 2025
// on the demo data), which no other spec uses, and the framework code is one not taken yet.
// Opening that quarter makes it the operator's latest open period; operator.spec.ts picks
// its landing period by the same rule, so it follows.

const ADMIN = "admin";
const SOURCE = "PEMILU2024";
const REGION = "64.72";
const AGENCY_TYPE = "kesbangpol"; // the operator's agency (operator.64.72.kesbangpol)

interface Indicator {
  code: string;
  name: string;
  weight: number;
  agency_type: string;
  levels: string[];
}

interface Framework {
  code: string;
  dimensions: { code: string; indicators: Indicator[] }[];
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

/** A weight as the SPA writes it in Indonesian (decimal comma). */
function weightText(weight: number): string {
  return new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 }).format(weight);
}

/** The year "Tambah satu tahun" proposes: the one after the latest quarter's (periods/quarters.ts). */
function nextYear(codes: string[]): number {
  const quarters = codes
    .map((c) => /^(\d{4})-Q([1-4])$/.exec(c))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ year: Number(m[1]), quarter: Number(m[2]) }));
  const latest = quarters.reduce((a, b) => (b.year * 4 + b.quarter > a.year * 4 + a.quarter ? b : a));
  return latest.year + 1;
}

/** A row of the periods table by its code. */
function periodRow(page: Page, code: string): Locator {
  return page.locator("tbody tr").filter({ has: page.getByRole("cell", { name: code, exact: true }) });
}

test.use({ viewport: { width: 1366, height: 900 } });

test("national admin publishes a new framework version and opens a new year; the operator sees its new tasks", async ({
  page,
}) => {
  test.slow();
  await login(page, ADMIN);

  // What the shared database holds now: a free code for the new version, the next year.
  const taken = new Set(
    (await apiJson<{ items: { code: string }[] }>(page, "/api/v1/frameworks?limit=500")).items.map((f) => f.code),
  );
  const version = ["PEMILU2029", "PEMILU2029B", "PEMILU2029C", `PEMILU2029E${Date.now() % 100000}`].find(
    (c) => !taken.has(c),
  )!;
  const periods = await apiJson<{ items: { code: string }[] }>(page, "/api/v1/periods?limit=500");
  const year = nextYear(periods.items.map((p) => p.code));
  const quarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  const first = quarters[0]!;
  test.info().annotations.push({ type: "catalogue", description: `version ${version}, year ${year}` });

  // The indicator to re-weigh: one the operator answers, so that it sees the new version.
  const region = await apiJson<{ level: string }>(page, `/api/v1/regions/${REGION}`);
  const source = await apiJson<Framework>(page, `/api/v1/frameworks/${SOURCE}`);
  const ours = (f: Framework) =>
    f.dimensions.flatMap((d) => d.indicators).filter((i) => i.agency_type === AGENCY_TYPE && i.levels.includes(region.level));
  const indicator = ours(source)[0]!;
  expect(indicator, `a ${AGENCY_TYPE} indicator for a ${region.level}`).toBeDefined();
  const newWeight = indicator.weight + 2;

  // 1. Copy the published framework into a new draft, from its page.
  await page.getByRole("link", { name: "Kerangka", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Kerangka" })).toBeVisible();
  await page.getByRole("link", { name: SOURCE }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(SOURCE);
  await page.getByLabel("Kode versi baru").fill(version);
  await page.getByRole("button", { name: "Salin sebagai draf baru" }).click();

  // 2. The editor of the copy: change the indicator's weight, save, publish.
  await expect(page).toHaveURL(new RegExp(`/kerangka/${version}/ubah$`));
  await expect(page.getByRole("heading", { level: 1, name: `Ubah draf ${version}` })).toBeVisible();
  const editor = page
    .locator("fieldset.indicator-editor")
    .filter({ has: page.locator("legend").getByText(indicator.code, { exact: true }) });
  await expect(editor).toHaveCount(1);
  const weight = editor.getByLabel("Bobot", { exact: true });
  await expect(weight).toHaveValue(String(indicator.weight));
  await weight.fill(String(newWeight));
  await page.getByRole("button", { name: "Simpan draf" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Draf disimpan" })).toBeVisible();
  await expect(weight).toHaveValue(String(newWeight));
  await page.getByRole("button", { name: "Terbitkan" }).click();

  // Publishing leads to the published version's page: status, origin, the new weight; and
  // the difference.
  await expect(page).toHaveURL(new RegExp(`/kerangka/${version}$`));
  await expect(page.getByRole("status").filter({ hasText: "Kerangka diterbitkan" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(version);
  await expect(page.getByText("Terbit", { exact: true })).toBeVisible();
  await expect(page.getByText(`Disalin dari ${SOURCE}`)).toBeVisible();
  const published = page.locator("tr").filter({ has: page.getByRole("cell", { name: indicator.code, exact: true }) });
  await expect(published.locator("td.num")).toHaveText(weightText(newWeight));
  await page.getByLabel("Bandingkan dengan versi").selectOption(SOURCE);
  await page.getByRole("button", { name: "Bandingkan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Bandingkan ${version} dengan ${SOURCE}`);
  await expect(page.getByText("Indikator diubah (1)")).toBeVisible();
  await expect(page.getByText("Indikator ditambahkan")).toHaveCount(0);
  // From this version to the source: the weight goes back from the new to the old value.
  const change = page.locator(".card").filter({ has: page.getByRole("heading", { level: 3, name: indicator.code }) });
  await expect(change.locator("dt")).toHaveText("Bobot");
  await expect(change.locator("dd")).toHaveText(`${newWeight} → ${indicator.weight}`);

  // 3. Add the next year on the periods page: its quarters take the newly published version.
  await page.getByRole("link", { name: "Periode", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Periode" })).toBeVisible();
  for (const code of quarters) await expect(periodRow(page, code)).toHaveCount(0);
  await page.getByRole("button", { name: "Tambah satu tahun" }).click();
  const form = page.getByRole("form", { name: "Tambah satu tahun" });
  await expect(form.getByLabel("Tahun")).toHaveValue(String(year));
  await expect(form.getByLabel("Kerangka")).toHaveValue(version);
  await form.getByRole("button", { name: "Buat empat triwulan" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Periode dibuat: ${quarters.join(", ")}.` })).toBeVisible();
  for (const code of quarters) {
    const row = periodRow(page, code);
    await expect(row).toContainText(version);
    await expect(row).toContainText("Direncanakan");
  }

  // 4. Open the first quarter from its row, after the page says what opening means.
  await periodRow(page, first).getByRole("button", { name: `Buka ${first}` }).click();
  await expect(page.getByRole("heading", { name: `Buka periode ${first}` })).toBeVisible();
  await page.getByRole("button", { name: `Ya, buka ${first}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Periode ${first} dibuka.` })).toBeVisible();
  await expect(periodRow(page, first)).toContainText("Dibuka");
  await expect(periodRow(page, quarters[1]!)).toContainText("Direncanakan");
  await logout(page);

  // 5. The operator finds its tasks of that quarter: the new version's indicators, not started.
  await login(page, OPERATOR);
  await expect(page).toHaveURL(/\/tugas/);
  await expect(page.getByRole("heading", { level: 1, name: "Tugas" })).toBeVisible();
  const periodSelect = page.getByLabel("Periode", { exact: true });
  if ((await periodSelect.inputValue()) !== first) await periodSelect.selectOption(first);
  await expect(periodSelect).toHaveValue(first);
  const expected = ours(await apiJson<Framework>(page, `/api/v1/frameworks/${version}`));
  expect(expected.map((i) => i.code)).toContain(indicator.code);
  const rows = page.locator("tr[data-indicator]");
  await expect(rows).toHaveCount(expected.length);
  for (const item of expected) {
    const row = page.locator(`tr[data-indicator="${item.code}"]`);
    await expect(row).toContainText(item.name);
    await expect(row).toContainText("Belum diisi");
  }

  // The weights are on the framework's page, which the periods page links to.
  await page.getByRole("link", { name: "Periode", exact: true }).first().click();
  const row = periodRow(page, first);
  await expect(row).toContainText("Dibuka");
  await row.getByRole("link", { name: version }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(version);
  const seen = page.locator("tr").filter({ has: page.getByRole("cell", { name: indicator.code, exact: true }) });
  await expect(seen.locator("td.num")).toHaveText(weightText(newWeight));
});

import { expect, test, type Page } from "@playwright/test";
import { MINIMAL_PDF, OPERATOR, login } from "./helpers";

// What a new operator meets on a desktop: its tasks in the current period (not a
// dashboard), under its agency's name, overdue work flagged, evidence that can come
// before the value, a plain message for an empty submission, a version label that
// follows uploads, and the evidence requirement said once.

interface Period {
  code: string;
  start_date: string;
  deadline: string;
  state: string;
}

interface Task {
  indicator: string;
  indicator_name: string;
  evidence_required: boolean;
  status: string;
  overdue: boolean;
}

const SECOND_PDF = Buffer.from("%PDF-1.4\n% daftar hadir\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

/** The same rule as the SPA: earliest open period still before its deadline, else the latest open one. */
function expectedPeriod(periods: Period[], today: string): string {
  const open = periods.filter((p) => p.state === "open").sort((a, b) => a.start_date.localeCompare(b.start_date));
  return (open.find((p) => p.deadline >= today) ?? open[open.length - 1])!.code;
}

test.use({ viewport: { width: 1366, height: 900 } });

test("operator: lands on its tasks, sees overdue work, attaches evidence first, is told what is missing", async ({
  page,
}) => {
  test.slow();
  await login(page, OPERATOR);

  // 1. Signing in lands on the tasks of the current open period, not on the dashboard.
  await expect(page).toHaveURL(/\/tugas$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tugas" })).toBeVisible();
  const periods = (await apiJson<{ items: Period[] }>(page, "/api/v1/periods?limit=500")).items;
  // The browser's date (Playwright runs it in Asia/Makassar), as the SPA reads it.
  const today = String(
    await page.evaluate(
      "(() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0'); " +
        "return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })()",
    ),
  );
  const period = expectedPeriod(periods, today);
  await expect(page.getByLabel("Periode", { exact: true })).toHaveValue(period);

  // 2. The agency by name, with its Pemda; not the region code.
  const me = await apiJson<{ agency_name: string; region_name: string }>(page, "/api/v1/auth/me");
  const owner = page.getByLabel("Perangkat daerah dan wilayah");
  await expect(owner).toHaveText(`${me.agency_name} · ${me.region_name}`);
  await expect(owner).not.toContainText("64.72");

  // 3. Overdue tasks are flagged (red), counted, sortable and filterable.
  const tasks = (await apiJson<{ items: Task[] }>(page, `/api/v1/tasks?period=${period}&limit=500`)).items;
  const overdue = tasks.filter((t) => t.overdue);
  expect(overdue.length).toBeGreaterThan(0);
  const flagged = page.locator("tr.task-overdue");
  await expect(flagged).toHaveCount(overdue.length);
  const badge = flagged.first().getByText("Lewat tenggat", { exact: true });
  await expect(badge).toBeVisible();
  await expect(badge).toHaveCSS("color", "rgb(138, 28, 28)");
  await expect(badge).toHaveCSS("background-color", "rgb(253, 236, 236)");
  await expect(page.getByText(new RegExp(`${overdue.length} tugas lewat tenggat`))).toBeVisible();

  await page.getByLabel("Urutan").selectOption("overdue");
  await expect(page).toHaveURL(/sort=overdue/);
  for (const group of await page.locator("section.task-group").all()) {
    const flags = await group.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.classList.contains("task-overdue")));
    // Overdue rows first: no overdue row after one that is not.
    expect(flags.indexOf(false) === -1 || !flags.slice(flags.indexOf(false)).includes(true)).toBe(true);
  }
  // The box follows the address, which the router updates just after the click.
  await page.getByLabel("Hanya yang lewat tenggat").click();
  await expect(page).toHaveURL(/overdue=true/);
  await expect(page.getByLabel("Hanya yang lewat tenggat")).toBeChecked();
  await expect(page.locator("tbody tr")).toHaveCount(overdue.length);
  await expect(page.locator("tbody tr:not(.task-overdue)")).toHaveCount(0);
  // Nothing drags sideways at 1366 px.
  expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);

  // 4. A task not started yet that requires evidence.
  const task = [...tasks].reverse().find((t) => t.status === "not_started" && t.evidence_required);
  expect(task, "a not-started task requiring evidence").toBeTruthy();
  await page.locator(`tr[data-indicator="${task!.indicator}"]`).getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: task!.indicator_name })).toBeVisible();
  await expect(page.getByText(`${me.agency_name} · ${me.region_name} · Tenggat`)).toBeVisible();

  // "Wajib" is said once: the badge; the guidance no longer repeats it.
  await expect(page.getByText("Wajib", { exact: true })).toHaveCount(1);
  await expect(page.getByText(/^Wajib\s*:/)).toHaveCount(0);

  // 5. Evidence before the first save: no answer yet, no version yet.
  await expect(page.getByTestId("answer-version")).toHaveCount(0);
  await expect(page.getByText(/unggahan pertama menyimpan jawaban ini sebagai draf/)).toBeVisible();
  await page.getByLabel("Pilih berkas").setInputFiles({ name: "sk-tim.pdf", mimeType: "application/pdf", buffer: MINIMAL_PDF });
  await expect(page.getByText("sk-tim.pdf terunggah.")).toBeVisible();
  await expect(page.getByRole("link", { name: "sk-tim.pdf" })).toBeVisible();
  const version = page.getByTestId("answer-version");
  await expect(version).toHaveText("versi 2");
  await expect(page.locator(".answer-meta").getByText("Draf", { exact: true })).toBeVisible();

  // 6. Submitting without a value: a message naming what is missing, no confirmation.
  await page.getByRole("button", { name: "Kirim untuk verifikasi" }).click();
  const missing = page.locator(".submit-missing");
  await expect(missing).toBeVisible();
  await expect(missing).toContainText("Jawaban belum dapat dikirim:");
  await expect(missing).toContainText("Nilai jawaban belum diisi");
  await expect(missing).not.toContainText("data dukung");
  await expect(page.getByRole("alertdialog")).toHaveCount(0);

  // 7. The version label follows each upload.
  await page.getByLabel("Pilih berkas").setInputFiles({ name: "daftar-hadir.pdf", mimeType: "application/pdf", buffer: SECOND_PDF });
  await expect(page.getByText("daftar-hadir.pdf terunggah.")).toBeVisible();
  await expect(version).toHaveText("versi 3");
  await page.reload();
  await expect(page.getByTestId("answer-version")).toHaveText("versi 3");
  await expect(page.getByText("Wajib", { exact: true })).toHaveCount(1);

  await page.screenshot({ path: test.info().outputPath("operator-answer-1366.png"), fullPage: true });
});

import { expect, test } from "@playwright/test";
import { MINIMAL_PDF, OPERATOR, VERIFIER, fillValue, hasEvidenceApi, login, logout } from "./helpers";

interface Task {
  period: string;
  region: string;
  indicator: string;
  indicator_name: string;
  answer_type: "level" | "yes_no" | "percent" | "count";
  evidence_required: boolean;
  status: string;
  target: number | null;
}

// 2023-Q4 (open in the demo): the operator and preview specs take the operator's two
// not-started tasks of 2024-Q1, and the specs share one database, so each keeps to its own.
const PERIOD = "2023-Q4";
const REGION = "64.72";
const RETURN_REASON = "Notulen rapat belum dilampirkan; lengkapi lalu kirim ulang.";

test("answer, evidence, submit, return, resubmit, verify, history", async ({ page }) => {
  test.slow();

  // 1. The operator picks a task not started yet, preferably one requiring evidence.
  await login(page, OPERATOR);
  const evidenceApi = await hasEvidenceApi(page);
  const response = await page.request.get(`/api/v1/tasks?period=${PERIOD}&status=not_started&limit=500`);
  expect(response.ok()).toBe(true);
  const tasks = ((await response.json()) as { items: Task[] }).items.filter((t) => t.region === REGION);
  expect(tasks.length).toBeGreaterThan(0);
  const task = tasks.find((t) => t.evidence_required) ?? tasks[0]!;
  test.info().annotations.push({ type: "task", description: `${task.indicator} (${task.answer_type})` });

  // 2. Answer it in the workspace.
  await page.getByRole("link", { name: "Tugas" }).click();
  // Signing in lands on the tasks of the current period (e2e/operator.spec.ts); pick this one.
  await expect(page).toHaveURL(/\/tugas$/);
  await page.getByLabel("Periode", { exact: true }).selectOption(PERIOD);
  const row = page.locator(`tr[data-indicator="${task.indicator}"]`);
  // The landing period's list stays on screen while the chosen one loads, with a row for
  // the same indicator: wait for the chosen period's row before opening it.
  const link = row.getByRole("link");
  await expect(link).toHaveAttribute("href", `/tugas/${PERIOD}/${REGION}/${encodeURIComponent(task.indicator)}`);
  await expect(row).toContainText("Belum diisi");
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: task.indicator_name })).toBeVisible();
  await fillValue(page, task.answer_type, 0);
  await page.getByLabel("Uraian").fill("Rapat koordinasi dilaksanakan bersama KPU dan Bawaslu.");
  await page.getByRole("button", { name: "Simpan draf" }).click();
  await expect(page.getByText("Draf tersimpan (versi 1).")).toBeVisible();

  // 3. Attach a PDF (when the API has the evidence endpoints).
  if (evidenceApi) {
    await page.getByLabel("Pilih berkas").setInputFiles({
      name: "notulen-rapat.pdf",
      mimeType: "application/pdf",
      buffer: MINIMAL_PDF,
    });
    await expect(page.getByText("notulen-rapat.pdf terunggah.")).toBeVisible();
    await expect(page.getByRole("link", { name: "notulen-rapat.pdf" })).toBeVisible();
  } else {
    console.warn("e2e: the API has no evidence endpoints yet; skipping the upload steps");
  }

  // 4. Submit, confirming.
  await page.getByRole("button", { name: "Kirim untuk verifikasi" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Ya, kirim" }).click();
  await expect(page.getByText("Jawaban dikirim untuk verifikasi.")).toBeVisible();
  await expect(page.locator(".answer-meta")).toContainText("Dikirim");
  await logout(page);

  // 5. The verifier finds it in the queue and returns it with a reason.
  await login(page, VERIFIER);
  await page.getByRole("link", { name: "Verifikasi", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Verifikasi" })).toBeVisible();
  await page.getByLabel("Periode", { exact: true }).selectOption(PERIOD);
  await page.getByLabel("Indikator").fill(task.indicator);
  await page.getByLabel("Wilayah").fill(REGION);
  await page.getByRole("button", { name: "Terapkan" }).click();
  await expect(page).toHaveURL(new RegExp(`indicator=${task.indicator.replace(".", "\\.")}`));
  const queued = page.locator(`tr[data-key="${PERIOD}/${REGION}/${task.indicator}"]`);
  await expect(queued).toHaveCount(1);
  await queued.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: task.indicator_name })).toBeVisible();
  if (evidenceApi) {
    // The file is offered in the page; that its page is drawn and visible on a desktop and
    // a phone is e2e/preview.spec.ts (this minimal PDF has no page to draw).
    const preview = page.getByTestId("evidence-preview");
    await expect(preview).toBeVisible();
    await expect(preview).toContainText("notulen-rapat.pdf");
    await expect(preview.getByRole("link", { name: "Buka PDF di tab baru" })).toHaveAttribute(
      "href",
      /\/api\/v1\/evidence\/.+\?inline=true$/,
    );
  }
  await page.getByRole("button", { name: "Kembalikan", exact: true }).click();
  await page.getByLabel("Alasan pengembalian").fill("ok");
  // A reason the agency can act on: the rule is shown, and sending waits for it (e2e/return.spec.ts).
  await expect(page.getByRole("button", { name: "Kembalikan jawaban" })).toBeDisabled();
  await expect(page.getByText(/minimal 15 karakter/).first()).toBeVisible();
  await page.getByLabel("Alasan pengembalian").fill(RETURN_REASON);
  await page.getByRole("button", { name: "Kembalikan jawaban" }).click();
  await expect(page.getByText("Jawaban dikembalikan ke perangkat daerah.")).toBeVisible();
  await logout(page);

  // 6. The operator sees the reason, changes the value and resubmits.
  await login(page, OPERATOR);
  await page.goto(`/tugas?period=${PERIOD}&status=returned`);
  const returnedRow = page.locator(`tr[data-indicator="${task.indicator}"]`);
  await expect(returnedRow).toContainText(RETURN_REASON);
  await returnedRow.getByRole("link").click();
  const reason = page.locator(".returned-reason");
  await expect(reason).toContainText(RETURN_REASON);
  await expect(reason).toContainText(VERIFIER);
  await fillValue(page, task.answer_type, 1);
  await page.getByRole("button", { name: "Kirim untuk verifikasi" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Ya, kirim" }).click();
  await expect(page.getByText("Jawaban dikirim untuk verifikasi.")).toBeVisible();
  await logout(page);

  // 7. The verifier verifies it.
  await login(page, VERIFIER);
  await page.goto(`/verifikasi/${PERIOD}/${REGION}/${task.indicator}`);
  await page.getByRole("button", { name: "Verifikasi", exact: true }).click();
  await expect(page.getByText("Jawaban diverifikasi.")).toBeVisible();
  await expect(page.locator(".answer-meta")).toContainText("Terverifikasi");
  await expect(page.getByRole("button", { name: "Buka kembali" })).toBeVisible();

  // 8. The history lists every step with its actor (shown newest first).
  const expected: [string, string][] = [
    ["created", OPERATOR],
    ...(evidenceApi ? [["evidence_added", OPERATOR] as [string, string]] : []),
    ["submitted", OPERATOR],
    ["returned", VERIFIER],
    ["updated", OPERATOR],
    ["submitted", OPERATOR],
    ["verified", VERIFIER],
  ];
  const items = page.locator(".history-item");
  await expect(items).toHaveCount(expected.length);
  const actual = await items.evaluateAll((nodes) =>
    nodes.map((n) => [n.getAttribute("data-action") ?? "", n.querySelector(".history-actor")?.textContent ?? ""]),
  );
  expect(actual.reverse()).toEqual(expected);
  await expect(items.first()).toContainText("Diverifikasi");
  await expect(page.locator('.history-item[data-action="returned"]')).toContainText(RETURN_REASON);
});

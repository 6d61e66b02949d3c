import { expect, test, type Page } from "@playwright/test";
import { COORDINATOR, NATIONAL_VERIFIER as NATIONAL, OPERATOR, VERIFIER, login, logout } from "./helpers";

// The reporting chain as people meet it (issue 19, items 1, 2 and 5): a return's reason
// opens the answer's discussion and the operator answers there without resubmitting; the
// province's own answers go to the national verifier; the coordinator follows every agency
// of its Pemda, reads and comments, and cannot review, answer or look at another Pemda.
// All specs share one database, so each step picks its answer by state, not by code.

const PEMDA = "64.72";
const PROVINCE = "64";
const OTHER_PEMDA = "64.02";
const RETURN_REASON = "Daftar hadir rapat koordinasi belum lengkap; mohon jelaskan siapa saja yang hadir.";
const REPLY = "Daftar hadir lengkap ada di notulen halaman 3; mohon dicek kembali.";
const COORDINATOR_NOTE = "Mohon segera dilengkapi sebelum laporan Pemda dikirim ke provinsi.";

interface Period {
  code: string;
  state: string;
}

interface Task {
  period: string;
  region: string;
  indicator: string;
  indicator_name: string;
  agency: string | null;
  agency_name: string | null;
  evidence_required: boolean;
  evidence_count: number;
  status: string;
}

interface Summary {
  period: string;
  region: string;
  indicator: string;
  indicator_name: string;
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

async function openPeriods(page: Page): Promise<string[]> {
  const periods = await apiJson<{ items: Period[] }>(page, "/api/v1/periods?state=open&limit=500");
  // Oldest first, as the demo's open periods are 2023-Q4 and 2024-Q1.
  return periods.items.map((p) => p.code).sort();
}

const answerUrl = (base: string, a: { period: string; region: string; indicator: string }) =>
  `${base}/${a.period}/${a.region}/${encodeURIComponent(a.indicator)}`;

test.use({ viewport: { width: 1366, height: 900 } });

test("a return's reason opens the discussion; the operator replies there without resubmitting", async ({ page }) => {
  test.slow();

  // 1. The operator picks a returned task with an empty discussion that it can submit as is
  //    (no evidence missing): the workflow, operator and preview specs take not-started ones.
  await login(page, OPERATOR);
  let task: Task | undefined;
  for (const period of await openPeriods(page)) {
    const tasks = await apiJson<{ items: Task[] }>(page, `/api/v1/tasks?period=${period}&status=returned&limit=500`);
    for (const candidate of tasks.items.filter((t) => t.region === PEMDA)) {
      if (candidate.evidence_required && candidate.evidence_count === 0) continue;
      const thread = await apiJson<{ total: number }>(page, `${answerUrl("/api/v1/submissions", candidate)}/comments`);
      if (thread.total === 0) {
        task = candidate;
        break;
      }
    }
    if (task) break;
  }
  expect(task, "a returned task of the demo operator, without comments").toBeDefined();
  const { period, indicator, indicator_name } = task!;
  test.info().annotations.push({ type: "task", description: `${period} ${indicator}` });

  // It answers in the workspace and submits.
  await page.goto(`/tugas?period=${period}`);
  const row = page.locator(`tr[data-indicator="${indicator}"]`);
  await expect(row).toContainText("Dikembalikan");
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: indicator_name })).toBeVisible();
  await page.getByLabel("Uraian").fill("Rapat koordinasi tim dilaksanakan; notulen dan daftar hadir terlampir.");
  await page.getByRole("button", { name: "Kirim untuk verifikasi" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Ya, kirim" }).click();
  await expect(page.getByText("Jawaban dikirim untuk verifikasi.")).toBeVisible();
  await expect(page.locator(".answer-meta")).toContainText("Dikirim");
  await logout(page);

  // 2. The province's verifier returns it with a reason.
  await login(page, VERIFIER);
  await page.goto(answerUrl("/verifikasi", task!));
  await expect(page.getByRole("heading", { level: 1, name: indicator_name })).toBeVisible();
  await page.getByRole("button", { name: "Kembalikan", exact: true }).click();
  await page.getByLabel("Alasan pengembalian").fill(RETURN_REASON);
  await page.getByRole("button", { name: "Kembalikan jawaban" }).click();
  await expect(page.getByText("Jawaban dikembalikan ke perangkat daerah.")).toBeVisible();
  // The reason is the discussion's first message, marked as such, on the verifier's side too.
  const verifierThread = page.locator(".answer-comments .comment");
  await expect(verifierThread).toHaveCount(1);
  await expect(verifierThread.first()).toHaveAttribute("data-comment-kind", "return");
  await expect(verifierThread.first()).toContainText(RETURN_REASON);
  await logout(page);

  // 3. The operator's task list flags the unread message on that task.
  await login(page, OPERATOR);
  await page.goto(`/tugas?period=${period}`);
  const returnedRow = page.locator(`tr[data-indicator="${indicator}"]`);
  await expect(returnedRow).toContainText("Dikembalikan");
  await expect(returnedRow.getByTestId("unread-comments")).toHaveText("1 komentar belum dibaca");
  await returnedRow.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: indicator_name })).toBeVisible();

  // The reason opens the discussion: first message, marked as the return's reason and new.
  const discussion = page.locator(".answer-comments");
  await expect(discussion.getByRole("heading", { name: /^Diskusi/ })).toBeVisible();
  const messages = discussion.locator(".comment");
  await expect(messages).toHaveCount(1);
  const first = messages.first();
  await expect(first).toHaveAttribute("data-comment-kind", "return");
  await expect(first.locator(".comment-body")).toHaveText(RETURN_REASON);
  await expect(first).toContainText("Alasan pengembalian");
  await expect(first).toContainText("Verifikator");
  await expect(first).toContainText("Baru");

  // 4. The operator replies in the thread; the answer stays returned (no resubmission).
  await discussion.getByLabel("Tulis komentar").fill(REPLY);
  await discussion.getByRole("button", { name: "Kirim", exact: true }).click();
  await expect(discussion.getByText("Komentar terkirim.")).toBeVisible();
  await expect(messages).toHaveCount(2);
  await expect(messages.nth(1).locator(".comment-body")).toHaveText(REPLY);
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  await page.reload();
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  await expect(page.locator(".answer-comments .comment")).toHaveCount(2);

  // Read now: the badge has gone from the task list.
  await page.goto(`/tugas?period=${period}`);
  await expect(page.locator(`tr[data-indicator="${indicator}"]`)).toContainText("Dikembalikan");
  await expect(page.locator(`tr[data-indicator="${indicator}"]`).getByTestId("unread-comments")).toHaveCount(0);
  await logout(page);

  // 5. The verifier reads the reply, new to it, under its reason; still returned, nothing to verify.
  await login(page, VERIFIER);
  await page.goto(answerUrl("/verifikasi", task!));
  await expect(page.locator(".answer-meta")).toContainText("Dikembalikan");
  const thread = page.locator(".answer-comments .comment");
  await expect(thread).toHaveCount(2);
  await expect(thread.nth(0)).toContainText(RETURN_REASON);
  const reply = thread.nth(1);
  await expect(reply.locator(".comment-body")).toHaveText(REPLY);
  await expect(reply).toContainText("Operator");
  await expect(reply).toContainText("Baru");
  await expect(page.getByRole("button", { name: "Verifikasi", exact: true })).toHaveCount(0);
});

test("the province's own answers are reviewed one level up, by the national verifier", async ({ page }) => {
  await login(page, VERIFIER);
  let answer: Summary | undefined;
  for (const period of (await openPeriods(page)).reverse()) {
    const listed = await apiJson<{ items: Summary[] }>(
      page,
      `/api/v1/submissions?period=${period}&region=${PROVINCE}&status=submitted&limit=500`,
    );
    // The filter takes the province's regencies too; the province's own answers only.
    answer = listed.items.filter((s) => s.region === PROVINCE).at(-1);
    if (answer) break;
  }
  expect(answer, "a submitted answer of the province's own agencies in an open period").toBeDefined();

  // The province's verifier reads it, and is told why it cannot review it: no buttons.
  await page.goto(answerUrl("/verifikasi", answer!));
  await expect(page.getByRole("heading", { level: 1, name: answer!.indicator_name })).toBeVisible();
  await expect(page.locator(".answer-meta")).toContainText("Dikirim");
  const notice = page.locator(".review-actions").getByRole("note");
  await expect(notice).toContainText("Ini jawaban wilayah Anda sendiri");
  await expect(notice).toContainText("verifikator satu tingkat di atas");
  const main = page.getByRole("main");
  for (const name of ["Verifikasi", "Kembalikan", "Buka kembali"]) {
    await expect(main.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await logout(page);

  // The national verifier can verify it.
  await login(page, NATIONAL);
  await page.goto(answerUrl("/verifikasi", answer!));
  await expect(page.getByRole("heading", { level: 1, name: answer!.indicator_name })).toBeVisible();
  await expect(page.locator(".review-actions").getByRole("note")).toHaveCount(0);
  await page.getByRole("button", { name: "Verifikasi", exact: true }).click();
  await expect(page.getByText("Jawaban diverifikasi.")).toBeVisible();
  await expect(page.locator(".answer-meta")).toContainText("Terverifikasi");
  const verified = page.locator('.history-item[data-action="verified"]');
  await expect(verified.first()).toContainText(NATIONAL);
});

test("the coordinator follows every agency of its Pemda, reads and comments, and reviews nothing", async ({ page }) => {
  test.slow();
  await login(page, COORDINATOR);

  // 1. It lands on its Pemda's progress, named as such in the menu; no tasks or review of its own.
  await expect(page).toHaveURL(/\/tugas$/);
  await expect(page.getByRole("heading", { level: 1, name: "Kemajuan Pemda" })).toBeVisible();
  await expect(page.getByLabel("Perangkat daerah dan wilayah")).toHaveText("Kota Samarinda");
  const nav = page.getByRole("navigation", { name: "Navigasi utama" });
  await expect(nav.getByRole("link", { name: "Kemajuan Pemda" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Tugas", exact: true })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Verifikasi", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Salin/ })).toHaveCount(0);

  // 2. Every agency's tasks, each row naming its agency, in an open period where another
  //    agency than the demo operator's has submitted (the catalogue spec may open a new one).
  const operatorAgency = OPERATOR.replace(/^operator\./, "");
  let period = "";
  let tasks: Task[] = [];
  for (const code of (await openPeriods(page)).reverse()) {
    tasks = (await apiJson<{ items: Task[] }>(page, `/api/v1/tasks?period=${code}&limit=500`)).items;
    period = code;
    if (tasks.some((t) => t.status === "submitted" && t.agency !== operatorAgency)) break;
  }
  await page.goto(`/tugas?period=${period}`);
  expect(new Set(tasks.map((t) => t.region))).toEqual(new Set([PEMDA]));
  const agencies = [...new Set(tasks.map((t) => t.agency_name ?? ""))];
  expect(agencies.length, "the Pemda's tasks span several agencies").toBeGreaterThan(1);
  await expect(page.getByRole("columnheader", { name: "Perangkat daerah" }).first()).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(tasks.length);
  for (const agency of agencies) {
    await expect(page.locator("tbody td", { hasText: agency }).first()).toBeVisible();
  }

  // 3. An answer of another agency than the demo operator's, read only.
  const other = tasks.find((t) => t.status === "submitted" && t.agency !== operatorAgency);
  expect(other, "a submitted answer of another agency of the Pemda").toBeDefined();
  const otherRow = page.locator(`tr[data-indicator="${other!.indicator}"]`);
  await expect(otherRow).toContainText(other!.agency_name!);
  await otherRow.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/wilayah/${PEMDA.replace(".", "\\.")}/jawaban/${period}/`));
  await expect(page.getByRole("heading", { level: 1, name: other!.indicator_name })).toBeVisible();
  await expect(page.locator("dl.details")).toContainText("Dikirim");
  const main = page.getByRole("main");
  for (const name of ["Simpan draf", "Kirim untuk verifikasi", "Verifikasi", "Kembalikan", "Buka kembali"]) {
    await expect(main.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(main.getByRole("link", { name: "Buka di Tugas" })).toHaveCount(0);
  await expect(main.getByRole("link", { name: "Buka di Verifikasi" })).toHaveCount(0);

  // It comments: its message appears under its name and role.
  const discussion = page.locator(".answer-comments");
  await discussion.getByLabel("Tulis komentar").fill(COORDINATOR_NOTE);
  await discussion.getByRole("button", { name: "Kirim", exact: true }).click();
  await expect(discussion.getByText("Komentar terkirim.")).toBeVisible();
  const mine = discussion.locator(".comment", { hasText: COORDINATOR_NOTE });
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText("Koordinator");
  await page.reload();
  await expect(page.locator(".answer-comments .comment", { hasText: COORDINATOR_NOTE })).toHaveCount(1);
  // Commenting changed nothing in the answer.
  await expect(page.locator("dl.details")).toContainText("Dikirim");

  // 4. Another Pemda's answer is not there for it: the not-found page, not "not answered yet".
  await page.goto(`/wilayah/${OTHER_PEMDA}/jawaban/${period}/K1.01`);
  await expect(page.getByRole("heading", { level: 1, name: "Halaman tidak ditemukan" })).toBeVisible();
  await expect(page.getByText("belum dijawab")).toHaveCount(0);
  await expect(page.locator(".answer-comments")).toHaveCount(0);
  // Nor does it get a review page of its own Pemda's answers: that page is closed to it.
  await page.goto(answerUrl("/verifikasi", other!));
  await expect(page.getByRole("heading", { level: 1, name: "Akses ditolak" })).toBeVisible();
  await expect(main.getByRole("button", { name: "Verifikasi", exact: true })).toHaveCount(0);
});

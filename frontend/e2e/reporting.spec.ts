import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { COORDINATOR, MINIMAL_PDF, NATIONAL_VERIFIER, PASSWORD, VERIFIER, fillValue, login, logout, type AnswerType } from "./helpers";

// The whole reporting chain (issue 19): the operators answer, the coordinator submits
// the Pemda's report, the province returns it, the coordinator fixes and resubmits, the
// province accepts; once every regency and city report is accepted the province submits
// its own report and the Ministry accepts it.
//
// It runs in its own quarter, 2024-Q2 (planned in the demo), which it opens: accepting
// reports locks answers, and the other specs work in the demo's open quarters. The
// people whose screens the issue names act in the browser; the rest of the province
// (ten Pemda's answers, nine regency and city reports) is done through the API, as
// other government systems would.

const PERIOD = "2024-Q2";
const PEMDA = "64.72";
const PEMDA_NAME = "Kota Samarinda";
const PROVINCE = "64";
const PROVINCE_COORDINATOR = "koordinator.64";
const RETURN_REASON = "Bagian potensi konflik belum menyebut kecamatan rawan; mohon dilengkapi.";
const FIXED_RISKS = "Potensi gesekan antarpendukung di Kecamatan Samarinda Utara dan Palaran pada masa kampanye.";

interface Task {
  region: string;
  indicator: string;
  agency: string | null;
  answer_type: AnswerType;
  evidence_required: boolean;
  status: string;
}

interface Report {
  state: string;
  receipt_number: string | null;
  late: boolean;
  etag: string;
}

async function signIn(playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }, username: string) {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const response = await anonymous.post("/api/v1/auth/login", { data: { username, password: PASSWORD } });
  expect(response.ok(), `${username} signs in: ${response.status()}`).toBe(true);
  const { token } = (await response.json()) as { token: string };
  await anonymous.dispose();
  return playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
}

type Playwright = Parameters<typeof signIn>[0];

async function ok<T>(response: Awaited<ReturnType<APIRequestContext["get"]>>, what: string): Promise<T> {
  expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

function valueFor(type: Task["answer_type"]): number | boolean {
  return type === "level" ? 3 : type === "yes_no" ? true : type === "percent" ? 80 : 4;
}

/** Every applicable answer of one Pemda, answered and sent by its agencies' operators. */
async function answerEverything(playwright: Playwright, region: string): Promise<number> {
  const coordinator = await signIn(playwright, `koordinator.${region}`);
  const tasks = await ok<{ items: Task[] }>(
    await coordinator.get(`/api/v1/tasks?period=${PERIOD}&region=${region}&limit=500`),
    `tasks of ${region}`,
  );
  await coordinator.dispose();
  const open = tasks.items.filter((t) => t.region === region && !["submitted", "verified"].includes(t.status));
  const agencies = [...new Set(open.map((t) => t.agency))];
  for (const agency of agencies) {
    expect(agency, "every task has a responsible agency").not.toBeNull();
    const operator = await signIn(playwright, `operator.${agency}`);
    for (const task of open.filter((t) => t.agency === agency)) {
      const url = `/api/v1/submissions/${PERIOD}/${region}/${encodeURIComponent(task.indicator)}`;
      let etag = (
        await ok<{ etag: string }>(
          await operator.put(url, {
            data: { value: valueFor(task.answer_type), narrative: "Terlaksana sesuai rencana kerja triwulan." },
          }),
          `answer ${region} ${task.indicator}`,
        )
      ).etag;
      if (task.evidence_required) {
        etag = (
          await ok<{ answer_etag: string }>(
            await operator.post(`${url}/evidence`, {
              multipart: { file: { name: "notulen.pdf", mimeType: "application/pdf", buffer: MINIMAL_PDF } },
            }),
            `evidence ${region} ${task.indicator}`,
          )
        ).answer_etag;
      }
      await ok(await operator.post(`${url}/submit`, { headers: { "If-Match": etag } }), `submit ${task.indicator}`);
    }
    await operator.dispose();
  }
  return open.length;
}

const NARRATIVE = {
  situation: "Situasi politik kondusif; tahapan pemilu berjalan sesuai jadwal.",
  risks: "Potensi gesekan antarpendukung pada masa kampanye.",
  obstacles: "Keterbatasan personel pemantauan di daerah terpencil.",
  conclusion: "Kondisi terkendali; koordinasi dengan Forkopimda dilanjutkan.",
};

/** A regency's or city's report written, submitted and accepted through the API. */
async function reportAccepted(playwright: Playwright, verifier: APIRequestContext, region: string): Promise<void> {
  const coordinator = await signIn(playwright, `koordinator.${region}`);
  const url = `/api/v1/reports/${region}/${PERIOD}`;
  const written = await ok<Report>(
    await coordinator.put(url, {
      data: { ...NARRATIVE, signatory: { name: "Kepala Kesbangpol", nip: "197503101999031002", position: "Kepala Badan" } },
    }),
    `report ${region}`,
  );
  const sent = await ok<Report>(await coordinator.post(`${url}/submit`, { headers: { "If-Match": written.etag } }), `submit ${region}`);
  await coordinator.dispose();
  const accepted = await ok<Report>(await verifier.post(`${url}/accept`, { headers: { "If-Match": sent.etag } }), `accept ${region}`);
  expect(accepted.state).toBe("accepted");
}

async function openReport(page: Page, region: string): Promise<void> {
  await page.goto(`/laporan/${region}/${PERIOD}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

test.use({ viewport: { width: 1366, height: 900 } });

test("the whole chain: operators answer, the coordinator reports, the province returns and accepts, the Ministry accepts the province", async ({
  page,
  playwright,
}) => {
  test.setTimeout(300_000);

  // The administrator opens the quarter.
  const admin = await signIn(playwright, "admin");
  const opened = await ok<{ state: string }>(await admin.post(`/api/v1/periods/${PERIOD}/open`), `open ${PERIOD}`);
  expect(opened.state).toBe("open");
  await admin.dispose();

  // 1. Samarinda's operators answer everything; one answer in the browser, with evidence.
  const kesbangpol = "operator.64.72.kesbangpol";
  await login(page, kesbangpol);
  const mine = await ok<{ items: (Task & { indicator_name: string })[] }>(
    await page.request.get(`/api/v1/tasks?period=${PERIOD}&region=${PEMDA}&limit=500`),
    "the operator's tasks",
  );
  const task = mine.items.find((t) => t.evidence_required) ?? mine.items[0]!;
  const indicator = task.indicator;
  await page.goto(`/tugas?period=${PERIOD}`);
  const row = page.locator(`tr[data-indicator="${indicator}"]`);
  await expect(row).toContainText("Belum diisi");
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: task.indicator_name })).toBeVisible();
  await fillValue(page, task.answer_type, 1);
  await page.getByLabel("Uraian").fill("Rapat koordinasi tim pemantauan dilaksanakan bersama Forkopimda.");
  await page.getByRole("button", { name: "Simpan draf" }).click();
  await expect(page.getByText("Draf tersimpan (versi 1).")).toBeVisible();
  await page.getByLabel("Pilih berkas").setInputFiles({ name: "notulen.pdf", mimeType: "application/pdf", buffer: MINIMAL_PDF });
  await expect(page.getByText("notulen.pdf terunggah.")).toBeVisible();
  await page.getByRole("button", { name: "Kirim untuk verifikasi" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Ya, kirim" }).click();
  await expect(page.getByText("Jawaban dikirim untuk verifikasi.")).toBeVisible();
  await logout(page);
  test.info().annotations.push({ type: "answered in the browser", description: indicator });
  expect(await answerEverything(playwright, PEMDA)).toBeGreaterThan(0);

  // 2. The coordinator writes the report and submits it; it gets a receipt.
  await login(page, COORDINATOR);
  await openReport(page, PEMDA);
  await expect(page.getByText(/Semua jawaban lengkap/)).toBeVisible();
  for (const [label, text] of [
    ["Situasi politik", NARRATIVE.situation],
    ["Potensi konflik", NARRATIVE.risks],
    ["Kendala", NARRATIVE.obstacles],
    ["Kesimpulan", NARRATIVE.conclusion],
  ] as const) {
    await page.getByLabel(label, { exact: true }).fill(text);
  }
  await page.getByLabel("Nama penanda tangan").fill("Drs. Ahmad Yani, M.Si.");
  await page.getByLabel("NIP penanda tangan").fill("197503101999031002");
  await page.getByLabel("Jabatan penanda tangan").fill("Kepala Badan Kesatuan Bangsa dan Politik Kota Samarinda");
  await page.getByRole("button", { name: "Simpan draf" }).click();
  await expect(page.getByText("Draf laporan tersimpan.")).toBeVisible();
  await page.getByRole("button", { name: "Kirim laporan" }).click();
  // The quarter's deadline (10 July 2024) has passed: the receipt says it came late.
  await expect(page.getByText(/Laporan terkirim, tetapi terlambat/)).toBeVisible();
  const receipt = (await page.getByTestId("report-receipt").textContent())!.trim();
  expect(receipt).toMatch(new RegExp(`^TT/${PEMDA.replace(".", "\\.")}/${PERIOD}/\\d{4}$`));
  await logout(page);

  // 3. The province returns it with a reason.
  await login(page, VERIFIER);
  await openReport(page, PEMDA);
  await page.getByRole("button", { name: "Kembalikan", exact: true }).click();
  await page.getByLabel("Alasan pengembalian").fill(RETURN_REASON);
  await page.getByRole("button", { name: "Kembalikan laporan" }).click();
  await expect(page.getByText("Laporan dikembalikan kepada koordinator.")).toBeVisible();
  await logout(page);

  // 4. The coordinator reads the reason, fixes the section and sends it again: same receipt.
  await login(page, COORDINATOR);
  await openReport(page, PEMDA);
  await expect(page.getByText("Laporan dikembalikan untuk diperbaiki")).toBeVisible();
  await expect(page.getByText(RETURN_REASON).first()).toBeVisible();
  await page.getByLabel("Potensi konflik", { exact: true }).fill(FIXED_RISKS);
  await page.getByRole("button", { name: "Simpan draf" }).click();
  await expect(page.getByText("Draf laporan tersimpan.")).toBeVisible();
  await page.getByRole("button", { name: "Kirim laporan" }).click();
  await expect(page.getByText(/Laporan terkirim/)).toBeVisible();
  await expect(page.getByTestId("report-receipt")).toHaveText(receipt);
  await logout(page);

  // 5. The province accepts.
  await login(page, VERIFIER);
  await openReport(page, PEMDA);
  await expect(page.getByText(FIXED_RISKS)).toBeVisible();
  await page.getByRole("button", { name: "Terima", exact: true }).click();
  await expect(page.getByText("Laporan diterima. Jawaban Pemda untuk periode ini kini terkunci.")).toBeVisible();
  await logout(page);
  // Locked: the province can no longer return one of them.
  const locked = await signIn(playwright, "verifikator.64");
  const answerUrl = `/api/v1/submissions/${PERIOD}/${PEMDA}/${encodeURIComponent(indicator)}`;
  const answer = await ok<{ etag: string; status: string }>(await locked.get(answerUrl), "the answer");
  expect(answer.status).toBe("submitted");
  const change = await locked.post(`${answerUrl}/return`, {
    headers: { "If-Match": answer.etag },
    data: { reason: "Dikembalikan setelah laporan diterima." },
  });
  expect(change.status()).toBe(409);
  expect(((await change.json()) as { error: { code: string } }).error.code).toBe("report_accepted");
  await locked.dispose();

  // 6. The province cannot report before its regencies and cities have: then it can.
  const provinceCoordinator = await signIn(playwright, PROVINCE_COORDINATOR);
  const draft = await ok<Report>(
    await provinceCoordinator.put(`/api/v1/reports/${PROVINCE}/${PERIOD}`, {
      data: { ...NARRATIVE, signatory: { name: "Kepala Kesbangpol Provinsi", nip: "197001011995031001", position: "Kepala Badan" } },
    }),
    "the province's draft",
  );
  await answerEverything(playwright, PROVINCE);
  const early = await provinceCoordinator.post(`/api/v1/reports/${PROVINCE}/${PERIOD}/submit`, {
    headers: { "If-Match": draft.etag },
  });
  expect(early.status()).toBe(409);
  expect(((await early.json()) as { error: { code: string } }).error.code).toBe("reports_pending");
  await provinceCoordinator.dispose();

  const verifier = await signIn(playwright, VERIFIER);
  const regions = await ok<{ items: { code: string; level: string; parent_code: string | null }[] }>(
    await verifier.get(`/api/v1/regions?limit=500`),
    "regions",
  );
  const others = regions.items.filter((r) => r.parent_code === PROVINCE && r.code !== PEMDA).map((r) => r.code);
  expect(others.length).toBeGreaterThan(0);
  for (const region of others) {
    await answerEverything(playwright, region);
    await reportAccepted(playwright, verifier, region);
  }
  await verifier.dispose();

  await login(page, PROVINCE_COORDINATOR);
  await openReport(page, PROVINCE);
  await expect(page.getByText(/Semua jawaban lengkap/)).toBeVisible();
  await page.getByRole("button", { name: "Kirim laporan" }).click();
  await expect(page.getByText(/Laporan terkirim/)).toBeVisible();
  await expect(page.getByTestId("report-receipt")).toHaveText(new RegExp(`^TT/${PROVINCE}/${PERIOD}/\\d{4}$`));
  await logout(page);

  // 7. The province's verifier may not accept its own region's report; the Ministry does.
  await login(page, VERIFIER);
  await openReport(page, PROVINCE);
  await expect(page.getByRole("button", { name: "Terima", exact: true })).toHaveCount(0);
  await logout(page);

  await login(page, NATIONAL_VERIFIER);
  await openReport(page, PROVINCE);
  await page.getByRole("button", { name: "Terima", exact: true }).click();
  await expect(page.getByText("Laporan diterima. Jawaban Pemda untuk periode ini kini terkunci.")).toBeVisible();
  // The national list shows the province as reported and accepted, with its receipt.
  await page.goto(`/laporan?period=${PERIOD}`);
  const provinceRow = page.locator("tr", { hasText: "Kalimantan Timur" }).first();
  await expect(provinceRow).toContainText("Diterima");
  await expect(provinceRow).toContainText(`TT/${PROVINCE}/${PERIOD}/`);
  // And Samarinda's report reads as accepted there too, with the receipt it got first.
  await openReport(page, PEMDA);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(PEMDA_NAME);
  await expect(page.getByTestId("report-receipt")).toHaveText(receipt);
});

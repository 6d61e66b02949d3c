import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import { coordinatorMe, period, samarinda, verifierMe } from "../../test/answerFixtures";
import { adminMe, json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { mayReviewReport, mayWriteReport, parentOf } from "./common";
import type { ReportRead, ReportSummary } from "./queries";
import { parseReportFilters, reportSearch } from "./ReportsPage";

function summary(overrides: Partial<ReportSummary> = {}): ReportSummary {
  return {
    period: "2024-Q1",
    region: "64.72",
    region_name: "Kota Samarinda",
    level: "city",
    state: "submitted",
    receipt_number: "TT/64.72/2024-Q1/0003",
    first_submitted_at: "2024-04-10T16:30:00Z",
    submitted_at: "2024-04-10T16:30:00Z",
    accepted_at: null,
    late: true,
    version: 3,
    time_zone: "Asia/Makassar",
    ...overrides,
  };
}

function report(overrides: Partial<ReportRead> = {}): ReportRead {
  return {
    ...summary({ state: "draft", receipt_number: null, first_submitted_at: null, submitted_at: null, late: false, version: 1 }),
    etag: '"r-1"',
    situation: "Kondusif",
    risks: "Sengketa lahan",
    obstacles: "Anggaran",
    conclusion: "Siap",
    signatory: { name: "Drs. Budi", nip: "196801011990031001", position: "Kepala Kesbangpol" },
    submitted_by: null,
    accepted_by: null,
    returned_at: null,
    returned_by: null,
    return_reason: null,
    unaccepted_at: null,
    unaccepted_by: null,
    unaccept_reason: null,
    updated_at: "2024-04-01T00:00:00Z",
    completeness: { applicable: 4, not_started: 0, draft: 0, returned: 0, submitted: 3, verified: 1, complete: true },
    history: [{ version: 1, action: "written", state: "draft", reason: null, actor: "koordinator.64.72", at: "2024-04-01T00:00:00Z" }],
    recommendations: [],
    incidents: { total: 0, open: 0, escalated: 0, by_category: {}, by_severity: {}, cells: [] },
    ...overrides,
  };
}

const REPORT = "/reports/64.72/2024-Q1";
const common = {
  "GET /periods/2024-Q1": () => json(period),
  "GET /regions/64.72": () => json(samarinda),
  "GET /instance": () => json({ name: "Siaga", timezone: "Asia/Jakarta", demo_accounts: [] }),
};

function lastRequest(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request {
  const found = fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
  expect(found.length, `${method} ${path}`).toBeGreaterThan(0);
  return found[found.length - 1]!;
}

describe("who may do what with a report (mirrors reporting/rules.py)", () => {
  it("lets the coordinator of exactly that Pemda, or an admin over it, write", () => {
    expect(mayWriteReport(coordinatorMe, "64.72")).toBe(true);
    expect(mayWriteReport(coordinatorMe, "64.71")).toBe(false);
    expect(mayWriteReport(adminMe, "64")).toBe(true);
    expect(mayWriteReport({ ...adminMe, region_code: "64" }, "64.72")).toBe(true);
    expect(mayWriteReport({ ...adminMe, region_code: "64" }, "65.01")).toBe(false);
    expect(mayWriteReport(verifierMe, "64.72")).toBe(false);
    expect(mayWriteReport(viewerMe, "64.72")).toBe(false);
  });

  it("lets a reviewer exactly one level up accept", () => {
    expect(parentOf("64.72")).toBe("64");
    expect(parentOf("64")).toBeNull();
    expect(mayReviewReport(verifierMe, "64.72")).toBe(true);
    expect(mayReviewReport(verifierMe, "64")).toBe(false);
    expect(mayReviewReport(verifierMe, "64.72.01")).toBe(false);
    expect(mayReviewReport({ ...verifierMe, region_code: null }, "64")).toBe(true);
    expect(mayReviewReport({ ...verifierMe, region_code: null }, "64.72")).toBe(false);
    expect(mayReviewReport(coordinatorMe, "64.72")).toBe(false);
  });
});

describe("the reports list", () => {
  it("keeps period and state in the URL", () => {
    const filters = parseReportFilters(new URLSearchParams("period=2024-Q1&state=accepted&offset=50"));
    expect(filters).toEqual({ period: "2024-Q1", state: "accepted", offset: 50 });
    expect(parseReportFilters(new URLSearchParams("state=bogus")).state).toBeUndefined();
    expect(reportSearch({ period: "2024-Q1", state: "draft", offset: 0 }).toString()).toBe("period=2024-Q1&state=draft");
  });

  it("shows state, receipt, the time on the Pemda's clock and lateness, and filters", async () => {
    const fetchMock = mockApi({
      ...common,
      "GET /periods": () => json(page([period])),
      "GET /reports": () => json(page([summary(), summary({ region: "64.72", period: "2023-Q4", state: "draft", receipt_number: null, first_submitted_at: null, submitted_at: null, late: false })])),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan", session: viewerMe });
    const table = await screen.findByTestId("reports-table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(within(rows[0]!).getByRole("link", { name: "Kota Samarinda" })).toHaveAttribute("href", "/laporan/64.72/2024-Q1");
    expect(within(rows[0]!).getByText("Terkirim")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("TT/64.72/2024-Q1/0003")).toBeInTheDocument();
    // 16.30 UTC is 00.30 the next day in Samarinda (WITA): after the deadline day.
    expect(await within(rows[0]!).findByText(/11 Apr 2024 00\.30 WITA/)).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Terlambat")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Belum dikirim")).toBeInTheDocument();
    // Each row carries its Pemda's zone: no region lookup per row.
    const lookups = fetchMock.mock.calls.map(([r]) => new URL((r as Request).url).pathname);
    expect(lookups.filter((path) => path.startsWith("/api/v1/regions/"))).toEqual([]);

    await user.selectOptions(screen.getByLabelText("Status"), "accepted");
    expect(screen.getByTestId("location")).toHaveTextContent("/laporan?state=accepted");
    await user.selectOptions(screen.getByLabelText("Periode"), "2024-Q1");
    expect(screen.getByTestId("location")).toHaveTextContent("/laporan?period=2024-Q1&state=accepted");
    await waitFor(() => {
      const url = new URL(lastRequest(fetchMock, "GET", "/reports").url);
      expect(url.searchParams.get("period")).toBe("2024-Q1");
      expect(url.searchParams.getAll("state")).toEqual(["accepted"]);
    });
  });

  it("is in the menu of coordinators, verifiers, admins and viewers", async () => {
    mockApi({ ...common, "GET /reports": () => json(page([])), "GET /periods": () => json(page([period])) });
    renderWithProviders(<AppRoutes />, { route: "/laporan", session: coordinatorMe });
    const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
    expect(within(nav).getByRole("link", { name: "Laporan" })).toHaveAttribute("href", "/laporan");
    expect(await screen.findByText("Belum ada laporan Pemda yang ditulis.")).toBeInTheDocument();
  });
});

describe("the coordinator's report", () => {
  it("saves the draft with If-Match and says so when someone else changed it", async () => {
    let puts = 0;
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: () => json(report()),
      [`PUT ${REPORT}`]: async (_url, request) => {
        puts += 1;
        if (puts === 1) {
          const body = (await request.clone().json()) as { situation: string };
          return json(report({ situation: body.situation, etag: '"r-2"', version: 2 }));
        }
        return json({ error: { code: "precondition_failed", message: "Laporan telah diubah orang lain" } }, 412);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: coordinatorMe });
    const situation = await screen.findByLabelText("Situasi politik");
    expect(screen.getByText("Semua jawaban lengkap: 4 dari 4 jawaban sudah dikirim atau diverifikasi.")).toBeInTheDocument();
    await user.type(situation, " dan aman");
    // Unsaved changes are not sent: save first.
    expect(screen.getByRole("button", { name: "Kirim laporan" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    expect(await screen.findByText("Draf laporan tersimpan.")).toBeInTheDocument();
    const put = lastRequest(fetchMock, "PUT", REPORT);
    expect(put.headers.get("if-match")).toBe('"r-1"');
    expect(await put.clone().json()).toMatchObject({
      situation: "Kondusif dan aman",
      signatory: { name: "Drs. Budi", nip: "196801011990031001", position: "Kepala Kesbangpol" },
    });
    expect(screen.getByRole("button", { name: "Kirim laporan" })).toBeEnabled();

    await user.type(screen.getByLabelText("Kendala"), "!");
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    expect(await screen.findByText(/telah diubah orang lain sejak Anda membukanya/)).toBeInTheDocument();
    expect(lastRequest(fetchMock, "PUT", REPORT).headers.get("if-match")).toBe('"r-2"');
    await user.click(screen.getByRole("button", { name: "Muat ulang" }));
    await waitFor(() => expect(screen.getByLabelText("Kendala")).toHaveValue("Anggaran"));
  });

  it("checks the NIP's 18 digits before saving", async () => {
    mockApi({ ...common, [`GET ${REPORT}`]: () => json(report({ version: 0, signatory: { name: "", nip: "", position: "" } })) });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: coordinatorMe });
    await user.type(await screen.findByLabelText("NIP penanda tangan"), "1968");
    expect(screen.getByLabelText("NIP penanda tangan")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("button", { name: "Simpan draf" })).toBeDisabled();
    // An unwritten report (version 0) is saved before it can be sent.
    expect(screen.getByRole("button", { name: "Kirim laporan" })).toBeDisabled();
  });

  it("lists the missing answers on 409, then shows the receipt and lateness once sent", async () => {
    let attempt = 0;
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: () =>
        json(report({ completeness: { applicable: 4, not_started: 1, draft: 1, returned: 0, submitted: 2, verified: 0, complete: false } })),
      [`POST ${REPORT}/submit`]: () => {
        attempt += 1;
        if (attempt === 1) {
          return json(
            {
              error: {
                code: "answers_incomplete",
                message: "2 jawaban belum dikirim atau diverifikasi",
                details: [
                  { indicator: "K1.01", indicator_name: "SK tim", agency: "64.72.kesbangpol", status: null },
                  { indicator: "K2.03", indicator_name: "Anggaran", agency: "64.72.bpkad", status: "draft" },
                ],
              },
            },
            409,
          );
        }
        return json(
          report({
            state: "submitted",
            version: 2,
            etag: '"r-2"',
            receipt_number: "TT/64.72/2024-Q1/0007",
            first_submitted_at: "2024-04-10T16:30:00Z",
            submitted_at: "2024-04-10T16:30:00Z",
            late: true,
          }),
        );
      },
    });
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: coordinatorMe });
    // A score table seen before: it shows each Pemda's report, so sending one makes it stale.
    const scores = ["scores", "table", { period: "2024-Q1", region: "64", view: "official" }];
    queryClient.setQueryData(scores, { items: [] });
    expect(await screen.findByTestId("report-completeness")).toHaveTextContent("2 dari 4 jawaban");
    await user.click(screen.getByRole("button", { name: "Kirim laporan" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("2 jawaban belum dikirim atau diverifikasi:");
    const missing = within(within(alert).getByTestId("report-missing")).getAllByRole("listitem");
    expect(missing.map((li) => li.textContent)).toEqual([
      "K1.01 SK tim — 64.72.kesbangpol (Belum diisi)",
      "K2.03 Anggaran — 64.72.bpkad (Draf)",
    ]);
    expect(lastRequest(fetchMock, "POST", `${REPORT}/submit`).headers.get("if-match")).toBe('"r-1"');

    await user.click(screen.getByRole("button", { name: "Kirim laporan" }));
    expect(
      await screen.findByText("Laporan terkirim, tetapi terlambat (setelah tenggat). Nomor tanda terima: TT/64.72/2024-Q1/0007."),
    ).toBeInTheDocument();
    expect(screen.getByTestId("report-receipt")).toHaveTextContent("TT/64.72/2024-Q1/0007");
    expect(queryClient.getQueryState(scores)?.isInvalidated).toBe(true);
    // Sent: read only now, no editor and no send button.
    expect(screen.queryByLabelText("Situasi politik")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Kirim laporan" })).not.toBeInTheDocument();
    expect(screen.getByText("Kondusif")).toBeInTheDocument();
  });

  it("lists a province's regency and city reports not accepted yet", async () => {
    const province = { ...samarinda, code: "64", name: "Kalimantan Timur", level: "province" as const, parent_code: null };
    mockApi({
      ...common,
      "GET /regions/64": () => json(province),
      "GET /reports/64/2024-Q1": () => json(report({ region: "64", region_name: "Kalimantan Timur", level: "province" })),
      "POST /reports/64/2024-Q1/submit": () =>
        json(
          {
            error: {
              code: "reports_pending",
              message: "1 laporan kabupaten/kota belum diterima",
              details: [{ region: "64.72", region_name: "Kota Samarinda", state: "submitted" }, { region: "64.71", region_name: "Kota Balikpapan", state: null }],
            },
          },
          409,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, {
      route: "/laporan/64/2024-Q1",
      session: { ...coordinatorMe, region_code: "64", region_name: "Kalimantan Timur" },
    });
    await user.click(await screen.findByRole("button", { name: "Kirim laporan" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("2 laporan kabupaten/kota belum diterima:");
    expect(within(alert).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Kota Samarinda (64.72) — Terkirim",
      "Kota Balikpapan (64.71) — Belum ditulis",
    ]);
  });

  it("shows the returned reason to fix", async () => {
    mockApi({
      ...common,
      [`GET ${REPORT}`]: () =>
        json(report({ state: "returned", return_reason: "Lengkapi potensi konflik", returned_by: "verifikator.64", returned_at: "2024-04-12T01:00:00Z" })),
    });
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: coordinatorMe });
    expect(await screen.findByText("Laporan dikembalikan untuk diperbaiki")).toBeInTheDocument();
    expect(screen.getByText("“Lengkapi potensi konflik”")).toBeInTheDocument();
    expect(screen.getByLabelText("Potensi konflik")).toHaveValue("Sengketa lahan");
  });
});

describe("the verifier one level up", () => {
  const sent = () => json(report({ state: "submitted", version: 2, etag: '"r-2"', receipt_number: "TT/64.72/2024-Q1/0003", first_submitted_at: "2024-04-09T01:00:00Z", submitted_at: "2024-04-09T01:00:00Z" }));

  it("returns with a reason of the server's minimum length, shown before sending", async () => {
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: sent,
      [`POST ${REPORT}/return`]: () => json(report({ state: "returned", version: 3, etag: '"r-3"', return_reason: "Potensi konflik belum rinci" })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: verifierMe });
    expect(await screen.findByRole("button", { name: "Terima" })).toBeEnabled();
    expect(screen.queryByLabelText("Situasi politik")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Kembalikan" }));
    expect(screen.getByText(/15 karakter/)).toBeInTheDocument();
    const confirm = screen.getByRole("button", { name: "Kembalikan laporan" });
    await user.type(screen.getByLabelText("Alasan pengembalian"), "Kurang");
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText("Alasan pengembalian"), " rinci sekali");
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    expect(await screen.findByText("Laporan dikembalikan kepada koordinator.")).toBeInTheDocument();
    const post = lastRequest(fetchMock, "POST", `${REPORT}/return`);
    expect(post.headers.get("if-match")).toBe('"r-2"');
    expect(await post.clone().json()).toEqual({ reason: "Kurang rinci sekali" });
  });

  it("accepts, then may withdraw the acceptance", async () => {
    mockApi({
      ...common,
      [`GET ${REPORT}`]: sent,
      [`POST ${REPORT}/accept`]: () => json(report({ state: "accepted", version: 3, etag: '"r-3"', accepted_at: "2024-04-12T02:00:00Z", accepted_by: "verifikator.64" })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: verifierMe });
    await user.click(await screen.findByRole("button", { name: "Terima" }));
    expect(await screen.findByText(/Laporan diterima/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Terima" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Batalkan penerimaan" }));
    expect(screen.getByLabelText("Alasan pembatalan penerimaan")).toBeInTheDocument();
  });

  it("offers nothing on the verifier's own region's report", async () => {
    const province = { ...samarinda, code: "64", name: "Kalimantan Timur", level: "province" as const, parent_code: null };
    mockApi({
      ...common,
      "GET /regions/64": () => json(province),
      "GET /reports/64/2024-Q1": () => json(report({ region: "64", region_name: "Kalimantan Timur", level: "province", state: "submitted" })),
    });
    renderWithProviders(<AppRoutes />, { route: "/laporan/64/2024-Q1", session: verifierMe });
    expect(await screen.findByRole("heading", { name: "Laporan Kalimantan Timur" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Terima" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Kembalikan" })).not.toBeInTheDocument();
  });
});

describe("a closed period", () => {
  it("offers the coordinator no editor, and says why", async () => {
    mockApi({
      ...common,
      "GET /periods/2024-Q1": () => json({ ...period, state: "closed" }),
      [`GET ${REPORT}`]: () => json(report()),
    });
    renderWithProviders(<AppRoutes />, { route: "/laporan/64.72/2024-Q1", session: coordinatorMe });
    expect(await screen.findByText(/Periode ini tidak sedang dibuka; laporan tidak dapat diubah/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Situasi politik")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Kirim laporan" })).not.toBeInTheDocument();
    expect(screen.getByText("Kondusif")).toBeInTheDocument();
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import type { AgencyRead, RegionDetail } from "../../api/client";
import { coordinatorMe, operatorMe, period, samarinda as samarindaBase } from "../../test/answerFixtures";
import { adminMe, json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import type { ReportRead } from "./queries";
import type { RecommendationRead } from "./recommendationQueries";
import { mayAddRecommendation, mayFollowUp } from "./Recommendations";
import { RegionRecommendations } from "./RegionRecommendations";

const samarinda: RegionDetail = { ...samarindaBase, agencies_count: 2 };

function agency(code: string, name: string, overrides: Partial<AgencyRead> = {}): AgencyRead {
  return {
    code,
    name,
    type_code: code.split(".").pop() ?? "",
    type_name: name,
    region_code: "64.72",
    region_name: "Kota Samarinda",
    is_active: true,
    ...overrides,
  };
}

function rec(overrides: Partial<RecommendationRead> = {}): RecommendationRead {
  return {
    id: 1,
    period: "2024-Q1",
    region: "64.72",
    agency: "64.72.kesbangpol",
    agency_name: "Kesbangpol Kota Samarinda",
    text: "Perkuat patroli di kecamatan rawan",
    due_on: "2024-03-31",
    status: "open",
    follow_up: "",
    overdue: false,
    carried: false,
    version: 1,
    etag: '"recommendation-1-1"',
    created_at: "2024-02-01T02:00:00Z",
    created_by: "koordinator.64.72",
    updated_at: "2024-02-01T02:00:00Z",
    updated_by: "koordinator.64.72",
    done_at: null,
    ...overrides,
  };
}

function report(overrides: Partial<ReportRead> = {}): ReportRead {
  return {
    period: "2024-Q1",
    region: "64.72",
    region_name: "Kota Samarinda",
    level: "city",
    state: "draft",
    receipt_number: null,
    first_submitted_at: null,
    submitted_at: null,
    accepted_at: null,
    late: false,
    version: 1,
    time_zone: "Asia/Makassar",
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
    history: [],
    recommendations: [],
    incidents: { total: 0, open: 0, escalated: 0, by_category: {}, by_severity: {}, cells: [] },
    ...overrides,
  };
}

const REPORT = "/reports/64.72/2024-Q1";
const ROUTE = "/laporan/64.72/2024-Q1";
const common = {
  "GET /periods/2024-Q1": () => json(period),
  "GET /regions/64.72": () => json(samarinda),
  "GET /instance": () => json({ name: "Siaga", timezone: "Asia/Jakarta", demo_accounts: [] }),
  "GET /agencies": () =>
    json(
      page([
        agency("64.72.bpkad", "BPKAD Kota Samarinda"),
        agency("64.72.kesbangpol", "Kesbangpol Kota Samarinda"),
        agency("64.72.lama", "Dinas Lama", { is_active: false }),
      ]),
    ),
};

function requests(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request[] {
  return fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
}

const invalid = (code: string, field: string, extra: Record<string, unknown> = {}) =>
  json({ error: { code, message: `${code} (server)`, details: [{ field, message: code, ...extra }] } }, 422);

describe("who may add and follow up recommendations (mirrors recommendation_rules.py)", () => {
  it("lets the report's writer add while it is a draft or returned and the period open", () => {
    const draft = { region: "64.72", state: "draft" as const };
    expect(mayAddRecommendation(coordinatorMe, draft, true)).toBe(true);
    expect(mayAddRecommendation(coordinatorMe, { ...draft, state: "returned" }, true)).toBe(true);
    expect(mayAddRecommendation(coordinatorMe, { ...draft, state: "submitted" }, true)).toBe(false);
    expect(mayAddRecommendation(coordinatorMe, draft, false)).toBe(false);
    expect(mayAddRecommendation({ ...adminMe, region_code: "64" }, draft, true)).toBe(true);
    expect(mayAddRecommendation(operatorMe, draft, true)).toBe(false);
    expect(mayAddRecommendation(viewerMe, draft, true)).toBe(false);
  });

  it("lets the writer and the responsible agency's operators follow up", () => {
    expect(mayFollowUp(coordinatorMe, rec())).toBe(true);
    expect(mayFollowUp({ ...coordinatorMe, region_code: "64.71" }, rec())).toBe(false);
    expect(mayFollowUp(adminMe, rec())).toBe(true);
    expect(mayFollowUp(operatorMe, rec())).toBe(true);
    expect(mayFollowUp(operatorMe, rec({ agency: "64.72.bpkad" }))).toBe(false);
    expect(mayFollowUp(viewerMe, rec())).toBe(false);
  });
});

describe("the report's recommendations", () => {
  it("shows each one with its agency, due date, status, flags, note and last change, read-only for a viewer", async () => {
    mockApi({
      ...common,
      [`GET ${REPORT}`]: () =>
        json(
          report({
            state: "submitted",
            recommendations: [
              rec({ status: "in_progress", follow_up: "Patroli gabungan dimulai", updated_by: "operator.64.72.kesbangpol", updated_at: "2024-03-01T03:00:00Z" }),
              rec({ id: 2, period: "2023-Q4", carried: true, overdue: true, text: "Mutakhirkan peta konflik", agency: "64.72.bpkad", agency_name: "BPKAD Kota Samarinda", due_on: "2023-12-31" }),
            ],
          }),
        ),
    });
    renderWithProviders(<AppRoutes />, { route: ROUTE, session: viewerMe });
    const list = await screen.findByTestId("recommendations");
    const [first, second] = within(list).getAllByRole("listitem");
    expect(screen.getByRole("heading", { name: "Rekomendasi" })).toBeInTheDocument();
    expect(within(first!).getByText("Sedang ditindaklanjuti")).toBeInTheDocument();
    expect(within(first!).getByText("Perkuat patroli di kecamatan rawan")).toBeInTheDocument();
    expect(within(first!).getByText("Kesbangpol Kota Samarinda")).toBeInTheDocument();
    expect(within(first!).getByText("31 Mar 2024")).toBeInTheDocument();
    expect(within(first!).getByText("Patroli gabungan dimulai")).toBeInTheDocument();
    // 03.00 UTC is 11.00 in Samarinda (WITA).
    expect(await within(first!).findByText(/1 Mar 2024 11\.00 WITA/)).toBeInTheDocument();
    expect(within(first!).getByText(/operator\.64\.72\.kesbangpol/)).toBeInTheDocument();
    expect(within(first!).queryByText("Lewat tenggat")).not.toBeInTheDocument();

    expect(within(second!).getByText("Terbuka")).toBeInTheDocument();
    expect(within(second!).getByText("Lewat tenggat")).toBeInTheDocument();
    expect(within(second!).getByText("Dari periode sebelumnya 2023-Q4")).toBeInTheDocument();
    expect(within(second!).getByText("Belum ada catatan tindak lanjut.")).toBeInTheDocument();

    expect(screen.queryByRole("button", { name: "Tindak lanjuti" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Tambah rekomendasi" })).not.toBeInTheDocument();
  });

  it("checks the coordinator's new recommendation, shows the server's 422 next to its field, then adds it", async () => {
    let posts = 0;
    const stored: RecommendationRead[] = [];
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: () => json(report({ recommendations: [...stored] })),
      [`POST ${REPORT}/recommendations`]: () => {
        posts += 1;
        if (posts === 1) return invalid("invalid_agency", "agency", { agency: "64.72.bpkad" });
        if (posts === 2) return invalid("due_before_period", "due_on", { due_on: "2024-01-01", period_start: "2024-01-01" });
        stored.push(rec({ id: 9, agency: "64.72.bpkad", agency_name: "BPKAD Kota Samarinda", text: "Sediakan anggaran", due_on: "2024-06-30" }));
        return json(stored[0], 201);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: ROUTE, session: coordinatorMe });
    expect(await screen.findByText("Belum ada rekomendasi.")).toBeInTheDocument();
    const add = screen.getByRole("button", { name: "Tambah rekomendasi" });

    // Nothing filled in: the same checks as the server, before sending.
    await user.click(add);
    expect(screen.getByText("Tuliskan isi rekomendasi.")).toBeInTheDocument();
    expect(screen.getByText("Pilih perangkat daerah penanggung jawab.")).toBeInTheDocument();
    expect(screen.getByText("Isi tanggal tenggat.")).toBeInTheDocument();
    expect(requests(fetchMock, "POST", `${REPORT}/recommendations`)).toHaveLength(0);

    // Only the Pemda's active agencies are offered.
    const select = screen.getByLabelText("Penanggung jawab");
    await waitFor(() => expect(within(select).getAllByRole("option")).toHaveLength(3));
    expect(within(select).queryByRole("option", { name: "Dinas Lama" })).not.toBeInTheDocument();
    const agencies = new URL(requests(fetchMock, "GET", "/agencies")[0]!.url);
    expect(agencies.searchParams.get("region")).toBe("64.72");

    await user.type(screen.getByLabelText("Isi rekomendasi"), "  Sediakan anggaran ");
    await user.selectOptions(select, "64.72.bpkad");
    const due = screen.getByLabelText("Tenggat");
    await user.type(due, "2023-12-31");
    await user.click(add);
    expect(screen.getByText("Tenggat tidak boleh sebelum awal periode (1 Jan 2024).")).toBeInTheDocument();
    expect(requests(fetchMock, "POST", `${REPORT}/recommendations`)).toHaveLength(0);

    await user.clear(due);
    await user.type(due, "2024-06-30");
    await user.click(add);
    expect(await screen.findByText("Perangkat daerah penanggung jawab harus perangkat daerah aktif Pemda ini")).toBeInTheDocument();
    expect(select).toHaveAttribute("aria-invalid", "true");
    const body = (await requests(fetchMock, "POST", `${REPORT}/recommendations`)[0]!.clone().json()) as unknown;
    expect(body).toEqual({ text: "Sediakan anggaran", agency: "64.72.bpkad", due_on: "2024-06-30" });

    await user.click(add);
    expect(await screen.findByText("Tenggat tidak boleh sebelum awal periode (1 Jan 2024).")).toBeInTheDocument();
    expect(due).toHaveAttribute("aria-invalid", "true");
    expect(select).not.toHaveAttribute("aria-invalid");

    await user.click(add);
    expect(await screen.findByText("Rekomendasi ditambahkan.")).toBeInTheDocument();
    const list = screen.getByTestId("recommendations");
    expect(within(list).getByText("Sediakan anggaran")).toBeInTheDocument();
    expect(within(list).getByText("BPKAD Kota Samarinda")).toBeInTheDocument();
    expect(screen.getByLabelText("Isi rekomendasi")).toHaveValue("");
  });

  it("offers no add form once the report is sent, and says why to its writer", async () => {
    mockApi({ ...common, [`GET ${REPORT}`]: () => json(report({ state: "submitted", recommendations: [rec()] })) });
    renderWithProviders(<AppRoutes />, { route: ROUTE, session: coordinatorMe });
    expect(await screen.findByText(/hanya dapat ditambahkan selama laporan berstatus draf/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Tambah rekomendasi" })).not.toBeInTheDocument();
    // Follow-up goes on whatever the report's state.
    expect(screen.getByRole("button", { name: "Tindak lanjuti" })).toBeInTheDocument();
  });

  it("lets the responsible agency's operator follow up: done needs a note, sent with If-Match", async () => {
    let first = rec({ overdue: true });
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: () =>
        json(report({ state: "accepted", recommendations: [first, rec({ id: 2, agency: "64.72.bpkad", agency_name: "BPKAD Kota Samarinda" })] })),
      "PATCH /recommendations/1": async (_url, request) => {
        const body = (await request.clone().json()) as { status: "done"; follow_up: string };
        first = rec({ ...body, version: 2, etag: '"recommendation-1-2"', updated_by: "operator.64.72.kesbangpol", done_at: "2024-04-02T00:00:00Z" });
        return json(first);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: ROUTE, session: operatorMe });
    const list = await screen.findByTestId("recommendations");
    const [mine, other] = within(list).getAllByRole("listitem");
    expect(within(other!).queryByRole("button", { name: "Tindak lanjuti" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Tambah rekomendasi" })).not.toBeInTheDocument();

    await user.click(within(mine!).getByRole("button", { name: "Tindak lanjuti" }));
    await user.selectOptions(within(mine!).getByLabelText("Status"), "done");
    await user.click(within(mine!).getByRole("button", { name: "Simpan tindak lanjut" }));
    expect(within(mine!).getByText(/Status Selesai memerlukan catatan tindak lanjut/)).toBeInTheDocument();
    expect(requests(fetchMock, "PATCH", "/recommendations/1")).toHaveLength(0);

    await user.type(within(mine!).getByLabelText("Catatan tindak lanjut"), "Patroli berjalan tiap pekan");
    await user.click(within(mine!).getByRole("button", { name: "Simpan tindak lanjut" }));
    expect(await within(mine!).findByText("Tindak lanjut tersimpan.")).toBeInTheDocument();
    const patch = requests(fetchMock, "PATCH", "/recommendations/1")[0]!;
    expect(patch.headers.get("if-match")).toBe('"recommendation-1-1"');
    expect(await patch.clone().json()).toEqual({ status: "done", follow_up: "Patroli berjalan tiap pekan" });
    expect(within(mine!).getByText("Selesai")).toBeInTheDocument();
    expect(within(mine!).getByText("Patroli berjalan tiap pekan")).toBeInTheDocument();
    expect(within(mine!).queryByText("Lewat tenggat")).not.toBeInTheDocument();
  });

  it("asks for a new note to reopen a done one, and offers a reload when someone else changed it", async () => {
    let patches = 0;
    const fetchMock = mockApi({
      ...common,
      [`GET ${REPORT}`]: () => json(report({ recommendations: [rec({ status: "done", follow_up: "Sudah" })] })),
      "PATCH /recommendations/1": () => {
        patches += 1;
        if (patches === 1) return invalid("follow_up_required", "follow_up");
        return json({ error: { code: "precondition_failed", message: "Rekomendasi telah diubah orang lain" } }, 412);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: ROUTE, session: coordinatorMe });
    await user.click(await screen.findByRole("button", { name: "Tindak lanjuti" }));
    const note = screen.getByLabelText("Catatan tindak lanjut");
    expect(note).toHaveValue("Sudah");
    await user.selectOptions(screen.getByLabelText("Status"), "in_progress");
    await user.click(screen.getByRole("button", { name: "Simpan tindak lanjut" }));
    expect(screen.getByText(/mengapa rekomendasi yang sudah selesai dibuka kembali/)).toBeInTheDocument();
    expect(requests(fetchMock, "PATCH", "/recommendations/1")).toHaveLength(0);

    await user.type(note, ", tetapi muncul lagi");
    await user.click(screen.getByRole("button", { name: "Simpan tindak lanjut" }));
    // The server's own refusal lands next to the note too.
    expect(await screen.findByText("Tuliskan catatan tindak lanjut")).toBeInTheDocument();
    expect(note).toHaveAttribute("aria-invalid", "true");
    expect(await requests(fetchMock, "PATCH", "/recommendations/1")[0]!.clone().json()).toEqual({
      status: "in_progress",
      follow_up: "Sudah, tetapi muncul lagi",
    });

    await user.click(screen.getByRole("button", { name: "Simpan tindak lanjut" }));
    expect(await screen.findByText(/Rekomendasi ini telah diubah orang lain/)).toBeInTheDocument();
    const gets = requests(fetchMock, "GET", REPORT).length;
    await user.click(screen.getByRole("button", { name: "Muat ulang" }));
    await waitFor(() => expect(requests(fetchMock, "GET", REPORT).length).toBeGreaterThan(gets));
  });
});

describe("the region page's open recommendations", () => {
  it("lists those not done as the newest period sees them, with a link to their report", async () => {
    const fetchMock = mockApi({
      "GET /periods": () =>
        json(page([period, { ...period, code: "2024-Q2", name: "Triwulan II 2024", start_date: "2024-04-01", state: "planned" }, { ...period, code: "2023-Q4", start_date: "2023-10-01", state: "closed" }])),
      "GET /reports/64.72/2024-Q1/recommendations": () =>
        json({
          items: [
            rec({ id: 3, status: "done", text: "Selesai dikerjakan" }),
            rec({ id: 2, period: "2023-Q4", carried: true, overdue: true, text: "Mutakhirkan peta konflik" }),
          ],
        }),
    });
    renderWithProviders(<RegionRecommendations code="64.72" />, { session: viewerMe });
    const list = await screen.findByTestId("region-recommendations");
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(1);
    expect(within(items[0]!).getByText("Mutakhirkan peta konflik")).toBeInTheDocument();
    expect(within(items[0]!).getByText("Lewat tenggat")).toBeInTheDocument();
    expect(within(items[0]!).getByRole("link", { name: "Laporan 2023-Q4" })).toHaveAttribute("href", "/laporan/64.72/2023-Q4");
    expect(requests(fetchMock, "GET", "/reports/64.72/2024-Q2/recommendations")).toHaveLength(0);
  });

  it("shows nothing where the region is no Pemda", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([period])),
      "GET /reports/00/2024-Q1/recommendations": () => json({ error: { code: "report_not_found", message: "x" } }, 404),
    });
    const { container } = renderWithProviders(<RegionRecommendations code="00" />, { session: viewerMe });
    await waitFor(() => expect(requests(fetchMock, "GET", "/reports/00/2024-Q1/recommendations")).toHaveLength(1));
    await waitFor(() => expect(container.querySelector("section")).toBeNull());
  });
});

import type { AgencyRead, RegionDetail } from "../api/client";
import type { ReportRead } from "../pages/reports/queries";
import type { RecommendationRead } from "../pages/reports/recommendationQueries";
import { period, samarinda as samarindaBase } from "./answerFixtures";
import { json, mockApi, page } from "./utils";

// A Pemda report of Samarinda for 2024-Q1 with its recommendations, as the API sends them.
const samarinda: RegionDetail = { ...samarindaBase, agencies_count: 2 };

export function agency(code: string, name: string, overrides: Partial<AgencyRead> = {}): AgencyRead {
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

export function rec(overrides: Partial<RecommendationRead> = {}): RecommendationRead {
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
    evidence: [],
    ...overrides,
  };
}

export function report(overrides: Partial<ReportRead> = {}): ReportRead {
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

export const REPORT = "/reports/64.72/2024-Q1";
export const ROUTE = "/laporan/64.72/2024-Q1";
export const common = {
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

export function requests(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request[] {
  return fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
}

export const invalid = (code: string, field: string, extra: Record<string, unknown> = {}) =>
  json({ error: { code, message: `${code} (server)`, details: [{ field, message: code, ...extra }] } }, 422);

import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import type { ReportSummary } from "./queries";
import { periods, table, trend } from "../../test/scoreFixtures";
import { adminMe, json, mockApi, page, renderWithProviders, requestedUrls, viewerMe } from "../../test/utils";

// The dashboard's map module draws on a canvas, which jsdom lacks.
vi.mock("../dashboard/echartsMap", () => ({ drawMap: vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })) }));

const notFound = () => json({ error: { code: "not_found", message: "Not Found" } }, 404);

function summary(overrides: Partial<ReportSummary>): ReportSummary {
  return {
    period: "2023-Q3",
    region: "64.72",
    region_name: "Kota Samarinda",
    level: "city",
    state: "accepted",
    receipt_number: "TT/64.72/2023-Q3/0001",
    first_submitted_at: "2023-10-05T02:00:00Z",
    submitted_at: "2023-10-05T02:00:00Z",
    accepted_at: "2023-10-06T02:00:00Z",
    late: false,
    version: 3,
    time_zone: "Asia/Makassar",
    ...overrides,
  };
}

describe("report states outside the reports pages", () => {
  it("shows each Pemda's report state and timeliness on the region page", async () => {
    const fetchMock = mockApi({
      "GET /regions/64.72": () =>
        json({
          code: "64.72",
          name: "Kota Samarinda",
          level: "city",
          parent_code: "64",
          parent_name: "Kalimantan Timur",
          bps_code: null,
          time_zone: "Asia/Makassar",
          time_zone_abbreviation: "WITA",
          own_time_zone: null,
          children_count: 0,
          agencies_count: 0,
        }),
      "GET /agencies": () => json(page([])),
      "GET /reports": () => json(page([summary({}), summary({ period: "2023-Q2", state: "submitted", late: true, accepted_at: null })])),
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72", session: viewerMe });
    const table = await screen.findByTestId("region-reports");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(within(rows[0]!).getByText("Diterima")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Tepat waktu")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Terkirim")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Terlambat")).toBeInTheDocument();
    expect(within(rows[1]!).getByRole("link", { name: "Kota Samarinda" })).toHaveAttribute("href", "/laporan/64.72/2023-Q2");
    const call = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/reports")!;
    expect(call.searchParams.get("region")).toBe("64.72");
  });

  it("shows on the provincial dashboard which Pemda have reported, from the score table", async () => {
    const fetchMock = mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /periods": () => json(page(periods)),
      "GET /scores": () => json(table),
      "GET /scores/64/trend": () => json(trend),
      "GET /regions/boundaries": notFound,
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    const panel = await screen.findByTestId("dashboard-reports");
    expect(panel).toHaveTextContent("2 dari 4 Pemda sudah mengirim laporan (1 diterima, 1 terlambat).");
    const chips = within(panel).getAllByRole("listitem").map((li) => li.textContent);
    expect(chips).toEqual([
      "Kalimantan TimurBelum ada",
      "Kabupaten PaserTerkirimTerlambat",
      "Kabupaten Mahakam UluDraf",
      "Kota SamarindaDiterimaTepat waktu",
    ]);
    expect(within(panel).getByRole("link", { name: "Kabupaten Paser" })).toHaveAttribute("href", "/laporan/64.01/2023-Q3");
    // Each Pemda's report comes with its score (GET /scores): no list of reports is fetched.
    expect(requestedUrls(fetchMock).some((u) => u.pathname === "/api/v1/reports")).toBe(false);
  });

  it("shows on the national view which provinces have reported", async () => {
    mockApi({
      "GET /periods": () => json(page(periods)),
      "GET /regions": () =>
        json(
          page([
            { code: "64", name: "Kalimantan Timur", level: "province", parent_code: null, bps_code: null },
            { code: "65", name: "Kalimantan Utara", level: "province", parent_code: null, bps_code: null },
          ]),
        ),
      "GET /reports": () =>
        json(page([summary({ region: "64", region_name: "Kalimantan Timur", level: "province" }), summary({})])),
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: adminMe });
    const panel = await screen.findByTestId("dashboard-reports");
    expect(panel).toHaveTextContent("1 dari 2 provinsi sudah mengirim laporan (1 diterima, 0 terlambat).");
    expect(within(panel).getByRole("link", { name: "Kalimantan Utara" })).toHaveAttribute("href", "/laporan/65/2023-Q3");
  });
});

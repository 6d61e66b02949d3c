import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "./App";
import type { FrameworkRead, PeriodRead, RegionDetail } from "./api/client";
import { json, mockApi, page, renderWithProviders, requestedUrls } from "./test/utils";

const samarinda: RegionDetail = {
  code: "64.72",
  name: "Kota Samarinda",
  level: "city",
  parent_code: "64",
  bps_code: "6472",
  time_zone: "Asia/Makassar",
  time_zone_abbreviation: "WITA",
  own_time_zone: null,
  parent_name: "Kalimantan Timur",
  children_count: 0,
  agencies_count: 1,
};

const periods: PeriodRead[] = [
  { code: "2023-Q4", name: "Triwulan IV 2023", framework_code: "PEMILU2024", start_date: "2023-10-01", end_date: "2023-12-31", deadline: "2024-01-15", state: "open", opened_at: "2023-10-01T00:00:00Z", closed_at: null },
  { code: "2023-Q3", name: "Triwulan III 2023", framework_code: "PEMILU2024", start_date: "2023-07-01", end_date: "2023-09-30", deadline: "2023-10-15", state: "closed", opened_at: "2023-07-01T00:00:00Z", closed_at: "2023-10-20T00:00:00Z" },
];

const framework: FrameworkRead = {
  code: "PEMILU2024",
  name: "Dukungan Pemerintah Daerah pada Pemilu 2024",
  description: "Kerangka bawaan",
  is_active: true,
  status: "published",
  published_at: "2024-01-01T00:00:00Z",
  copied_from: null,
  dimension_count: 1,
  indicator_count: 1,
  dimensions: [
    {
      code: "K1",
      name: "Kelembagaan dan Koordinasi",
      weight: 15,
      position: 1,
      indicators: [
        {
          code: "K1.03",
          name: "Rapat koordinasi dengan KPU, Bawaslu dan Forkopimda",
          guidance: "",
          answer_type: "count",
          target: 3,
          weight: 1,
          agency_type: "kesbangpol",
          levels: ["province", "regency", "city"],
          evidence_required: true,
          evidence_guidance: "undangan, notulen, daftar hadir",
        },
      ],
    },
  ],
  thresholds: [
    { category: "belum_siap", label: "Belum Siap", label_en: "Not ready", min_score: 0 },
    { category: "siap", label: "Siap", label_en: "Ready", min_score: 80 },
  ],
  level_rubric: [{ level: 0, label: "Belum ada" }],
};

describe("app routes", () => {
  it("shows the SPA's 404 page for an unknown path", async () => {
    mockApi({});
    renderWithProviders(<AppRoutes />, { route: "/tidak-ada" });
    expect(await screen.findByRole("heading", { name: "Halaman tidak ditemukan" })).toBeInTheDocument();
  });

  it("shows a region with a dotted code, its children and agencies", async () => {
    const fetchMock = mockApi({
      "GET /regions/64.72": () => json(samarinda),
      "GET /agencies": () =>
        json(page([{ code: "64.72.kesbangpol", name: "Kesbangpol Kota Samarinda", type_code: "kesbangpol", type_name: "Kesbangpol", region_code: "64.72", region_name: "Kota Samarinda" }])),
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72" });

    expect(await screen.findByRole("heading", { level: 1, name: /Kota Samarinda/ })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Kalimantan Timur" })).toHaveAttribute("href", "/wilayah/64");
    expect(await screen.findByText("Kesbangpol Kota Samarinda")).toBeInTheDocument();
    const agencies = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/agencies");
    expect(agencies?.searchParams.get("region")).toBe("64.72");
  });

  it("asks for the child regions of a province", async () => {
    const fetchMock = mockApi({
      "GET /regions/64": () => json({ ...samarinda, code: "64", name: "Kalimantan Timur", level: "province", parent_code: null, parent_name: null, children_count: 1, agencies_count: 0 }),
      "GET /regions": () => json(page([{ code: "64.72", name: "Kota Samarinda", level: "city", parent_code: "64", bps_code: null }])),
      "GET /agencies": () => json(page([])),
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64" });

    expect(await screen.findByRole("link", { name: "Kota Samarinda" })).toHaveAttribute("href", "/wilayah/64.72");
    expect(await screen.findByText("Belum ada perangkat daerah terdaftar untuk wilayah ini.")).toBeInTheDocument();
    const children = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/regions");
    expect(children?.searchParams.get("parent")).toBe("64");
  });

  it("lists periods with translated states and dates", async () => {
    mockApi({ "GET /periods": () => json(page(periods)) });
    renderWithProviders(<AppRoutes />, { route: "/periode" });

    const row = (await screen.findByText("Triwulan IV 2023")).closest("tr")!;
    expect(within(row).getByText("Dibuka")).toBeInTheDocument();
    expect(within(row).getByText("15 Jan 2024")).toHaveAttribute("datetime", "2024-01-15");
    expect(screen.getByText("Ditutup")).toBeInTheDocument();
  });

  it("shows a framework's dimensions, indicators, thresholds and rubric", async () => {
    mockApi({ "GET /frameworks/PEMILU2024": () => json(framework) });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2024" });

    const row = (await screen.findByText("Rapat koordinasi dengan KPU, Bawaslu dan Forkopimda")).closest("tr")!;
    expect(within(row).getByText("Jumlah")).toBeInTheDocument();
    expect(within(row).getByText("Provinsi, Kabupaten, Kota")).toBeInTheDocument();
    expect(within(row).getByText("Wajib")).toBeInTheDocument();
    expect(screen.getByText("Bobot dimensi: 15")).toBeInTheDocument();
    expect(screen.getByText("Siap")).toBeInTheDocument();
    expect(screen.getByText("≥ 80")).toBeInTheDocument();
    expect(screen.getByText("Belum ada")).toBeInTheDocument();
  });

  it("shows counts from the API on the home page", async () => {
    mockApi({
      "GET /regions": () => json(page([], 552, 1)),
      "GET /frameworks": () => json(page([{ ...framework, dimensions: undefined }])),
      "GET /periods": () => json(page(periods)),
    });
    renderWithProviders(<AppRoutes />, { route: "/tentang" });

    expect(await screen.findByText("552")).toBeInTheDocument();
    expect(await screen.findByText("Dukungan Pemerintah Daerah pada Pemilu 2024")).toBeInTheDocument();
    expect(screen.getByText("1")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Lihat kerangka" })).toHaveAttribute("href", "/kerangka/PEMILU2024");
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { coordinatorMe, operatorMe, samarinda, verifierMe } from "../../test/answerFixtures";
import { adminMe, json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { incidentPath, mayFileIncident, numberFromPath } from "./common";
import { occurredAt } from "./IncidentFormPage";
import { layerPoints } from "./IncidentMapLayer";
import { incidentSearch, parseIncidentFilters } from "./IncidentsPage";
import { downscalePhoto, fitWithin, jpegName } from "./photos";
import { incidentsExportUrl, type IncidentRead, type IncidentSummary } from "./queries";
import { byMonth, monthLabel } from "./RegionIncidents";

// The maps draw on a canvas, which jsdom lacks.
vi.mock("../dashboard/echartsMap", () => ({ drawMap: vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })) }));
vi.mock("./incidentMaps", () => ({
  drawLayer: vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })),
  drawPicker: vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })),
}));

const NUMBER = "LC/64.72/2024/0007";
const ENCODED = "/incidents/LC%2F64.72%2F2024%2F0007";

function summary(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    number: NUMBER,
    region: "64.72",
    region_name: "Kota Samarinda",
    category: "konflik_pendukung",
    severity: "kritis",
    state: "reported",
    level: "pemda",
    title: "Bentrok pendukung di sekitar TPS",
    occurred_at: "2024-02-14T05:00:00Z",
    occurred_on: "2024-02-14",
    reported_at: "2024-02-14T05:40:00Z",
    acknowledge_by: "2024-02-14T06:40:00Z",
    overdue: true,
    location: { district: "Sungai Kunjang", village: "Loa Bakung", lat: -0.5106, lon: 117.1017 },
    time_zone: "Asia/Makassar",
    ...overrides,
  };
}

function incident(overrides: Partial<IncidentRead> = {}): IncidentRead {
  return {
    ...summary(),
    description: "Dua kelompok saling dorong.",
    actions_taken: "Polresta mengamankan lokasi.",
    reported_by: "koordinator.64.72",
    acknowledged_at: null,
    acknowledged_late: false,
    escalated_at: null,
    resolved_at: null,
    closed_at: null,
    version: 1,
    updated_at: "2024-02-14T05:40:00Z",
    timeline: [
      {
        kind: "reported",
        from_state: null,
        state: "reported",
        level: "pemda",
        note: "",
        actor: "koordinator.64.72",
        at: "2024-02-14T05:40:00Z",
      },
    ],
    files: [],
    allowed: { states: ["acknowledged"], note: true, escalate: true, escalate_to: "province", files: true },
    ...overrides,
  };
}

function lastRequest(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request {
  const found = fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
  expect(found.length, `${method} ${path}`).toBeGreaterThan(0);
  return found[found.length - 1]!;
}

describe("pure helpers", () => {
  it("fits photos within the longest side, never enlarging", () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000, 1000)).toEqual({ width: 750, height: 1000 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(jpegName("IMG_0001.HEIC")).toBe("IMG_0001.jpg");
    expect(jpegName("foto")).toBe("foto.jpg");
  });

  it("leaves documents and undecodable files as they are", async () => {
    const pdf = new File(["%PDF-1.4"], "ba.pdf", { type: "application/pdf" });
    expect(await downscalePhoto(pdf)).toBe(pdf);
  });

  it("maps numbers to the SPA's paths and back", () => {
    expect(incidentPath(NUMBER)).toBe("/laporan-cepat/64.72/2024/0007");
    expect(numberFromPath("64.72", "2024", "0007")).toBe(NUMBER);
  });

  it("offers the form to the Pemda's Kesbangpol and administrators only", () => {
    expect(mayFileIncident(coordinatorMe)).toBe(true);
    expect(mayFileIncident(operatorMe)).toBe(true);
    expect(mayFileIncident({ ...operatorMe, agency_code: "64.72.bpkad" })).toBe(false);
    expect(mayFileIncident(adminMe)).toBe(true);
    expect(mayFileIncident(verifierMe)).toBe(false);
    expect(mayFileIncident(viewerMe)).toBe(false);
  });

  it("keeps the list's filters in the URL and in the exports", () => {
    const filters = parseIncidentFilters(
      new URLSearchParams("region=64.72&severity=kritis&state=bogus&since=2024-01-01&until=x&overdue=1&offset=50"),
    );
    expect(filters).toEqual({
      region: "64.72",
      category: undefined,
      severity: "kritis",
      state: undefined,
      since: "2024-01-01",
      until: undefined,
      overdue: true,
      all: undefined,
      offset: 50,
    });
    expect(incidentSearch({ ...filters, offset: 0 }).toString()).toBe("region=64.72&severity=kritis&since=2024-01-01&overdue=1");
    expect(incidentsExportUrl("csv", filters, "id")).toBe(
      "/api/v1/exports/incidents.csv?region=64.72&severity=kritis&since=2024-01-01&overdue=true&locale=id",
    );
    expect(incidentsExportUrl("xlsx", {}, "id")).toBe("/api/v1/exports/incidents.xlsx");
  });

  it("turns the phone's clock into an instant", () => {
    expect(occurredAt("2024-02-14T13:05")).toBe(new Date("2024-02-14T13:05").toISOString());
    expect(occurredAt("14/02/2024")).toBeUndefined();
  });

  it("counts incidents per month, newest first", () => {
    const rows = byMonth([
      { month: "2024-02", category: "konflik_pendukung", count: 2 },
      { month: "2024-03", category: "bencana", count: 1 },
      { month: "2024-02", category: "politik_uang", count: 1 },
    ]);
    expect(rows).toEqual([
      { month: "2024-03", counts: { bencana: 1 }, total: 1 },
      { month: "2024-02", counts: { konflik_pendukung: 2, politik_uang: 1 }, total: 3 },
    ]);
    expect(monthLabel("2024-02", "en")).toBe("Feb 2024");
  });

  it("places dots at their point, else on their Pemda, spread apart", () => {
    const anchors = new Map<string, [number, number]>([["64.01", [116.2, -1.9]]]);
    const { points, unplaced } = layerPoints(
      [
        summary(),
        summary({ number: "a", region: "64.01", location: { district: "x", village: "", lat: null, lon: null } }),
        summary({ number: "b", region: "64.01", severity: "rendah", location: { district: "x", village: "", lat: null, lon: null } }),
        summary({ number: "c", region: "64", location: { district: "x", village: "", lat: null, lon: null } }),
      ],
      anchors,
      (i) => i.title,
    );
    expect(unplaced).toBe(1);
    expect(points.map((p) => p.value[0] === 117.1017)).toEqual([true, false, false]);
    expect(points[1]!.value).toEqual([116.2, -1.9]);
    expect(points[2]!.value).not.toEqual([116.2, -1.9]);
    expect(points[2]!.color).toBe("#2e7d32");
    expect(points[0]!.href).toBe("/laporan-cepat/64.72/2024/0007");
  });
});

describe("the list", () => {
  it("shows severity, state and overdue, and offers the form to the coordinator", async () => {
    const fetchMock = mockApi({
      "GET /incidents": () => json(page([summary(), summary({ number: "LC/64.72/2024/0008", severity: "rendah", overdue: false, state: "closed" })])),
      "GET /regions": () => json(page([])),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat", session: coordinatorMe });
    const table = await screen.findByTestId("incidents-table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(within(rows[0]!).getByRole("link", { name: "Bentrok pendukung di sekitar TPS" })).toHaveAttribute(
      "href",
      "/laporan-cepat/64.72/2024/0007",
    );
    expect(within(rows[0]!).getByText("Kritis")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Terlambat diterima")).toBeInTheDocument();
    expect(within(rows[0]!).getByText(/14 Feb 2024 13\.00 WITA/)).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Ditutup")).toBeInTheDocument();
    expect(screen.getByTestId("new-incident")).toHaveAttribute("href", "/laporan-cepat/baru");
    const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
    expect(within(nav).getByRole("link", { name: "Laporan cepat" })).toHaveAttribute("href", "/laporan-cepat");

    await user.selectOptions(screen.getByLabelText("Tingkat keparahan"), "kritis");
    expect(screen.getByTestId("location")).toHaveTextContent("/laporan-cepat?severity=kritis");
    await waitFor(() => {
      const url = new URL(lastRequest(fetchMock, "GET", "/incidents").url);
      expect(url.searchParams.getAll("severity")).toEqual(["kritis"]);
    });
  });

  it("offers no form to a viewer, and the Ministry may ask for all", async () => {
    mockApi({ "GET /incidents": () => json(page([])), "GET /regions": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat", session: viewerMe });
    expect(await screen.findByText("Belum ada laporan cepat.")).toBeInTheDocument();
    expect(screen.queryByTestId("new-incident")).toBeNull();
    expect(screen.queryByLabelText(/Tampilkan semua/)).toBeNull();
  });
});

describe("filing", () => {
  it("sends what the coordinator typed for its own Pemda and opens the new incident", async () => {
    const fetchMock = mockApi({
      "POST /incidents": () => json(incident(), 201),
      [`GET ${ENCODED}`]: () => json(incident()),
      "GET /regions": () => json(page([])),
      "GET /regions/boundaries": () => json({ type: "FeatureCollection", features: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat/baru", session: coordinatorMe });
    expect(await screen.findByDisplayValue("Kota Samarinda (64.72)")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Kirim laporan" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Lengkapi kategori");

    await user.selectOptions(screen.getByLabelText("Kategori"), "konflik_pendukung");
    await user.click(screen.getByRole("radio", { name: /Kritis/ }));
    await user.type(screen.getByLabelText("Judul singkat"), "Bentrok pendukung di sekitar TPS");
    await user.type(screen.getByLabelText("Kecamatan"), "Sungai Kunjang");
    await user.type(screen.getByLabelText("Tindakan yang sudah dilakukan"), "Polresta mengamankan lokasi.");
    await user.click(screen.getByRole("button", { name: "Kirim laporan" }));

    expect(await screen.findByTestId("incident-number")).toHaveTextContent(NUMBER);
    expect(screen.getByText(`Laporan ${NUMBER} terkirim.`)).toBeInTheDocument();
    const sent = (await lastRequest(fetchMock, "POST", "/incidents").json()) as Record<string, unknown>;
    expect(sent).toMatchObject({
      region: "64.72",
      category: "konflik_pendukung",
      severity: "kritis",
      title: "Bentrok pendukung di sekitar TPS",
      actions_taken: "Polresta mengamankan lokasi.",
      location: { district: "Sungai Kunjang", village: "", lat: null, lon: null },
    });
    expect(String(sent.occurred_at)).toMatch(/Z$/);
  });

  it("shows the server's refusal", async () => {
    mockApi({
      "POST /incidents": () =>
        json(
          {
            error: {
              code: "location_outside_region",
              message: "Titik berada jauh di luar wilayah Pemda ini",
              details: [{ field: "location.lat", message: "the point lies well outside this Pemda's area" }],
            },
          },
          422,
        ),
      "GET /regions": () => json(page([])),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat/baru", session: coordinatorMe });
    await user.selectOptions(await screen.findByLabelText("Kategori"), "logistik");
    await user.click(screen.getByRole("radio", { name: /Sedang/ }));
    await user.type(screen.getByLabelText("Judul singkat"), "Logistik terlambat");
    await user.type(screen.getByLabelText("Kecamatan"), "Samarinda Ulu");
    await user.click(screen.getByRole("button", { name: "Kirim laporan" }));
    expect(await screen.findByText("Titik lokasi berada jauh di luar wilayah Pemda ini")).toBeInTheDocument();
    expect(screen.getByText(/location.lat/)).toBeInTheDocument();
  });

  it("is refused to a verifier", async () => {
    mockApi({ "GET /regions": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat/baru", session: verifierMe });
    expect(await screen.findByText(/dibuat oleh koordinator atau operator Kesbangpol/)).toBeInTheDocument();
  });
});

describe("one incident", () => {
  it("shows its timeline in the region's zone and takes a step with a note", async () => {
    const fetchMock = mockApi({
      [`GET ${ENCODED}`]: () => json(incident()),
      [`POST ${ENCODED}/updates`]: () =>
        json(
          incident({
            state: "acknowledged",
            overdue: false,
            acknowledged_at: "2024-02-14T06:00:00Z",
            allowed: { states: ["handling"], note: true, escalate: true, escalate_to: "national", files: true },
            timeline: [
              ...incident().timeline,
              {
                kind: "step",
                from_state: "reported",
                state: "acknowledged",
                level: "pemda",
                note: "Tim menuju lokasi",
                actor: "verifikator.64",
                at: "2024-02-14T06:00:00Z",
              },
            ],
          }),
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat/64.72/2024/0007", session: verifierMe });
    expect(await screen.findByRole("heading", { name: "Bentrok pendukung di sekitar TPS" })).toBeInTheDocument();
    const timeline = screen.getByTestId("incident-timeline");
    expect(within(timeline).getByText(/14 Feb 2024 13\.40 WITA/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Terima laporan" }));
    await user.type(screen.getByLabelText(/Catatan untuk/), "Tim menuju lokasi");
    // The note's own button (the second "Terima laporan") sends the step.
    await user.click(screen.getAllByRole("button", { name: "Terima laporan" }).at(-1)!);
    expect(await screen.findByText("Status kini: Diterima.")).toBeInTheDocument();
    const sent = (await lastRequest(fetchMock, "POST", "/incidents/LC%2F64.72%2F2024%2F0007/updates").json()) as unknown;
    expect(sent).toEqual({ note: "Tim menuju lokasi", state: "acknowledged" });
    expect(within(screen.getByTestId("incident-timeline")).getByText("Tim menuju lokasi")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Mulai tangani" })).toBeInTheDocument();
  });

  it("escalates with a reason", async () => {
    const fetchMock = mockApi({
      [`GET ${ENCODED}`]: () => json(incident()),
      [`POST ${ENCODED}/escalate`]: () => json(incident({ level: "province" })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/laporan-cepat/64.72/2024/0007", session: coordinatorMe });
    await user.click(await screen.findByRole("button", { name: "Eskalasi ke provinsi" }));
    await user.type(screen.getByLabelText("Alasan eskalasi"), "Massa bertambah di dua kecamatan");
    await user.click(screen.getByRole("button", { name: "Eskalasi sekarang" }));
    expect(await screen.findByText("Laporan dieskalasi ke Provinsi.")).toBeInTheDocument();
    const sent = (await lastRequest(fetchMock, "POST", "/incidents/LC%2F64.72%2F2024%2F0007/escalate").json()) as unknown;
    expect(sent).toEqual({ reason: "Massa bertambah di dua kecamatan" });
  });

  it("offers nothing to a reader and asks for all as the Ministry", async () => {
    const fetchMock = mockApi({
      [`GET ${ENCODED}`]: () =>
        json(incident({ allowed: { states: [], note: false, escalate: false, escalate_to: null, files: false } })),
    });
    renderWithProviders(<AppRoutes />, {
      route: "/laporan-cepat/64.72/2024/0007",
      session: { ...viewerMe, region_code: null, region_name: null },
    });
    expect(await screen.findByTestId("incident-number")).toHaveTextContent(NUMBER);
    expect(screen.queryByRole("button", { name: "Terima laporan" })).toBeNull();
    expect(screen.queryByTestId("incident-files")).toBeNull();
    const url = new URL(lastRequest(fetchMock, "GET", "/incidents/LC%2F64.72%2F2024%2F0007").url);
    expect(url.searchParams.get("all")).toBe("true");
  });
});

describe("the region page", () => {
  it("counts incidents per category and month", async () => {
    mockApi({
      "GET /regions/64.72": () => json(samarinda),
      "GET /agencies": () => json(page([])),
      "GET /reports": () => json(page([])),
      "GET /incidents/summary": () =>
        json({
          total: 3,
          overdue: 1,
          items: [],
          by_month: [
            { month: "2024-02", category: "konflik_pendukung", count: 2 },
            { month: "2024-03", category: "bencana", count: 1 },
          ],
        }),
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72", session: viewerMe });
    const table = await screen.findByTestId("region-incidents");
    const rows = within(table).getAllByRole("row");
    expect(within(rows[0]!).getByText("Konflik antarpendukung")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Mar 2024")).toBeInTheDocument();
    expect(within(rows[2]!).getAllByText("2")).toHaveLength(2);
    expect(screen.getByText("3 laporan cepat, 1 terlambat diterima.")).toBeInTheDocument();
  });
});

describe("the dashboard's incident layer", () => {
  it("is off until asked for, then draws the period's incidents by severity", async () => {
    const { periods, table, trend } = await import("../../test/scoreFixtures");
    const { drawLayer } = await import("./incidentMaps");
    const boundaries = {
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          properties: { code: "64.72", name: "Kota Samarinda", level: "city" },
          geometry: { type: "Polygon", coordinates: [[[117, -0.7], [117.3, -0.7], [117.3, -0.35], [117, -0.35], [117, -0.7]]] },
        },
      ],
    };
    const fetchMock = mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /periods": () => json(page(periods)),
      "GET /scores": () => json(table),
      "GET /scores/64/trend": () => json(trend),
      "GET /regions/boundaries": () => json(boundaries),
      "GET /frameworks/PEMILU2024": () => json({ error: { code: "not_found", message: "x" } }, 404),
      "GET /reports": () => json(page([])),
      "GET /incidents": () =>
        json(page([summary(), summary({ number: "LC/64.72/2024/0009", severity: "rendah", location: { district: "x", village: "", lat: null, lon: null } })])),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    const toggle = await screen.findByTestId("incident-layer-toggle");
    expect(screen.queryByTestId("incident-layer")).toBeNull();
    expect(fetchMock.mock.calls.some(([r]) => new URL((r as Request).url).pathname === "/api/v1/incidents")).toBe(false);
    await user.click(toggle);
    const legend = await screen.findByTestId("incident-layer-legend");
    await waitFor(() => expect(within(legend).getByText("2 laporan cepat pada periode ini.")).toBeInTheDocument());
    const url = new URL(lastRequest(fetchMock, "GET", "/incidents").url);
    expect(url.searchParams.get("region")).toBe("64");
    expect(url.searchParams.get("since")).toBe("2023-07-01");
    expect(url.searchParams.get("until")).toBe("2023-09-30");
    await waitFor(() => expect(vi.mocked(drawLayer)).toHaveBeenCalled());
    const points = vi.mocked(drawLayer).mock.calls.at(-1)![3];
    expect(points.map((p) => p.color)).toEqual(["#b00020", "#2e7d32"]);
    expect(points[0]!.value).toEqual([117.1017, -0.5106]);
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { act } from "react";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import i18n from "../../i18n";
import { explanation, items, periods, table, trend } from "../../test/scoreFixtures";
import { json, mockApi, page, renderWithProviders, requestedUrls, viewerMe } from "../../test/utils";

// The ECharts module is a lazy chunk drawing on a canvas; jsdom has neither, so
// the map test checks what the dashboard hands it.
const drawMap = vi.hoisted(() => vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })));
vi.mock("./echartsMap", () => ({ drawMap }));

const notFound = () => json({ error: { code: "not_found", message: "Not Found" } }, 404);

function scoreRoutes(overrides: Record<string, Parameters<typeof mockApi>[0][string]> = {}) {
  return mockApi({
    "GET /auth/me": () => json(viewerMe),
    "GET /periods": () => json(page(periods)),
    "GET /scores": () => json(table),
    "GET /scores/64/trend": () => json(trend),
    "GET /regions/boundaries": notFound,
    "GET /frameworks/PEMILU2024": notFound,
    ...overrides,
  });
}

const rowCodes = () =>
  within(screen.getByTestId("ranking"))
    .getAllByRole("row")
    .slice(1)
    .map((row) => row.getAttribute("data-region"));

describe("readiness dashboard", () => {
  it("is the home page for readers and asks for the scope root's subtree in the default period", async () => {
    const fetchMock = scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/", session: viewerMe });

    expect(await screen.findByRole("heading", { level: 1, name: "Dasbor kesiapan" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/dasbor$/);
    await screen.findByTestId("ranking");
    const call = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/scores")!;
    expect(Object.fromEntries(call.searchParams)).toEqual({ period: "2023-Q3", region: "64", view: "official" });
    // Summary: mean with its category, counts per category, min and max, 2 decimals.
    expect(screen.getByTestId("mean")).toHaveTextContent("57,70");
    expect(screen.getByTestId("mean").parentElement!.querySelector(".cat-badge")).toHaveTextContent("Kurang Siap");
    const range = screen.getByText("Rentang R").parentElement!;
    expect(range).toHaveTextContent("Terendah: 14,72");
    expect(range).toHaveTextContent("Tertinggi: 85,84");
    const counts = screen.getByText("Jumlah per kategori").parentElement!;
    expect(counts).toHaveTextContent("● Siap 1◕ Cukup Siap 2◑ Kurang Siap 0○ Belum Siap 1");
    // The labelled period and view selectors.
    expect(screen.getByLabelText("Periode")).toHaveValue("2023-Q3");
    expect(screen.getByLabelText("Tampilan")).toHaveValue("official");
    // The planned period is not offered.
    expect(within(screen.getByLabelText("Periode")).queryByRole("option", { name: /Triwulan II 2024/ })).toBeNull();
  });

  it("draws the tile grid when no boundaries are loaded: one labelled, focusable link per Pemda", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor?period=2023-Q3", session: viewerMe });

    const grid = await screen.findByTestId("tile-grid");
    const tiles = within(grid).getAllByRole("link");
    // The province itself is the root, not a tile.
    expect(tiles.map((t) => t.getAttribute("data-region"))).toEqual(["64.01", "64.11", "64.72"]);
    expect(tiles[2]).toHaveAccessibleName("Kota Samarinda: 85,84, Siap");
    expect(tiles[2]).toHaveAttribute("href", "/wilayah/64.72?period=2023-Q3");
    expect(within(tiles[1]!).getByText(/Belum Siap/)).toBeInTheDocument();
    expect(tiles[1]).toHaveClass("cat-belum_siap");
    tiles[0]!.focus();
    expect(tiles[0]).toHaveFocus();
    expect(drawMap).not.toHaveBeenCalled();
  });

  it("also falls back to the tile grid for an empty FeatureCollection", async () => {
    scoreRoutes({ "GET /regions/boundaries": () => json({ type: "FeatureCollection", features: [] }) });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    expect(await screen.findByTestId("tile-grid")).toBeInTheDocument();
  });

  it("draws the ECharts map from the boundaries when there are some", async () => {
    const boundaries = {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { code: "64.72", name: "Kota Samarinda", level: "city" }, geometry: null }],
    };
    const fetchMock = scoreRoutes({ "GET /regions/boundaries": () => json(boundaries) });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });

    expect(await screen.findByTestId("choropleth")).toBeInTheDocument();
    await waitFor(() => expect(drawMap).toHaveBeenCalled());
    const [, , geo, data, pieces] = drawMap.mock.calls[0]! as unknown as [unknown, string, unknown, { name: string; value: number }[], { gte: number; color: string }[]];
    expect(geo).toEqual(boundaries);
    expect(data.map((d) => d.name)).toEqual(["64.01", "64.11", "64.72"]);
    expect(pieces.map((p) => p.gte)).toEqual([80, 60, 40, 0]);
    expect(screen.queryByTestId("tile-grid")).toBeNull();
    const call = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/regions/boundaries")!;
    expect(call.searchParams.get("parent")).toBe("64");
  });

  it("sorts the ranking by column, keeping the sort in the URL", async () => {
    const user = userEvent.setup();
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor?period=2023-Q3", session: viewerMe });
    await screen.findByTestId("ranking");
    expect(rowCodes()).toEqual(["64.72", "64", "64.01", "64.11"]);
    expect(screen.getByRole("columnheader", { name: /^R/ })).toHaveAttribute("aria-sort", "descending");

    await user.click(screen.getByRole("button", { name: /^R/ }));
    expect(rowCodes()).toEqual(["64.11", "64.01", "64", "64.72"]);
    expect(screen.getByTestId("location")).toHaveTextContent("/dasbor?period=2023-Q3&dir=asc");

    await user.click(screen.getByRole("button", { name: /^Nama/ }));
    expect(rowCodes()).toEqual(["64.11", "64.01", "64", "64.72"]);
    expect(screen.getByRole("columnheader", { name: /^Nama/ })).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByTestId("location")).toHaveTextContent("/dasbor?period=2023-Q3&sort=name");

    // The dashboard's timeliness is the report's: on time, then late, then not reported.
    await user.click(screen.getByRole("button", { name: /^Ketepatan laporan/ }));
    expect(rowCodes()).toEqual(["64.72", "64.01", "64", "64.11"]);
    expect(screen.getByTestId("location")).toHaveTextContent("/dasbor?period=2023-Q3&sort=timeliness");
  });

  it("shows the change since the previous period with arrows and numbers", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    await screen.findByTestId("ranking");
    const row = (code: string) => screen.getByTestId("ranking").querySelector(`tr[data-region="${code}"]`) as HTMLElement;
    expect(row("64.01")).toHaveTextContent("▲ +4,38");
    expect(row("64.01")).toHaveTextContent("naik 4,38");
    expect(row("64")).toHaveTextContent("▼ −6,32");
    expect(row("64.72")).toHaveTextContent("■ 0,00");
    expect(row("64.11")).toHaveTextContent("—");
    expect(within(row("64.11")).getByText(/Belum Siap/)).toBeInTheDocument();
  });

  it("restores period, view and sort from a shared link, and switching the period updates it", async () => {
    const user = userEvent.setup();
    const fetchMock = scoreRoutes();
    renderWithProviders(<AppRoutes />, {
      route: "/dasbor?period=2023-Q4&view=provisional&sort=completeness&dir=asc",
      session: viewerMe,
    });
    await screen.findByTestId("ranking");
    expect(screen.getByLabelText("Periode")).toHaveValue("2023-Q4");
    expect(screen.getByLabelText("Tampilan")).toHaveValue("provisional");
    expect(screen.getByRole("columnheader", { name: /^Kelengkapan/ })).toHaveAttribute("aria-sort", "ascending");
    expect(rowCodes()[0]).toBe("64.11");
    let call = requestedUrls(fetchMock).filter((u) => u.pathname === "/api/v1/scores").at(-1)!;
    expect(Object.fromEntries(call.searchParams)).toEqual({ period: "2023-Q4", region: "64", view: "provisional" });

    await user.selectOptions(screen.getByLabelText("Periode"), "2023-Q3");
    expect(screen.getByTestId("location")).toHaveTextContent(
      "/dasbor?period=2023-Q3&view=provisional&sort=completeness&dir=asc",
    );
    await waitFor(() => {
      call = requestedUrls(fetchMock).filter((u) => u.pathname === "/api/v1/scores").at(-1)!;
      expect(call.searchParams.get("period")).toBe("2023-Q3");
    });
  });

  it("says what to do when nothing is verified yet, and switches to the provisional view", async () => {
    const user = userEvent.setup();
    scoreRoutes({ "GET /scores": () => json({ ...table, items: items.map((i) => ({ ...i, verified: 0 })) }) });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    expect(
      await screen.findByText("Belum ada jawaban terverifikasi untuk periode ini — coba tampilan sementara."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Lihat tampilan sementara" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/dasbor?view=provisional");
  });

  it("lets a national admin choose a province first", async () => {
    const user = userEvent.setup();
    const fetchMock = mockApi({
      "GET /periods": () => json(page(periods)),
      "GET /regions": () => json(page([{ code: "64", name: "Kalimantan Timur", level: "province", parent_code: null, bps_code: "64" }])),
      "GET /scores": () => json(table),
      "GET /scores/64/trend": () => json(trend),
      "GET /regions/boundaries": notFound,
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor" });
    expect(await screen.findByText("Pilih provinsi di atas untuk melihat kesiapan Pemda-nya.")).toBeInTheDocument();
    await user.selectOptions(await screen.findByLabelText("Provinsi"), "64");
    expect(await screen.findByTestId("ranking")).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/dasbor?region=64");
    expect(requestedUrls(fetchMock).some((u) => u.pathname === "/api/v1/scores" && u.searchParams.get("region") === "64")).toBe(true);
  });

  it("compares a Pemda's dimensions with the subtree mean", async () => {
    const user = userEvent.setup();
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    await screen.findByTestId("ranking");
    // Mean of K1 over the four rows: (80 + 70 + 10 + 66.67) / 4.
    expect(screen.getByRole("img", { name: "K1: 56,67" })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Tampilkan dimensi untuk"), "64.72");
    expect(screen.getByRole("img", { name: "K1: 66,67; Rata-rata wilayah: 56,67" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("pemda=64.72");
  });

  it("shows an error with a retry when the scores cannot be loaded", async () => {
    scoreRoutes({ "GET /scores": () => json({ error: { code: "forbidden", message: "Di luar wilayah Anda" } }, 403) });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    // The SPA words known error codes itself (in the UI language), not the server's text.
    expect(await screen.findByRole("alert")).toHaveTextContent("Anda tidak berwenang melakukan ini");
    expect(screen.getByRole("button", { name: "Coba lagi" })).toBeInTheDocument();
  });
});

describe("region readiness", () => {
  function regionRoutes() {
    return mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /regions/64.72": () =>
        json({ code: "64.72", name: "Kota Samarinda", level: "city", parent_code: "64", parent_name: "Kalimantan Timur", bps_code: "6472", children_count: 0, agencies_count: 2 }),
      "GET /agencies": () => json(page([])),
      "GET /periods": () => json(page(periods)),
      "GET /scores/64.72/2023-Q3": () => json(explanation),
      "GET /scores/64.72/trend": () => json({ ...trend, region: "64.72" }),
      "GET /frameworks/PEMILU2024": notFound,
    });
  }

  const indicatorOrder = () =>
    [...screen.getByTestId("explanation").querySelectorAll("tr[data-indicator]")].map((r) => r.getAttribute("data-indicator"));

  it("says the figures are provisional while the period is open, and not afterwards", async () => {
    regionRoutes();
    const { unmount } = renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72?period=2023-Q3", session: viewerMe });
    expect(await screen.findByTestId("readiness")).toHaveTextContent("85,84");
    expect(screen.queryByTestId("provisional-notice")).toBeNull();
    // A city's score is its own anyway: no province note.
    expect(screen.queryByTestId("own-note")).toBeNull();
    unmount();

    mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /regions/64.72": () =>
        json({ code: "64.72", name: "Kota Samarinda", level: "city", parent_code: "64", parent_name: "Kalimantan Timur", bps_code: "6472", children_count: 0, agencies_count: 2 }),
      "GET /agencies": () => json(page([])),
      "GET /periods": () => json(page(periods)),
      "GET /scores/64.72/2023-Q3": () => json({ ...explanation, period_state: "open", provisional: true }),
      "GET /scores/64.72/trend": () => json({ ...trend, region: "64.72" }),
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72?period=2023-Q3", session: viewerMe });
    expect(await screen.findByTestId("provisional-notice")).toHaveTextContent("Angka sementara, triwulan belum ditutup");
  });

  it("explains the score per dimension and indicator, weakest first on request", async () => {
    const user = userEvent.setup();
    regionRoutes();
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72?period=2023-Q3", session: viewerMe });

    expect(await screen.findByTestId("readiness")).toHaveTextContent("85,84");
    expect(indicatorOrder()).toEqual(["K1.01", "K1.02", "K1.03", "K2.01"]);
    const k101 = screen.getByTestId("explanation").querySelector('tr[data-indicator="K1.01"]') as HTMLElement;
    expect(k101).toHaveTextContent("Terverifikasi");
    expect(k101).toHaveTextContent("100,00");
    expect(within(k101).getByRole("link", { name: "Buka jawaban K1.01" })).toHaveAttribute(
      "href",
      "/wilayah/64.72/jawaban/2023-Q3/K1.01",
    );
    // Not answered: no link, status "Belum diisi".
    const k103 = screen.getByTestId("explanation").querySelector('tr[data-indicator="K1.03"]') as HTMLElement;
    expect(within(k103).queryByRole("link")).toBeNull();
    expect(k103).toHaveTextContent("Belum diisi");

    await user.click(screen.getByLabelText("Terlemah lebih dulu"));
    expect(indicatorOrder()).toEqual(["K1.03", "K1.02", "K1.01", "K2.01"]);
    expect(screen.getByTestId("location")).toHaveTextContent("/wilayah/64.72?period=2023-Q3&order=weakest");
  });

  it("lists the offices that have not answered first", async () => {
    regionRoutes();
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72?period=2023-Q3", session: viewerMe });
    const progress = await screen.findByTestId("agency-progress");
    const rows = within(progress).getAllByRole("row").slice(1);
    expect(rows[0]).toHaveTextContent("Setda Kota Samarinda");
    expect(rows[0]).toHaveTextContent("33,33");
    expect(rows[1]).toHaveTextContent("BPKAD Kota Samarinda");
  });
});

describe("provisional figures and what each number is (issue 16, items 4, 6, 7)", () => {
  const openTable = { ...table, period_state: "open" as const, provisional: true };
  const openTrend = {
    ...trend,
    items: [...trend.items, { ...trend.items[1]!, period: "2023-Q4", period_state: "open" as const, provisional: true }],
  };

  it("says the figures of an open period are provisional and marks its changes", async () => {
    scoreRoutes({ "GET /scores": () => json(openTable), "GET /scores/64/trend": () => json(openTrend) });
    renderWithProviders(<AppRoutes />, { route: "/dasbor?period=2023-Q3", session: viewerMe });
    const notice = await screen.findByTestId("provisional-notice");
    expect(notice).toHaveTextContent("Angka sementara, triwulan belum ditutup");
    expect(notice).toHaveTextContent("2023-Q3 masih dibuka");
    // Changes are against the closed period named in the header, grey and starred.
    expect(screen.getByRole("columnheader", { name: "Perubahan sejak 2023-Q2*" })).toBeInTheDocument();
    const paser = within(screen.getByTestId("ranking")).getByRole("row", { name: /Kabupaten Paser/ });
    const change = paser.querySelector(".change")!;
    expect(change).toHaveClass("change-provisional");
    expect(change).not.toHaveClass("change-up");
    expect(change).toHaveTextContent("▲ +4,38*");
    expect(change).toHaveTextContent("(sementara)");
    // The open period's trend bar says so too.
    expect(await screen.findByText("2023-Q4*")).toBeInTheDocument();
  });

  it("shows no notice and plain changes for a closed period", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor?period=2023-Q3", session: viewerMe });
    await screen.findByTestId("ranking");
    expect(screen.queryByTestId("provisional-notice")).toBeNull();
    const paser = within(screen.getByTestId("ranking")).getByRole("row", { name: /Kabupaten Paser/ });
    expect(paser.querySelector(".change")).toHaveClass("change-up");
    expect(paser.querySelector(".change")).not.toHaveTextContent("*");
  });

  it("names the regional mean and the province's own score apart", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor?period=2023-Q3", session: viewerMe });
    await screen.findByTestId("ranking");
    expect(screen.getByTestId("mean-label")).toHaveTextContent("Rata-rata wilayah · Kalimantan Timur");
    expect(screen.getByTestId("mean").parentElement).toHaveTextContent("rata-rata R semua Pemda");
    expect(screen.getByTestId("own-label")).toHaveTextContent("Pemprov Kalimantan Timur (skor sendiri)");
    expect(screen.getByTestId("own")).toHaveTextContent("69,48");
    expect(
      screen.getByRole("heading", { name: "Tren R · Pemprov Kalimantan Timur (skor sendiri)" }),
    ).toBeInTheDocument();
    const province = within(screen.getByTestId("ranking")).getByRole("rowheader", { name: /Kalimantan Timur/ });
    expect(province).toHaveTextContent("Kalimantan Timur (Pemprov, skor sendiri)");
    expect(screen.getByRole("columnheader", { name: "Peringkat dalam tingkat" })).toBeInTheDocument();
  });
});

describe("report timeliness (issue 19 item 3)", () => {
  const ranking = () => screen.getByTestId("ranking");
  const mark = (code: string) => ranking().querySelector(`tr[data-region="${code}"] [data-report-timeliness]`) as HTMLElement;

  it("shows the subtree's reports on time among the summary figures", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    const stat = await screen.findByTestId("report-timeliness");
    expect(stat).toHaveTextContent("Laporan tepat waktu");
    expect(stat).toHaveTextContent("1 dari 4");
    expect(stat).toHaveTextContent("25,00%");
    expect(stat).toHaveTextContent("terlambat: 1 · belum melapor: 2");
  });

  it("marks each Pemda's report in the ranking: on time, late or not reported", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    await screen.findByTestId("ranking");
    expect(screen.getByRole("columnheader", { name: "Ketepatan laporan" })).toBeInTheDocument();
    // The answers' own timeliness is the agencies' measure (the region page), not the ranking's.
    expect(screen.queryByRole("columnheader", { name: /Ketepatan jawaban|Ketepatan waktu/ })).toBeNull();
    expect(mark("64.72")).toHaveAttribute("data-report-timeliness", "ontime");
    expect(mark("64.72")).toHaveTextContent("Tepat waktu");
    expect(mark("64.72")).toHaveAttribute("title", "Tepat waktu");
    expect(mark("64.01")).toHaveAttribute("data-report-timeliness", "late");
    expect(mark("64.01")).toHaveTextContent("Terlambat");
    // A draft (64.11) is not a report yet, like no report at all (64).
    expect(mark("64.11")).toHaveAttribute("data-report-timeliness", "none");
    expect(mark("64")).toHaveTextContent("Belum melapor");
    // The icons are explained under the table.
    expect(screen.getByText(/Ketepatan laporan: ✓ tepat waktu, ! terlambat, – belum melapor/)).toBeInTheDocument();
  });

  it("says it in English too", async () => {
    scoreRoutes();
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    await screen.findByTestId("ranking");
    await act(() => i18n.changeLanguage("en"));
    const stat = screen.getByTestId("report-timeliness");
    expect(stat).toHaveTextContent("Reports on time");
    expect(stat).toHaveTextContent("1 of 4");
    expect(stat).toHaveTextContent("late: 1 · not reported: 2");
    expect(screen.getByRole("columnheader", { name: "Report timeliness" })).toBeInTheDocument();
    expect(mark("64")).toHaveTextContent("Not reported");
    expect(mark("64.01")).toHaveTextContent("Late");
  });

  it("counts nothing as on time when no Pemda has reported", async () => {
    const none = items.map((i) => ({ ...i, report_state: null, report_receipt: null, report_on_time: null }));
    scoreRoutes({
      "GET /scores": () =>
        json({
          ...table,
          items: none,
          summary: { ...table.summary, reports_on_time: 0, reports_late: 0, not_reported: 4, report_timeliness: 0 },
        }),
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    const stat = await screen.findByTestId("report-timeliness");
    expect(stat).toHaveTextContent("0 dari 4");
    expect(stat).toHaveTextContent("0,00%");
    expect(stat).toHaveTextContent("belum melapor: 4");
    expect(ranking().querySelectorAll('[data-report-timeliness="none"]')).toHaveLength(4);
  });
});

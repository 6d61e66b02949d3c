import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { explanation, periods, table, trend } from "../../test/scoreFixtures";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { reportUrl, scoresExportUrl, submissionsExportUrl } from "./ExportLinks";

vi.mock("../dashboard/echartsMap", () => ({ drawMap: vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() })) }));

const notFound = () => json({ error: { code: "not_found", message: "Not Found" } }, 404);

/** The hrefs of the export panel, by accessible name. */
function exportHrefs(): Record<string, string | null> {
  const panel = screen.getByTestId("export-links");
  return Object.fromEntries(
    within(panel)
      .getAllByRole("link")
      .map((a) => [a.textContent!.replace(/\s+/g, " ").trim(), a.getAttribute("href")]),
  );
}

describe("export and report URLs", () => {
  it("carry period, region and view", () => {
    const filters = { period: "2023-Q4", region: "64.72", view: "provisional" as const };
    expect(scoresExportUrl("csv", filters)).toBe("/api/v1/exports/scores.csv?period=2023-Q4&region=64.72&view=provisional");
    expect(scoresExportUrl("xlsx", { period: "2023-Q4", view: "official" })).toBe(
      "/api/v1/exports/scores.xlsx?period=2023-Q4&view=official",
    );
    expect(submissionsExportUrl("csv", filters)).toBe("/api/v1/exports/submissions.csv?period=2023-Q4&region=64.72");
    expect(submissionsExportUrl("xlsx", { period: "2023 Q4&x" })).toBe("/api/v1/exports/submissions.xlsx?period=2023+Q4%26x");
    expect(reportUrl("64.72", "2023-Q4", "official")).toBe("/api/v1/reports/64.72/2023-Q4.pdf");
    expect(reportUrl("64", "2023-Q4", "provisional")).toBe("/api/v1/reports/64/2023-Q4.pdf?view=provisional");
    expect(reportUrl("64", "a/b", "official")).toBe("/api/v1/reports/64/a%2Fb.pdf");
  });
});

describe("dashboard downloads", () => {
  it("link to the scope root's exports and report for the shown period and view", async () => {
    const user = userEvent.setup();
    mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /periods": () => json(page(periods)),
      "GET /scores": () => json(table),
      "GET /scores/64/trend": () => json(trend),
      "GET /regions/boundaries": notFound,
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor", session: viewerMe });
    await screen.findByTestId("ranking");

    expect(screen.getByRole("heading", { name: "Unduh data" })).toBeInTheDocument();
    expect(exportHrefs()).toEqual({
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&region=64&view=official",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&region=64&view=official",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3&region=64",
      "Unduh XLSX — Jawaban": "/api/v1/exports/submissions.xlsx?period=2023-Q3&region=64",
      "Laporan triwulanan (PDF)": "/api/v1/reports/64/2023-Q3.pdf",
    });
    for (const link of within(screen.getByTestId("export-links")).getAllByRole("link")) {
      expect(link).toHaveAttribute("download");
    }

    // They follow the filters.
    await user.selectOptions(screen.getByLabelText("Periode"), "2023-Q4");
    await user.selectOptions(screen.getByLabelText("Tampilan"), "provisional");
    const hrefs = exportHrefs();
    expect(hrefs["Unduh CSV — Skor kesiapan"]).toBe("/api/v1/exports/scores.csv?period=2023-Q4&region=64&view=provisional");
    expect(hrefs["Unduh CSV — Jawaban"]).toBe("/api/v1/exports/submissions.csv?period=2023-Q4&region=64");
    expect(hrefs["Laporan triwulanan (PDF)"]).toBe("/api/v1/reports/64/2023-Q4.pdf?view=provisional");
  });

  it("for a national admin: the whole scope until a province is chosen, and the report only then", async () => {
    const user = userEvent.setup();
    mockApi({
      "GET /periods": () => json(page(periods)),
      "GET /regions": () => json(page([{ code: "64", name: "Kalimantan Timur", level: "province", parent_code: null, bps_code: "64" }])),
      "GET /scores": () => json(table),
      "GET /scores/64/trend": () => json(trend),
      "GET /regions/boundaries": notFound,
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/dasbor" });
    await screen.findByText("Pilih provinsi di atas untuk melihat kesiapan Pemda-nya.");
    await screen.findByTestId("export-links");

    expect(exportHrefs()).toEqual({
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&view=official",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&view=official",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3",
      "Unduh XLSX — Jawaban": "/api/v1/exports/submissions.xlsx?period=2023-Q3",
    });
    expect(screen.getByText("Pilih provinsi untuk mengunduh laporan triwulanan (PDF).")).toBeInTheDocument();

    await user.selectOptions(await screen.findByLabelText("Provinsi"), "64");
    await screen.findByTestId("ranking");
    expect(exportHrefs()["Laporan triwulanan (PDF)"]).toBe("/api/v1/reports/64/2023-Q3.pdf");
    expect(exportHrefs()["Unduh XLSX — Jawaban"]).toBe("/api/v1/exports/submissions.xlsx?period=2023-Q3&region=64");
  });
});

describe("region page downloads", () => {
  it("link to the region's exports and report", async () => {
    mockApi({
      "GET /auth/me": () => json(viewerMe),
      "GET /regions/64.72": () =>
        json({ code: "64.72", name: "Kota Samarinda", level: "city", parent_code: "64", parent_name: "Kalimantan Timur", bps_code: "6472", children_count: 0, agencies_count: 2 }),
      "GET /agencies": () => json(page([])),
      "GET /periods": () => json(page(periods)),
      "GET /scores/64.72/2023-Q3": () => json(explanation),
      "GET /scores/64.72/trend": () => json({ ...trend, region: "64.72" }),
      "GET /frameworks/PEMILU2024": notFound,
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72?period=2023-Q3&view=provisional", session: viewerMe });
    await screen.findByTestId("export-links");

    expect(screen.getByRole("heading", { level: 3, name: "Unduh data" })).toBeInTheDocument();
    expect(exportHrefs()).toEqual({
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&region=64.72&view=provisional",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&region=64.72&view=provisional",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3&region=64.72",
      "Unduh XLSX — Jawaban": "/api/v1/exports/submissions.xlsx?period=2023-Q3&region=64.72",
      "Laporan triwulanan (PDF)": "/api/v1/reports/64.72/2023-Q3.pdf?view=provisional",
    });
  });
});

import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { explanation, periods, table, trend } from "../../test/scoreFixtures";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { csvLocale, withCsvLocale } from "../../i18n/csvLocale";
import { errorsCsvUrl } from "../imports/upload";
import i18n from "../../i18n";
import { ExportLinks, reportUrl, scoresExportUrl, submissionsExportUrl } from "./ExportLinks";
import { coordinatorMe } from "../../test/answerFixtures";

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

describe("CSV locale", () => {
  it("is id for Indonesian users only, and only on CSV", () => {
    expect(csvLocale("id")).toBe("id");
    expect(csvLocale("id-ID")).toBe("id");
    expect(csvLocale("en")).toBeUndefined();
    expect(csvLocale(undefined)).toBeUndefined();
    const filters = { period: "2023-Q4", region: "64.72", view: "official" as const };
    expect(scoresExportUrl("csv", filters, "id")).toBe("/api/v1/exports/scores.csv?period=2023-Q4&region=64.72&view=official&locale=id");
    expect(scoresExportUrl("xlsx", filters, "id")).toBe("/api/v1/exports/scores.xlsx?period=2023-Q4&region=64.72&view=official");
    expect(submissionsExportUrl("csv", filters, "id")).toBe("/api/v1/exports/submissions.csv?period=2023-Q4&region=64.72&locale=id");
    expect(submissionsExportUrl("xlsx", filters, "id")).toBe("/api/v1/exports/submissions.xlsx?period=2023-Q4&region=64.72");
    expect(errorsCsvUrl(8, "id")).toBe("/api/v1/imports/8/errors.csv?locale=id");
    expect(errorsCsvUrl(8, "en")).toBe("/api/v1/imports/8/errors.csv");
    expect(withCsvLocale("/x.csv?a=1", "id")).toBe("/x.csv?a=1&locale=id");
  });

  it("follows the UI language on the rendered links", async () => {
    renderWithProviders(<ExportLinks period="2023-Q4" region="64" view="official" />);
    expect(exportHrefs()["Unduh CSV — Jawaban"]).toBe("/api/v1/exports/submissions.csv?period=2023-Q4&region=64&locale=id");
    expect(exportHrefs()["Unduh XLSX — Jawaban"]).toBe("/api/v1/exports/submissions.xlsx?period=2023-Q4&region=64");
    await act(() => i18n.changeLanguage("en"));
    try {
      const hrefs = Object.values(exportHrefs());
      expect(hrefs).toContain("/api/v1/exports/submissions.csv?period=2023-Q4&region=64");
      expect(hrefs.some((href) => href?.includes("locale="))).toBe(false);
    } finally {
      await act(() => i18n.changeLanguage("id"));
    }
  });
});

describe("the report PDF link", () => {
  it("is offered to a coordinator for its own Pemda only, as the API answers", async () => {
    renderWithProviders(
      <>
        <ExportLinks period="2023-Q4" region="64.72" view="official" />
        <ExportLinks period="2023-Q4" region="64" view="official" />
      </>,
      { session: coordinatorMe },
    );
    const links = await screen.findAllByRole("link", { name: "Laporan triwulanan (PDF)" });
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/api/v1/reports/64.72/2023-Q4.pdf"]);
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
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&region=64&view=official&locale=id",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&region=64&view=official",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3&region=64&locale=id",
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
    expect(hrefs["Unduh CSV — Skor kesiapan"]).toBe("/api/v1/exports/scores.csv?period=2023-Q4&region=64&view=provisional&locale=id");
    expect(hrefs["Unduh CSV — Jawaban"]).toBe("/api/v1/exports/submissions.csv?period=2023-Q4&region=64&locale=id");
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
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&view=official&locale=id",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&view=official",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3&locale=id",
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
      "Unduh CSV — Skor kesiapan": "/api/v1/exports/scores.csv?period=2023-Q3&region=64.72&view=provisional&locale=id",
      "Unduh XLSX — Skor kesiapan": "/api/v1/exports/scores.xlsx?period=2023-Q3&region=64.72&view=provisional",
      "Unduh CSV — Jawaban": "/api/v1/exports/submissions.csv?period=2023-Q3&region=64.72&locale=id",
      "Unduh XLSX — Jawaban": "/api/v1/exports/submissions.xlsx?period=2023-Q3&region=64.72",
      "Laporan triwulanan (PDF)": "/api/v1/reports/64.72/2023-Q3.pdf?view=provisional",
      // The Pemda's evidence for the period; its manifest is a CSV, so it takes the locale.
      "Semua data dukung (ZIP)": "/api/v1/evidence/2023-Q3/64.72.zip?locale=id",
    });
  });
});

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RegionRead } from "../../api/client";
import { json, mockApi, page, renderWithProviders, requestedUrls } from "../../test/utils";
import { RegionsPage } from "./RegionsPage";

const provinces: RegionRead[] = [
  { code: "64", name: "Kalimantan Timur", level: "province", parent_code: null, bps_code: "64", time_zone: "Asia/Makassar", time_zone_abbreviation: "WITA", own_time_zone: "Asia/Makassar" },
  { code: "65", name: "Kalimantan Utara", level: "province", parent_code: null, bps_code: "65", time_zone: "Asia/Makassar", time_zone_abbreviation: "WITA", own_time_zone: "Asia/Makassar" },
];

const regencies: RegionRead[] = [
  { code: "64.01", name: "Kabupaten Paser", level: "regency", parent_code: "64", bps_code: "6401", time_zone: "Asia/Makassar", time_zone_abbreviation: "WITA", own_time_zone: null },
  { code: "64.72", name: "Kota Samarinda", level: "city", parent_code: "64", bps_code: "6472", time_zone: "Asia/Makassar", time_zone_abbreviation: "WITA", own_time_zone: null },
];

function regionsApi(list: (url: URL) => Response) {
  return mockApi({
    "GET /regions": (url) =>
      url.searchParams.get("level") === "province" && url.searchParams.get("limit") === "500"
        ? json(page(provinces))
        : list(url),
  });
}

describe("RegionsPage", () => {
  it("renders the regions returned by the API with translated levels and the range", async () => {
    regionsApi(() => json(page(regencies, 552, 50, 0)));
    renderWithProviders(<RegionsPage />, { route: "/wilayah" });

    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3); // header + 2
    expect(within(rows[1]!).getByRole("link", { name: "64.01" })).toHaveAttribute("href", "/wilayah/64.01");
    expect(within(rows[2]!).getByText("Kota Samarinda")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Kabupaten")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Kota")).toBeInTheDocument();
    expect(screen.getByText("1–50 dari 552")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Sebelumnya/ })).toBeDisabled();
    expect(screen.getByRole("button", { name: /Berikutnya/ })).toBeEnabled();
  });

  it("sends the filters from the URL to the API", async () => {
    const fetchMock = regionsApi(() => json(page(regencies, 552, 50, 100)));
    renderWithProviders(<RegionsPage />, { route: "/wilayah?level=city&parent=64&offset=100" });

    await screen.findByText("101–150 dari 552");
    const list = requestedUrls(fetchMock).find((u) => u.searchParams.get("limit") === "50");
    expect(list?.pathname).toBe("/api/v1/regions");
    expect(list?.searchParams.get("level")).toBe("city");
    expect(list?.searchParams.get("parent")).toBe("64");
    expect(list?.searchParams.get("offset")).toBe("100");
    expect(screen.getByLabelText("Tingkat")).toHaveValue("city");
    expect(await screen.findByRole("option", { name: "64 — Kalimantan Timur" })).toBeInTheDocument();
    expect(screen.getByLabelText("Provinsi induk")).toHaveValue("64");
  });

  it("shows the API's error message on an error body", async () => {
    regionsApi(() =>
      json({ error: { code: "invalid_input", message: "Tingkat wilayah tidak dikenal", details: [] } }, 422),
    );
    renderWithProviders(<RegionsPage />, { route: "/wilayah" });

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Tingkat wilayah tidak dikenal");
    expect(alert).toHaveTextContent("422");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows the empty state when nothing matches", async () => {
    regionsApi(() => json(page([], 0)));
    renderWithProviders(<RegionsPage />, { route: "/wilayah?q=zzz" });

    expect(await screen.findByText("Tidak ada wilayah yang cocok dengan saringan ini.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("keeps filter changes in the URL and starts again at the first page", async () => {
    regionsApi(() => json(page(regencies, 552, 50, 0)));
    const user = userEvent.setup();
    renderWithProviders(<RegionsPage />, { route: "/wilayah?offset=50" });
    await screen.findByRole("table");

    await user.selectOptions(screen.getByLabelText("Tingkat"), "regency");
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/wilayah\?level=regency$/);

    await user.click(screen.getByRole("button", { name: /Berikutnya/ }));
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/wilayah\?level=regency&offset=50$/);

    await user.type(screen.getByLabelText("Cari nama atau kode"), "Sama");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/wilayah\?level=regency&q=Sama$/);

    await user.click(screen.getByRole("button", { name: "Hapus saringan" }));
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/wilayah$/);
  });
});

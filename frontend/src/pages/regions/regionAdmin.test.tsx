import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { AgencyRead } from "../../api/client";
import { samarinda } from "../../test/answerFixtures";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { RegionDetailPage } from "./RegionDetailPage";
import { RegionsPage } from "./RegionsPage";
import { Route, Routes } from "react-router";

const kesbangpol: AgencyRead = {
  code: "64.72.kesbangpol",
  name: "Kesbangpol Kota Samarinda",
  type_code: "kesbangpol",
  type_name: "Kesbangpol",
  region_code: "64.72",
  region_name: "Kota Samarinda",
  is_active: true,
};

async function bodyOf(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Promise<unknown> {
  const request = fetchMock.mock.calls
    .map(([r]) => r as Request)
    .find((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
  expect(request, `${method} ${path}`).toBeDefined();
  return (await request!.clone().json()) as unknown;
}

function detailRoutes() {
  return (
    <Routes>
      <Route path="/wilayah/:code" element={<RegionDetailPage />} />
    </Routes>
  );
}

describe("region administration", () => {
  it("lets an admin add a regency, its parent taken from the code", async () => {
    const fetchMock = mockApi({
      "GET /regions": () => json(page([])),
      "POST /regions": () => json({ ...samarinda, code: "64.75", name: "Kabupaten Baru" }, 201),
      "GET /regions/64.75": () => json({ ...samarinda, code: "64.75", name: "Kabupaten Baru" }),
    });
    const user = userEvent.setup();
    renderWithProviders(<RegionsPage />, { route: "/wilayah" });
    await user.click(await screen.findByRole("button", { name: "Tambah wilayah" }));
    const form = screen.getByRole("form", { name: "Wilayah baru" });
    await user.type(within(form).getByLabelText("Kode"), "64.75");
    await user.type(within(form).getByLabelText("Nama"), "Kabupaten Baru");
    await user.click(within(form).getByRole("button", { name: "Simpan" }));
    await waitFor(async () =>
      expect(await bodyOf(fetchMock, "POST", "/regions")).toEqual({
        code: "64.75",
        name: "Kabupaten Baru",
        level: "regency",
        parent: "64",
        bps_code: null,
        time_zone: null,
      }),
    );
  });

  it("shows the server's refusal next to the field", async () => {
    mockApi({
      "GET /regions": () => json(page([])),
      "POST /regions": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "Wilayah tidak dapat disimpan",
              details: [{ loc: ["body", "code"], field: "code", type: "value_error", message: "a regency's or city's code is NN.NN" }],
            },
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<RegionsPage />, { route: "/wilayah" });
    await user.click(await screen.findByRole("button", { name: "Tambah wilayah" }));
    const form = screen.getByRole("form", { name: "Wilayah baru" });
    await user.type(within(form).getByLabelText("Kode"), "6475");
    await user.type(within(form).getByLabelText("Nama"), "Kabupaten Baru");
    await user.click(within(form).getByRole("button", { name: "Simpan" }));
    expect(await within(form).findByText("a regency's or city's code is NN.NN")).toBeInTheDocument();
    expect(within(form).getByLabelText("Kode")).toHaveAttribute("aria-invalid", "true");
  });

  it("offers no add button to a viewer", async () => {
    mockApi({ "GET /regions": () => json(page([])) });
    renderWithProviders(<RegionsPage />, { route: "/wilayah", session: viewerMe });
    await screen.findByText("Tidak ada wilayah yang cocok dengan saringan ini.");
    expect(screen.queryByRole("button", { name: "Tambah wilayah" })).not.toBeInTheDocument();
  });

  it("edits a region's name, BPS code and time zone", async () => {
    const fetchMock = mockApi({
      "GET /regions/64.72": () => json(samarinda),
      "PATCH /regions/64.72": () => json({ ...samarinda, name: "Kota Samarinda Baru" }),
      "GET /agencies": () => json(page([kesbangpol])),
      "GET /dashboard/readiness": () => json({}),
    });
    const user = userEvent.setup();
    renderWithProviders(detailRoutes(), { route: "/wilayah/64.72" });
    await user.click(await screen.findByRole("button", { name: "Ubah wilayah" }));
    const form = screen.getByRole("form", { name: "Ubah nama, kode BPS, zona waktu" });
    const name = within(form).getByLabelText("Nama");
    await user.clear(name);
    await user.type(name, "Kota Samarinda Baru");
    await user.selectOptions(within(form).getByLabelText("Zona waktu"), "Asia/Jayapura");
    await user.click(within(form).getByRole("button", { name: "Simpan" }));
    await waitFor(async () =>
      expect(await bodyOf(fetchMock, "PATCH", "/regions/64.72")).toEqual({
        name: "Kota Samarinda Baru",
        bps_code: "6472",
        time_zone: "Asia/Jayapura",
      }),
    );
  });

  it("deactivates an agency of the region", async () => {
    const fetchMock = mockApi({
      "GET /regions/64.72": () => json(samarinda),
      "GET /agencies": () => json(page([kesbangpol])),
      "PATCH /agencies/64.72.kesbangpol": () => json({ ...kesbangpol, is_active: false }),
    });
    const user = userEvent.setup();
    renderWithProviders(detailRoutes(), { route: "/wilayah/64.72" });
    await user.click(await screen.findByRole("button", { name: "Nonaktifkan" }));
    await waitFor(async () =>
      expect(await bodyOf(fetchMock, "PATCH", "/agencies/64.72.kesbangpol")).toEqual({ is_active: false }),
    );
  });
});

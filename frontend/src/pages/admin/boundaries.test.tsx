import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWithProviders } from "../../test/utils";
import { BoundariesPage } from "./BoundariesPage";
import { readBoundaries, serverProblems } from "./boundaryFile";

const drawMap = vi.fn(() => ({ resize: vi.fn(), dispose: vi.fn() }));
vi.mock("../dashboard/echartsMap", () => ({ drawMap }));

const square = {
  type: "Polygon",
  coordinates: [
    [
      [117, -0.5],
      [117.2, -0.5],
      [117.2, -0.3],
      [117, -0.5],
    ],
  ],
};
const good = { type: "FeatureCollection", features: [{ type: "Feature", properties: { code: "64.72" }, geometry: square }] };

function file(content: unknown): File {
  return new File([typeof content === "string" ? content : JSON.stringify(content)], "batas.geojson", {
    type: "application/geo+json",
  });
}

describe("readBoundaries", () => {
  it("names the features without a code or with a bad geometry", () => {
    const read = readBoundaries(
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          { type: "Feature", properties: {}, geometry: square },
          { type: "Feature", properties: { code: "64.72" }, geometry: { type: "Point", coordinates: [1, 2] } },
        ],
      }),
    );
    expect(read.codes).toEqual(["64.72"]);
    expect(read.problems).toEqual([
      { feature: 0, code: "missing_code", message: "properties.code is missing" },
      { feature: 1, code: "invalid_geometry", message: "not a Polygon or MultiPolygon" },
    ]);
  });

  it("refuses what is not JSON or not a FeatureCollection", () => {
    expect(readBoundaries("{").problems[0]?.code).toBe("invalid_json");
    expect(readBoundaries('{"type":"Feature"}').problems[0]?.code).toBe("not_a_feature_collection");
  });

  it("reads the server's refusal details", () => {
    expect(serverProblems([{ feature: 2, code: "unknown_region", message: "region '99.99' does not exist" }, "x"])).toEqual([
      { feature: 2, code: "unknown_region", message: "region '99.99' does not exist" },
    ]);
  });
});

describe("BoundariesPage", () => {
  it("previews a file on the map and saves it", async () => {
    const fetchMock = mockApi({
      "POST /regions/boundaries": () =>
        json({ features: 1, created: 1, updated: 0, unchanged: 0, points_received: 4, points_stored: 4, tolerance: null }),
    });
    const user = userEvent.setup();
    renderWithProviders(<BoundariesPage />, { route: "/admin/batas-wilayah" });
    const save = screen.getByRole("button", { name: "Simpan batas wilayah" });
    expect(save).toBeDisabled();
    await user.upload(screen.getByLabelText("Berkas GeoJSON"), file(good));
    expect(await screen.findByText("1 wilayah dalam berkas")).toBeInTheDocument();
    await waitFor(() => expect(drawMap).toHaveBeenCalled());
    await user.click(save);
    expect(await screen.findByText("Tersimpan: 1 baru, 0 diubah, 0 tetap.")).toBeInTheDocument();
    const request = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.method === "POST");
    expect(await request!.json()).toEqual(good);
  });

  it("names the feature lacking a region code and does not save", async () => {
    mockApi({});
    const user = userEvent.setup();
    renderWithProviders(<BoundariesPage />, { route: "/admin/batas-wilayah" });
    const bad = { ...good, features: [{ type: "Feature", properties: { name: "X" }, geometry: square }] };
    await user.upload(screen.getByLabelText("Berkas GeoJSON"), file(bad));
    expect(await screen.findByText(/Fitur ke-1: kode wilayah \(properties.code\) tidak ada/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Simpan batas wilayah" })).toBeDisabled();
  });

  it("shows the server's refusal feature by feature", async () => {
    mockApi({
      "POST /regions/boundaries": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "Batas wilayah tidak dimuat",
              details: [{ feature: 0, code: "ring_not_closed", message: "a ring must end at the position it starts from" }],
            },
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<BoundariesPage />, { route: "/admin/batas-wilayah" });
    await user.upload(screen.getByLabelText("Berkas GeoJSON"), file(good));
    await screen.findByText("1 wilayah dalam berkas");
    await user.click(screen.getByRole("button", { name: "Simpan batas wilayah" }));
    expect(await screen.findByText(/Fitur ke-1: cincin poligon tidak tertutup/)).toBeInTheDocument();
    expect(screen.getByText("Batas wilayah tidak disimpan; tidak ada yang diubah")).toBeInTheDocument();
  });
});

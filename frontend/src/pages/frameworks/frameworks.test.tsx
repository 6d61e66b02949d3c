import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import type { FrameworkRead } from "../../api/client";
import { json, mockApi, page, renderWithProviders } from "../../test/utils";
import type { FrameworkDiff } from "./queries";

const draft: FrameworkRead = {
  code: "PEMILU2029",
  name: "Pemilu 2029",
  description: "",
  is_active: false,
  status: "draft",
  published_at: null,
  copied_from: "PEMILU2024",
  dimension_count: 1,
  indicator_count: 1,
  dimensions: [
    {
      code: "K1",
      name: "Kelembagaan",
      weight: 15,
      position: 0,
      indicators: [
        {
          code: "K1.01",
          name: "Tim pemantauan",
          guidance: "",
          answer_type: "level",
          target: null,
          weight: 2,
          agency_type: "kesbangpol",
          levels: ["province", "regency", "city"],
          evidence_required: true,
          evidence_guidance: "SK",
        },
      ],
    },
  ],
  thresholds: [
    { category: "siap", label: "Siap", label_en: "Ready", min_score: 80 },
    { category: "belum_siap", label: "Belum Siap", label_en: "Not ready", min_score: 0 },
  ],
  level_rubric: [],
};

describe("framework editor", () => {
  it("shows each 422 problem next to the field it names", async () => {
    mockApi({
      "GET /frameworks/PEMILU2029": () => json(draft),
      "PUT /frameworks/PEMILU2029": () => json(draft),
      "POST /frameworks/PEMILU2029/publish": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "Kerangka ditolak",
              details: [
                { field: "dimensions[0].indicators[0].weight", code: "invalid_weight", message: "Bobot harus > 0" },
                { field: "thresholds[1].min_score", code: "thresholds_unordered", message: "urutan" },
              ],
            },
          },
          422,
        ),
    });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2029/ubah" });
    const publish = await screen.findByRole("button", { name: "Terbitkan" });
    await userEvent.click(publish);
    const indicator = (await screen.findByText("K1.01", { selector: "legend" })).closest("fieldset")!;
    const weight = within(indicator).getByLabelText("Bobot");
    expect(weight).toHaveAttribute("aria-invalid", "true");
    expect(within(indicator).getByText("Bobot harus lebih dari 0")).toBeInTheDocument();
    const scores = screen.getAllByLabelText("Nilai minimum");
    expect(scores[1]).toHaveAttribute("aria-invalid", "true");
    expect(scores[0]).not.toHaveAttribute("aria-invalid");
    expect(screen.getByText("Batas skor harus menurun dari kategori tertinggi")).toBeInTheDocument();
  });

  it("saves the whole content with PUT", async () => {
    const fetchMock = mockApi({
      "GET /frameworks/PEMILU2029": () => json(draft),
      "PUT /frameworks/PEMILU2029": () => json(draft),
    });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2029/ubah" });
    await userEvent.click(await screen.findByRole("button", { name: "Simpan draf" }));
    await screen.findByText("Draf disimpan");
    const put = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.method === "PUT")!;
    const body = (await put.json()) as { dimensions: { indicators: { code: string }[] }[] };
    expect(body.dimensions[0]!.indicators[0]!.code).toBe("K1.01");
  });

  it("picks the agency type from the catalogue and keeps an unknown one visible", async () => {
    const unknown = structuredClone(draft);
    unknown.dimensions[0]!.indicators[0]!.agency_type = "dinas_hilang";
    const fetchMock = mockApi({
      "GET /frameworks/PEMILU2029": () => json(unknown),
      "GET /agency-types": () =>
        json([
          { code: "kesbangpol", name: "Badan Kesatuan Bangsa dan Politik" },
          { code: "satpol_pp", name: "Satuan Polisi Pamong Praja" },
        ]),
      "PUT /frameworks/PEMILU2029": () => json(unknown),
    });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2029/ubah" });
    const indicator = (await screen.findByText("K1.01", { selector: "legend" })).closest("fieldset")!;
    const picker = within(indicator).getByLabelText("Perangkat daerah");
    await within(picker).findByRole("option", { name: /satpol_pp/ });
    expect(picker).toHaveValue("dinas_hilang");
    await userEvent.selectOptions(picker, "satpol_pp");
    await userEvent.click(screen.getByRole("button", { name: "Simpan draf" }));
    await screen.findByText("Draf disimpan");
    const put = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.method === "PUT")!;
    const body = (await put.json()) as { dimensions: { indicators: { agency_type: string }[] }[] };
    expect(body.dimensions[0]!.indicators[0]!.agency_type).toBe("satpol_pp");
  });
});

describe("framework publishing", () => {
  it("saves unsaved edits before publishing and then shows the published version", async () => {
    let published = false;
    const fetchMock = mockApi({
      "GET /frameworks/PEMILU2029": () => json(published ? { ...draft, status: "published" } : draft),
      "PUT /frameworks/PEMILU2029": () => json(draft),
      "POST /frameworks/PEMILU2029/publish": () => {
        published = true;
        return json({ ...draft, status: "published" });
      },
      "GET /frameworks": () => json(page([])),
    });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2029/ubah" });
    const user = userEvent.setup();
    const indicator = (await screen.findByText("K1.01", { selector: "legend" })).closest("fieldset")!;
    const weight = within(indicator).getByLabelText("Bobot");
    await user.clear(weight);
    await user.type(weight, "4");
    await user.click(screen.getByRole("button", { name: "Terbitkan" }));
    expect(await screen.findByText("Kerangka diterbitkan")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("PEMILU2029");
    const calls = fetchMock.mock.calls.map(([r]) => r as Request).filter((r) => r.method !== "GET");
    expect(calls.map((r) => r.method)).toEqual(["PUT", "POST"]);
    const body = (await calls[0]!.json()) as { dimensions: { indicators: { weight: number }[] }[] };
    expect(body.dimensions[0]!.indicators[0]!.weight).toBe(4);
  });
});

describe("framework diff", () => {
  it("lists added, removed and changed indicators and moved weights", async () => {
    const diff: FrameworkDiff = {
      source: "PEMILU2024",
      target: "PEMILU2029",
      added: [{ code: "K1.06", name: "Baru", dimension: "K1" }],
      removed: [{ code: "K5.05", name: "Lama", dimension: "K5" }],
      changed: [
        { code: "K2.01", name: "Hibah", changes: [{ field: "weight", before: 3, after: 2 }] },
      ],
      dimensions: [{ code: "K2", before: 25, after: 30 }],
      thresholds: [{ category: "siap", before: 80, after: 75 }],
    };
    mockApi({
      "GET /frameworks/PEMILU2024/diff/PEMILU2029": () => json(diff),
      "GET /frameworks": () => json(page([])),
    });
    renderWithProviders(<AppRoutes />, { route: "/kerangka/PEMILU2024/banding/PEMILU2029" });
    expect(await screen.findByRole("heading", { name: "Indikator ditambahkan (1)" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Indikator dihapus (1)" })).toBeInTheDocument();
    const changed = screen.getByRole("heading", { name: /K2.01/ }).closest("div")!;
    expect(within(changed).getByText("Bobot")).toBeInTheDocument();
    expect(within(changed).getByText("3")).toBeInTheDocument();
    expect(within(changed).getByText("2")).toBeInTheDocument();
    expect(screen.getByText("K2").closest("li")).toHaveTextContent("K2: 25 → 30");
    expect(screen.getByText("siap").closest("li")).toHaveTextContent("siap: 80 → 75");
  });
});

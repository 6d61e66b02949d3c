import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import type { FrameworkSummary, PeriodRead } from "../../api/client";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { defaultFramework, nextQuarter, yearQuarters } from "./quarters";

const closed: PeriodRead = {
  code: "2025-Q2",
  name: "Triwulan II 2025",
  framework_code: "PEMILU2024",
  start_date: "2025-04-01",
  end_date: "2025-06-30",
  deadline: "2025-07-10",
  state: "closed",
  opened_at: null,
  closed_at: null,
};
const framework: FrameworkSummary = {
  code: "PEMILU2024",
  name: "Pemilu 2024",
  description: "",
  is_active: true,
  status: "published",
  published_at: "2024-01-01T00:00:00Z",
  copied_from: null,
  dimension_count: 5,
  indicator_count: 20,
};

function bodies(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Promise<unknown>[] {
  return fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`)
    .map((r) => r.clone().json());
}

describe("quarters", () => {
  it("finds the next quarter after the latest", () => {
    expect(nextQuarter(["2024-Q4", "2025-Q1", "2023-Q3"])).toBe("2025-Q2");
    expect(nextQuarter(["2025-Q4"])).toBe("2026-Q1");
    expect(nextQuarter([], new Date(2025, 7, 1))).toBe("2025-Q3");
    expect(yearQuarters(2026)).toEqual(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
  });

  it("prefers the active published framework", () => {
    const draft = { code: "B", is_active: true, status: "draft" };
    expect(defaultFramework([draft, { code: "A", is_active: false, status: "published" }])).toBe("A");
    expect(defaultFramework([{ code: "C", is_active: true }])).toBe("C");
    expect(defaultFramework([])).toBeUndefined();
  });

  it("prefers the latest published of the active frameworks, whatever their codes", () => {
    const old = { code: "A2024", is_active: true, status: "published", published_at: "2024-01-01T00:00:00Z" };
    const copy = { code: "B2029", is_active: true, status: "published", published_at: "2026-12-01T08:00:00Z" };
    const retired = { code: "C", is_active: false, status: "published", published_at: "2026-12-05T00:00:00Z" };
    expect(defaultFramework([old, copy, retired])).toBe("B2029");
    expect(defaultFramework([copy, old])).toBe("B2029");
    expect(defaultFramework([{ ...old, published_at: null }, { ...copy, code: "Z", published_at: null }])).toBe("A2024");
  });
});

describe("periods page", () => {
  it("adds the next quarter with the default framework", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([closed])),
      "GET /frameworks": () => json(page([framework])),
      "POST /periods": () => json({ ...closed, code: "2025-Q3", state: "planned" }, 201),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode" });
    const add = await screen.findByRole("button", { name: "Tambah triwulan berikutnya (2025-Q3)" });
    await waitFor(() => expect(add).toBeEnabled());
    await userEvent.setup().click(add);
    expect(await screen.findByText("Periode dibuat: 2025-Q3.")).toBeInTheDocument();
    expect(await Promise.all(bodies(fetchMock, "POST", "/periods"))).toEqual([
      { code: "2025-Q3", framework: "PEMILU2024" },
    ]);
  });

  it("shows a refused reason next to its field when reopening", async () => {
    mockApi({
      "GET /periods": () => json(page([closed])),
      "GET /frameworks": () => json(page([framework])),
      "POST /periods/2025-Q2/reopen": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "Invalid input",
              details: [{ loc: ["body", "reason"], type: "string_too_short", message: "Terlalu pendek" }],
            },
          },
          422,
        ),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode" });
    const row = (await screen.findByText("Triwulan II 2025")).closest("tr")!;
    const user = userEvent.setup();
    await user.click(within(row).getByRole("button", { name: "Buka kembali 2025-Q2" }));
    const reason = screen.getByLabelText("Alasan");
    await user.type(reason, "Perbaikan data banjir");
    await user.click(screen.getByRole("button", { name: "Buka kembali periode" }));
    expect(await screen.findByText("Terlalu pendek")).toBeInTheDocument();
  });

  it("opens a planned period and closes an open one after saying what closing means", async () => {
    const planned = { ...closed, code: "2025-Q3", name: "Triwulan III 2025", state: "planned" as const };
    const open = { ...closed, code: "2025-Q1", name: "Triwulan I 2025", state: "open" as const };
    const fetchMock = mockApi({
      "GET /periods": () => json(page([open, closed, planned])),
      "GET /frameworks": () => json(page([framework])),
      "POST /periods/2025-Q3/open": () => json({ ...planned, state: "open" }),
      "POST /periods/2025-Q1/close": () => json({ ...open, state: "closed" }),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode" });
    const user = userEvent.setup();
    const plannedRow = (await screen.findByText("Triwulan III 2025")).closest("tr")!;
    expect(within(plannedRow).queryByRole("button", { name: "Tutup 2025-Q3" })).toBeNull();
    await user.click(within(plannedRow).getByRole("button", { name: "Buka 2025-Q3" }));
    await user.click(screen.getByRole("button", { name: "Ya, buka 2025-Q3" }));
    expect(await screen.findByText("Periode 2025-Q3 dibuka.")).toBeInTheDocument();

    const openRow = screen.getByText("Triwulan I 2025").closest("tr")!;
    await user.click(within(openRow).getByRole("button", { name: "Tutup 2025-Q1" }));
    expect(screen.getByText(/jawaban periode ini tidak dapat diubah lagi/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Ya, tutup 2025-Q1" }));
    expect(await screen.findByText("Periode 2025-Q1 ditutup.")).toBeInTheDocument();
    const posted = fetchMock.mock.calls.map(([r]) => r as Request).filter((r) => r.method === "POST");
    expect(posted.map((r) => new URL(r.url).pathname)).toEqual([
      "/api/v1/periods/2025-Q3/open",
      "/api/v1/periods/2025-Q1/close",
    ]);
  });

  it("adds a year with the framework version the administrator chooses", async () => {
    const newer = { ...framework, code: "PEMILU2029", published_at: "2026-12-01T00:00:00Z" };
    const draft = { ...framework, code: "DRAF", status: "draft" as const, is_active: false };
    const fetchMock = mockApi({
      "GET /periods": () => json(page([closed])),
      "GET /frameworks": () => json(page([draft, framework, newer])),
      "POST /periods": () => json({ ...closed, state: "planned" }, 201),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode" });
    const user = userEvent.setup();
    const addYear = await screen.findByRole("button", { name: "Tambah satu tahun" });
    await waitFor(() => expect(addYear).toBeEnabled());
    await user.click(addYear);
    const choice = screen.getByLabelText("Kerangka");
    expect(choice).toHaveValue("PEMILU2029");
    expect(within(choice).queryByRole("option", { name: "DRAF" })).toBeNull();
    await user.selectOptions(choice, "PEMILU2024");
    await user.clear(screen.getByLabelText("Tahun"));
    await user.type(screen.getByLabelText("Tahun"), "2026");
    await user.click(screen.getByRole("button", { name: "Buat empat triwulan" }));
    await screen.findByText(/Periode dibuat/);
    const sent = (await Promise.all(bodies(fetchMock, "POST", "/periods"))) as { code: string; framework: string }[];
    expect(sent.map((b) => b.framework)).toEqual(["PEMILU2024", "PEMILU2024", "PEMILU2024", "PEMILU2024"]);
    expect(sent.map((b) => b.code)).toEqual(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
  });

  it("hides the buttons from a provincial reader", async () => {
    mockApi({
      "GET /periods": () => json(page([closed])),
      "GET /frameworks": () => json(page([framework])),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode", session: viewerMe });
    await screen.findByText("Triwulan II 2025");
    expect(screen.queryByRole("button", { name: /Tambah satu tahun/ })).toBeNull();
  });
});

import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { ApiError, CSRF_COOKIE, type PeriodRead } from "../../api/client";
import i18n from "../../i18n";
import { framework, notAnswered, operatorMe, period, submission, task, verifierMe } from "../../test/answerFixtures";
import { FakeXhr } from "../../test/fakeXhr";
import { json, mockApi, page, renderWithProviders, requestedUrls } from "../../test/utils";
import { actionErrorMessage, evidenceGuidanceText } from "./common";
import { workPeriod } from "./periods";

const base = "/submissions/2024-Q1/64.72";
const common = {
  "GET /periods/2024-Q1": () => json(period),
  "GET /frameworks/PEMILU2024": () => json(framework),
  [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
};
const p = (code: string, start: string, deadline: string, state: PeriodRead["state"]): PeriodRead => ({
  ...period,
  code,
  name: `Triwulan ${code}`,
  start_date: start,
  deadline,
  state,
});
const q4 = p("2023-Q4", "2023-10-01", "2024-01-10", "open");
const q1 = p("2024-Q1", "2024-01-01", "2024-04-10", "open");
const q2 = p("2024-Q2", "2024-04-01", "2024-07-10", "planned");
const q3closed = p("2023-Q3", "2023-07-01", "2023-10-10", "closed");
const evidence = {
  id: "e1",
  name: "sk-tim.pdf",
  content_type: "application/pdf",
  size: 13,
  sha256: "a".repeat(64),
  uploaded_at: "2024-03-02T00:00:00Z",
  uploaded_by: "operator.64.72.kesbangpol",
  url: "/api/v1/evidence/e1",
};

describe("the operator's period", () => {
  it("is the earliest open period whose deadline has not passed", () => {
    expect(workPeriod([q2, q1, q4, q3closed], "2024-01-05")).toEqual({ period: q4, open: true });
    expect(workPeriod([q2, q1, q4, q3closed], "2024-01-11")).toEqual({ period: q1, open: true });
    expect(workPeriod([q1, q4], "2024-04-10")).toEqual({ period: q1, open: true });
  });

  it("is the latest open one once every deadline has passed", () => {
    expect(workPeriod([q4, q1, q2], "2026-12-06")).toEqual({ period: q1, open: true });
  });

  it("is the latest period that has started, for reading, when none is open", () => {
    const closed = { ...q1, state: "closed" as const };
    expect(workPeriod([q3closed, closed, q2], "2026-12-06")).toEqual({ period: closed, open: false });
    expect(workPeriod([q2], "2026-12-06")).toEqual({ period: q2, open: false });
    expect(workPeriod([], "2026-12-06")).toBeNull();
  });
});

describe("landing", () => {
  it("takes an operator to its tasks", async () => {
    mockApi({ "GET /periods": () => json(page([q4, q1])), "GET /tasks": () => json(page([])), ...common });
    renderWithProviders(<AppRoutes />, { route: "/", session: operatorMe });
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/tugas$/));
    expect(await screen.findByRole("heading", { level: 1, name: "Tugas" })).toBeInTheDocument();
  });

  it("keeps a verifier on the dashboard", async () => {
    mockApi({});
    renderWithProviders(<AppRoutes />, { route: "/", session: verifierMe });
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/dasbor/));
  });
});

describe("tasks page for an operator", () => {
  it("names the agency and Pemda, picks the current period and flags overdue tasks", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([q4, q1, q2])),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /tasks": () =>
        json(
          page([
            task({ indicator: "K1.01", status: "verified", value: 3 }),
            task({ indicator: "K1.02", indicator_name: "Tim terpadu", overdue: true }),
            task({ indicator: "K1.03", indicator_name: "Desk pemilu", status: "draft", value: 40, answer_type: "percent", overdue: true }),
          ]),
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas", session: operatorMe });

    const owner = await screen.findByLabelText("Perangkat daerah dan wilayah");
    expect(owner).toHaveTextContent("Kesbangpol Kota Samarinda · Kota Samarinda");
    expect(screen.queryByText("64.72")).not.toBeInTheDocument();
    // Every deadline has passed (the fixtures are from 2024): the latest open period.
    expect(await screen.findByLabelText("Periode")).toHaveValue("2024-Q1");
    expect(requestedUrls(fetchMock).find((u) => u.pathname.endsWith("/tasks"))!.searchParams.get("period")).toBe("2024-Q1");

    const overdueRow = (await screen.findByRole("link", { name: /K1.02 Tim terpadu/ })).closest("tr")!;
    expect(overdueRow).toHaveClass("task-overdue");
    expect(within(overdueRow).getByText("Lewat tenggat")).toBeInTheDocument();
    const doneRow = screen.getByRole("link", { name: /K1.01/ }).closest("tr")!;
    expect(within(doneRow).queryByText("Lewat tenggat")).not.toBeInTheDocument();
    expect(screen.getByText(/2 tugas lewat tenggat/)).toBeInTheDocument();

    // Overdue first, the framework's order within.
    await user.selectOptions(screen.getByLabelText("Urutan"), "overdue");
    expect(screen.getByTestId("location")).toHaveTextContent("sort=overdue");
    const order = screen.getAllByRole("row").map((r) => r.getAttribute("data-indicator")).filter(Boolean);
    expect(order).toEqual(["K1.02", "K1.03", "K1.01"]);

    // Only the overdue ones, asked of the API.
    await user.click(screen.getByRole("button", { name: "Tampilkan yang lewat tenggat" }));
    expect(screen.getByLabelText("Hanya yang lewat tenggat")).toBeChecked();
    await waitFor(() =>
      expect(requestedUrls(fetchMock).some((u) => u.pathname.endsWith("/tasks") && u.searchParams.get("overdue") === "true")).toBe(true),
    );
  });

  it("shows the latest period with a notice when none is open", async () => {
    const closed = { ...q1, state: "closed" as const };
    mockApi({
      "GET /periods": () => json(page([q3closed, closed, q2])),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /tasks": () => json(page([task({ status: "verified", value: 2 })])),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas", session: operatorMe });
    expect(await screen.findByText(/Tidak ada periode yang sedang dibuka. Ditampilkan periode terakhir, Triwulan 2024-Q1 \(Ditutup\)/)).toBeInTheDocument();
    expect(screen.getByLabelText("Periode")).toHaveValue("2024-Q1");
    expect(await screen.findByRole("link", { name: /K1.01/ })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Salin dari periode sebelumnya" })).toBeDisabled();
  });
});

describe("answer page for an operator", () => {
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  it("takes evidence before the first save, then shows the answer's new version", async () => {
    document.cookie = `${CSRF_COOKIE}=csrf-up; path=/`;
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    let current: unknown = null;
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => (current ? json(current) : json(notAnswered, 404)),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });

    // The agency and Pemda by name, not the code.
    expect(await screen.findByText(/Kesbangpol Kota Samarinda · Kota Samarinda · Tenggat/)).toBeInTheDocument();
    expect(screen.getByText(/unggahan pertama menyimpan jawaban ini sebagai draf/)).toBeInTheDocument();
    expect(screen.queryByTestId("answer-version")).not.toBeInTheDocument();

    await user.upload(screen.getByLabelText("Pilih berkas"), new File(["%PDF-1.4"], "sk-tim.pdf", { type: "application/pdf" }));
    expect(FakeXhr.last!.url).toBe("/api/v1/submissions/2024-Q1/64.72/K1.01/evidence");
    current = submission({ value: null, narrative: "", etag: '"10-2"', version: 2, evidence: [evidence] });
    act(() => FakeXhr.last!.respond(201, { evidence, answer_etag: '"10-2"' }));

    expect(await screen.findByText("sk-tim.pdf terunggah.")).toBeInTheDocument();
    expect(screen.getByTestId("answer-version")).toHaveTextContent("versi 2");
    expect(screen.getByRole("link", { name: "sk-tim.pdf" })).toBeInTheDocument();
  });

  it("drops a saved notice once an upload makes a newer version", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    let current = submission({ etag: '"10-1"', version: 1 });
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(current),
      [`PUT ${base}/K1.01`]: () => json(current),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    await user.click(await screen.findByRole("radio", { name: /^3 — / }));
    current = submission({ value: 3, etag: '"10-2"', version: 2 });
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    expect(await screen.findByText("Draf tersimpan (versi 2).")).toBeInTheDocument();
    expect(screen.getByTestId("answer-version")).toHaveTextContent("versi 2");

    await user.upload(screen.getByLabelText("Pilih berkas"), new File(["%PDF-1.4"], "sk-tim.pdf", { type: "application/pdf" }));
    current = submission({ value: 3, etag: '"10-3"', version: 3, evidence: [evidence] });
    act(() => FakeXhr.last!.respond(201, { evidence, answer_etag: '"10-3"' }));
    expect(await screen.findByText("sk-tim.pdf terunggah.")).toBeInTheDocument();
    expect(screen.getByTestId("answer-version")).toHaveTextContent("versi 3");
    expect(screen.queryByText("Draf tersimpan (versi 2).")).not.toBeInTheDocument();
  });

  it("says what is missing instead of asking to confirm an empty submission", async () => {
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(submission({ value: null, evidence: [] })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    await user.click(await screen.findByRole("button", { name: "Kirim untuk verifikasi" }));

    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Jawaban belum dapat dikirim:");
    expect(alert).toHaveTextContent("Nilai jawaban belum diisi");
    expect(alert).toHaveTextContent("Indikator ini memerlukan data dukung");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([r]) => (r as Request).method === "POST")).toBe(false);

    // Choosing a value leaves only the evidence to supply.
    await user.click(screen.getByRole("radio", { name: /^2 — / }));
    await user.click(screen.getByRole("button", { name: "Kirim untuk verifikasi" }));
    expect(screen.getByRole("alert")).not.toHaveTextContent("Nilai jawaban belum diisi");
    expect(screen.getByRole("alert")).toHaveTextContent("memerlukan data dukung");
  });

  it("shows the required-evidence badge once, without the guidance repeating it", async () => {
    const required = {
      ...framework,
      dimensions: framework.dimensions.map((d) => ({
        ...d,
        indicators: d.indicators.map((i) => ({ ...i, evidence_guidance: "Wajib: SK tim sesuai Permendagri 61/2011" })),
      })),
    };
    mockApi({
      ...common,
      "GET /frameworks/PEMILU2024": () => json(required),
      [`GET ${base}/K1.01`]: () => json(submission()),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    expect(await screen.findByText(/^SK tim sesuai Permendagri 61\/2011/)).toBeInTheDocument();
    expect(screen.getAllByText(/\bWajib\b/)).toHaveLength(1);
  });
});

describe("texts", () => {
  it("strips a requirement the badge already states from the evidence guidance", () => {
    expect(evidenceGuidanceText("Wajib: SK tim", true)).toBe("SK tim");
    expect(evidenceGuidanceText("wajib - undangan, notulen", true)).toBe("Undangan, notulen");
    expect(evidenceGuidanceText("Opsional: foto kegiatan", false)).toBe("Foto kegiatan");
    // A guidance that contradicts the flag is left for a person to see.
    expect(evidenceGuidanceText("Wajib: SK tim", false)).toBe("Wajib: SK tim");
    expect(evidenceGuidanceText("SK wajib ditandatangani", true)).toBe("SK wajib ditandatangani");
  });

  it("words the API's refusal of an answer without a value", () => {
    const t = i18n.getFixedT("id");
    const error = new ApiError("Isi nilai jawaban sebelum mengirim", 422, "invalid_input", [
      { field: "value", message: "required to submit" },
    ]);
    expect(actionErrorMessage(t, error)).toBe(
      "Jawaban belum dapat dikirim: nilainya belum diisi. Isi nilai, lalu kirim lagi.",
    );
    const other = new ApiError("Nilai tidak sah", 422, "invalid_input", [{ field: "value", message: "level expects a whole number from 0 to 4" }]);
    expect(actionErrorMessage(t, other)).toBe("Nilai tidak sah");
  });
});

import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { CSRF_COOKIE } from "../../api/client";
import { framework, notAnswered, operatorMe, period, submission, task } from "../../test/answerFixtures";
import { FakeXhr } from "../../test/fakeXhr";
import { json, mockApi, page, renderWithProviders } from "../../test/utils";

const base = "/submissions/2024-Q1/64.72";
const evidenceFile = {
  id: "e0",
  name: "sk-tim.pdf",
  content_type: "application/pdf",
  size: 13,
  sha256: "b".repeat(64),
  uploaded_at: "2024-03-02T00:00:00Z",
  uploaded_by: "operator.64.72.kesbangpol",
  url: "/api/v1/evidence/e0",
};
const common = {
  "GET /periods/2024-Q1": () => json(period),
  "GET /frameworks/PEMILU2024": () => json(framework),
};

function requests(fetchMock: ReturnType<typeof mockApi>, method: string, pathEnd: string): Request[] {
  return fetchMock.mock.calls
    .map(([input]) => input as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname.endsWith(pathEnd));
}

describe("answer form by type", () => {
  const cases = [
    {
      indicator: "K1.01",
      type: "level" as const,
      invalid: null,
      fill: async (user: ReturnType<typeof userEvent.setup>) =>
        user.click(screen.getByRole("radio", { name: "3 — Terlaksana penuh dengan bukti" })),
      expected: 3,
    },
    {
      indicator: "K1.02",
      type: "yes_no" as const,
      invalid: null,
      fill: async (user: ReturnType<typeof userEvent.setup>) => user.click(screen.getByRole("radio", { name: "Tidak" })),
      expected: false,
    },
    {
      indicator: "K1.03",
      type: "percent" as const,
      invalid: { text: "150", message: "Isi angka 0 sampai 100." },
      fill: async (user: ReturnType<typeof userEvent.setup>) => {
        const input = screen.getByLabelText("Persentase (0–100)");
        await user.clear(input);
        await user.type(input, "75.5");
      },
      expected: 75.5,
    },
    {
      indicator: "K1.04",
      type: "count" as const,
      invalid: { text: "2.5", message: "Isi bilangan bulat 0 atau lebih." },
      fill: async (user: ReturnType<typeof userEvent.setup>) => {
        const input = screen.getByLabelText("Jumlah");
        await user.clear(input);
        await user.type(input, "4");
      },
      expected: 4,
    },
  ];

  it.each(cases)("$type: validates, then creates the answer without If-Match", async ({ indicator, type, invalid, fill, expected }) => {
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/${indicator}`]: () => json(notAnswered, 404),
      [`PUT ${base}/${indicator}`]: async (_url, request) => {
        const body = (await request.clone().json()) as { value: unknown; narrative: string };
        return json(submission({ indicator, answer_type: type, value: Number(body.value), narrative: body.narrative }), 201);
      },
      [`GET ${base}/${indicator}/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator, items: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: `/tugas/2024-Q1/64.72/${indicator}`, session: operatorMe });
    expect(await screen.findByRole("heading", { name: `Indikator ${indicator}` })).toBeInTheDocument();
    expect(screen.getByText(`Petunjuk ${indicator}`)).toBeInTheDocument();
    expect(screen.getByText(`SK untuk ${indicator}`)).toBeInTheDocument();
    if (type === "count") expect(screen.getByText("Bilangan bulat 0 atau lebih. Target: 3.")).toBeInTheDocument();

    // Nothing chosen or typed yet: refused in the browser.
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      type === "level" || type === "yes_no" ? "Pilih salah satu." : "Isi nilai terlebih dahulu.",
    );
    if (invalid) {
      const input = screen.getByRole("spinbutton");
      await user.type(input, invalid.text);
      await user.click(screen.getByRole("button", { name: "Simpan draf" }));
      expect(await screen.findByRole("alert")).toHaveTextContent(invalid.message);
    }
    expect(requests(fetchMock, "PUT", indicator)).toHaveLength(0);

    await fill(user);
    await user.type(screen.getByLabelText("Uraian"), "Catatan");
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));

    expect(await screen.findByText("Draf tersimpan (versi 1).")).toBeInTheDocument();
    const [put] = requests(fetchMock, "PUT", indicator);
    expect(put!.headers.has("If-Match")).toBe(false);
    expect(await put!.json()).toEqual({ value: expected, narrative: "Catatan" });
  });
});

describe("saving an existing answer", () => {
  it("sends If-Match with the etag, keeps the new one, and says to reload on 412", async () => {
    let current = submission({ value: 2, etag: '"10-1"', version: 1 });
    let putCount = 0;
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(current),
      [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
      [`PUT ${base}/K1.01`]: () => {
        putCount += 1;
        if (putCount === 1) {
          current = submission({ value: 3, etag: '"10-2"', version: 2 });
          return json(current);
        }
        // Someone else saved in between.
        current = submission({ value: 1, narrative: "Diubah rekan", etag: '"10-3"', version: 3 });
        return json(
          { error: { code: "precondition_failed", message: "stale", details: [{ current_etag: '"10-3"' }] } },
          412,
        );
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    const two = await screen.findByRole("radio", { name: /^2 — / });
    expect(two).toBeChecked();

    await user.click(screen.getByRole("radio", { name: /^3 — / }));
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    expect(await screen.findByText("Draf tersimpan (versi 2).")).toBeInTheDocument();

    await user.click(screen.getByRole("radio", { name: /^4 — / }));
    await user.click(screen.getByRole("button", { name: "Simpan draf" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Jawaban ini telah diubah orang lain");
    expect(alert).toHaveTextContent("Muat ulang");

    const puts = requests(fetchMock, "PUT", "K1.01");
    expect(puts.map((r) => r.headers.get("If-Match"))).toEqual(['"10-1"', '"10-2"']);

    await user.click(within(alert).getByRole("button", { name: "Muat ulang jawaban" }));
    expect(await screen.findByText("Jawaban dimuat ulang dari server.")).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: /^1 — / })).toBeChecked();
    expect(screen.getByLabelText("Uraian")).toHaveValue("Diubah rekan");
  });

  it("submits after confirmation with the latest etag", async () => {
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(submission({ etag: '"10-4"', version: 4, evidence: [evidenceFile] })),
      [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
      [`POST ${base}/K1.01/submit`]: () => json(submission({ status: "submitted", etag: '"10-5"', version: 5 })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    await user.click(await screen.findByRole("button", { name: "Kirim untuk verifikasi" }));
    const dialog = screen.getByRole("alertdialog", { name: "Kirim jawaban untuk verifikasi?" });
    expect(requests(fetchMock, "POST", "/submit")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Ya, kirim" }));
    expect(await screen.findByText("Jawaban dikirim untuk verifikasi.")).toBeInTheDocument();
    expect(requests(fetchMock, "POST", "/submit")[0]!.headers.get("If-Match")).toBe('"10-4"');
    expect(screen.getByText(/menunggu verifikasi; tidak dapat diubah/)).toBeInTheDocument();
  });
});

describe("returned answer", () => {
  it("shows the verifier's reason prominently", async () => {
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () =>
        json(
          submission({
            status: "returned",
            last_review: {
              decision: "returned",
              reason: "Bukti dukung belum ditandatangani.",
              reviewer: "verifikator.64",
              at: "2024-03-28T09:17:00Z",
            },
          }),
        ),
      [`GET ${base}/K1.01/history`]: () =>
        json({
          period: "2024-Q1",
          region: "64.72",
          indicator: "K1.01",
          items: [
            { version: 1, action: "created", status: "draft", value: 2, narrative: "", evidence_hashes: [], reason: null, actor: "operator.64.72.kesbangpol", at: "2024-03-01T00:00:00Z" },
            { version: 2, action: "returned", status: "returned", value: 2, narrative: "", evidence_hashes: [], reason: "Bukti dukung belum ditandatangani.", actor: "verifikator.64", at: "2024-03-28T09:17:00Z" },
          ],
        }),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Dikembalikan oleh verifikator");
    expect(alert).toHaveTextContent("“Bukti dukung belum ditandatangani.”");
    expect(alert).toHaveTextContent("verifikator.64");
    // Still editable.
    expect(screen.getByRole("button", { name: "Simpan draf" })).toBeEnabled();
    expect(await screen.findByText("Dikembalikan", { selector: ".history-action" })).toBeInTheDocument();
  });

  it("shows the reason of a reopened answer too: it is back with the agency all the same", async () => {
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () =>
        json(
          submission({
            status: "returned",
            last_review: { decision: "reopened", reason: "Nilai salah ketik, perbaiki", reviewer: "verifikator.64", at: "2024-03-28T09:17:00Z" },
          }),
        ),
      [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Dikembalikan oleh verifikator");
    expect(alert).toHaveTextContent("“Nilai salah ketik, perbaiki”");
  });
});

describe("evidence upload", () => {
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  function setup() {
    document.cookie = `${CSRF_COOKIE}=csrf-up; path=/`;
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    FakeXhr.last = null;
    let current = submission();
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(current),
      [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    return { setCurrent: (s: ReturnType<typeof submission>) => (current = s) };
  }

  it("shows the progress, sends the CSRF token and lists the file", async () => {
    const { setCurrent } = setup();
    const user = userEvent.setup();
    const input = await screen.findByLabelText("Pilih berkas");
    const file = new File(["%PDF-1.4 test"], "sk.pdf", { type: "application/pdf" });
    await user.upload(input, file);

    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/v1/submissions/2024-Q1/64.72/K1.01/evidence");
    expect(xhr.headers["X-CSRF-Token"]).toBe("csrf-up");
    expect((xhr.body!.get("file") as File).name).toBe("sk.pdf");

    act(() => xhr.progress(40, 100));
    expect(screen.getByRole("progressbar", { name: "Kemajuan unggahan" })).toHaveAttribute("value", "40");
    expect(screen.getByText("Mengunggah sk.pdf: 40%")).toBeInTheDocument();

    const evidence = {
      id: "e1",
      name: "sk.pdf",
      content_type: "application/pdf",
      size: 13,
      sha256: "a".repeat(64),
      uploaded_at: "2024-03-02T00:00:00Z",
      uploaded_by: "operator.64.72.kesbangpol",
      url: "/api/v1/evidence/e1",
    };
    setCurrent(submission({ etag: '"10-2"', version: 2, evidence: [evidence] }));
    act(() => xhr.respond(201, { evidence, answer_etag: '"10-2"' }));

    expect(await screen.findByText("sk.pdf terunggah.")).toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "sk.pdf" })).toHaveAttribute("href", "/api/v1/evidence/e1");
  });

  it("says which file types are accepted on 415", async () => {
    setup();
    const input = await screen.findByLabelText("Pilih berkas");
    fireEvent.change(input, { target: { files: [new File(["hello"], "catatan.txt", { type: "text/plain" })] } });
    const xhr = FakeXhr.last!;
    act(() =>
      xhr.respond(415, { error: { code: "unsupported_media_type", message: "Jenis berkas tidak didukung", details: [] } }),
    );
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "catatan.txt: Jenis berkas tidak didukung. Unggah PDF, JPEG, PNG, XLSX, DOCX atau ODT.",
    );
  });

  it("says the file is too large on 413", async () => {
    setup();
    const input = await screen.findByLabelText("Pilih berkas");
    fireEvent.change(input, { target: { files: [new File(["x"], "besar.pdf", { type: "application/pdf" })] } });
    act(() => FakeXhr.last!.respond(413, { error: { code: "too_large", message: "too large", details: [] } }));
    expect(await screen.findByRole("alert")).toHaveTextContent("besar.pdf: Berkas terlalu besar.");
  });
});

describe("tasks page", () => {
  it("groups tasks by dimension, defaults to the latest open period and copies the previous period", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([period])),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /tasks": () =>
        json(
          page([
            task(),
            task({ indicator: "K1.04", indicator_name: "Rapat koordinasi", answer_type: "count", target: 3, status: "returned", value: 2, last_reason: "Kurang notulen", is_late: true }),
            task({ indicator: "K4.02", dimension: "K4", indicator_name: "Pendidikan politik", status: "verified", value: 1, answer_type: "yes_no" }),
          ]),
        ),
      "POST /submissions/copy-previous": () => json({ previous_period: "2023-Q4", created: 5, skipped: 1 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas", session: operatorMe });

    expect(await screen.findByRole("heading", { name: "K1 Kelembagaan dan Koordinasi" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /^K4/ })).toBeInTheDocument();
    const row = screen.getByRole("link", { name: /K1.04 Rapat koordinasi/ }).closest("tr")!;
    expect(within(row).getByText("Dikembalikan")).toBeInTheDocument();
    expect(within(row).getByText("Terlambat")).toBeInTheDocument();
    expect(within(row).getByText("Dikembalikan: Kurang notulen")).toBeInTheDocument();
    expect(within(row).getByText("2 (target 3)")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /K1.01/ })).toHaveAttribute("href", "/tugas/2024-Q1/64.72/K1.01");
    const tasksCall = fetchMock.mock.calls.map(([r]) => new URL((r as Request).url)).find((u) => u.pathname.endsWith("/tasks"))!;
    expect(tasksCall.searchParams.get("period")).toBe("2024-Q1");

    await user.selectOptions(screen.getByLabelText("Status"), "returned");
    expect(screen.getByTestId("location")).toHaveTextContent("/tugas?status=returned");
    await waitFor(() =>
      expect(
        fetchMock.mock.calls.some(([r]) => new URL((r as Request).url).searchParams.get("status") === "returned"),
      ).toBe(true),
    );

    await user.click(screen.getByRole("button", { name: "Salin dari periode sebelumnya" }));
    expect(await screen.findByText(/Disalin dari periode 2023-Q4: 5 jawaban dibuat sebagai draf, 1 dilewati/)).toBeInTheDocument();
    const copy = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/copy-previous"))!;
    expect(await copy.json()).toEqual({ period: "2024-Q1" });
  });

  it("says when no period is open", async () => {
    mockApi({ "GET /periods": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: "/tugas", session: operatorMe });
    expect(await screen.findByText(/Belum ada periode yang dibuka/)).toBeInTheDocument();
  });

  it("is refused to an account without the answer capability", async () => {
    renderWithProviders(<AppRoutes />, { route: "/tugas", session: { ...operatorMe, capabilities: ["read"] } });
    expect(await screen.findByRole("heading", { name: "Akses ditolak" })).toBeInTheDocument();
  });
});

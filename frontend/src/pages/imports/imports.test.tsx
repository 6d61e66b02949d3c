import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { CSRF_COOKIE } from "../../api/client";
import i18n from "../../i18n";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";
import { newIdempotencyKey, type ImportBatchRead } from "./upload";

/**
 * XMLHttpRequest (the page uses it for upload progress) passed through to the
 * mocked fetch, so every request of the page goes through one mock.
 */
class FetchXhr {
  /** The multipart bodies sent, as the page built them (the file's name survives here). */
  static sent: FormData[] = [];
  method = "";
  url = "";
  headers = new Headers();
  status = 0;
  statusText = "";
  responseText = "";
  withCredentials = false;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = new URL(url, window.location.origin).toString();
  }
  setRequestHeader(name: string, value: string) {
    this.headers.set(name, value);
  }
  send(body: FormData) {
    FetchXhr.sent.push(body);
    const request = new Request(this.url, { method: this.method, headers: this.headers, body });
    void (async () => {
      try {
        this.upload.onprogress?.({ loaded: 50, total: 100, lengthComputable: true });
        const response = await globalThis.fetch(request);
        this.status = response.status;
        this.statusText = response.statusText;
        this.responseText = await response.text();
        this.onload?.();
      } catch {
        this.onerror?.();
      }
    })();
  }
  abort() {
    this.onabort?.();
  }
}

function batch(overrides: Partial<ImportBatchRead> = {}): ImportBatchRead {
  return {
    id: 7,
    kind: "submissions",
    dry_run: true,
    status: "succeeded",
    filename: "jawaban.csv",
    file_sha256: "ab",
    region_code: null,
    created_by: "admin",
    created_at: "2024-03-02T01:00:00Z",
    finished_at: "2024-03-02T01:00:01Z",
    counts: { rows: 2, created: 1, updated: 1, unchanged: 0, errors: 0, rows_with_errors: 0 },
    rows: [
      { row: 2, key: "2024-Q1/64.72/K1.01", action: "created" },
      { row: 3, key: "2024-Q1/64.72/K1.02", action: "updated" },
    ],
    rows_truncated: false,
    errors: [],
    errors_truncated: false,
    errors_csv_url: "/api/v1/imports/7/errors.csv",
    ...overrides,
  };
}

const withErrors = batch({
  id: 8,
  status: "failed",
  counts: { rows: 3, created: 1, updated: 0, unchanged: 0, errors: 2, rows_with_errors: 2 },
  rows: [{ row: 2, key: "2024-Q1/64.72/K1.01", action: "created" }],
  errors: [
    { row: 3, column: "value", code: "invalid_value", message: "Nilai harus 0-4", message_en: "Value must be 0-4" },
    { row: 4, column: "region", code: "unknown_region", message: "Wilayah tidak dikenal", message_en: "Unknown region" },
  ],
});

const csv = (name = "jawaban.csv") =>
  new File(["period,region,indicator,value,narrative\n2024-Q1,64.72,K1.01,3,x\n"], name, { type: "text/csv" });

interface Posted {
  url: URL;
  headers: Headers;
  fileName: string | null;
}

function setup(answers: (posted: Posted) => Response | Promise<Response>) {
  vi.stubGlobal("XMLHttpRequest", FetchXhr);
  FetchXhr.sent = [];
  const posts: Posted[] = [];
  const fetchMock = mockApi({
    "GET /imports": () => json(page([batch({ id: 5, dry_run: false })])),
    "POST /imports": async (url, request) => {
      const form = await request.formData();
      const file = form.get("file");
      // The name is lost between jsdom's FormData and Node's Request: read the body as sent.
      const sent = FetchXhr.sent[posts.length]?.get("file");
      const fileName = file !== null && sent instanceof File ? sent.name : null;
      const posted = { url, headers: request.headers, fileName };
      posts.push(posted);
      return answers(posted);
    },
  });
  return { fetchMock, posts };
}

async function chooseFile(user: ReturnType<typeof userEvent.setup>, file = csv()) {
  await user.upload(screen.getByLabelText("Pilih berkas"), file);
}

describe("imports page", () => {
  beforeEach(() => {
    document.cookie = `${CSRF_COOKIE}=csrf-imp; path=/`;
  });
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  it("offers the kinds with a template link and lists past batches", async () => {
    const user = userEvent.setup();
    setup(() => json(batch()));
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });

    expect(await screen.findByRole("heading", { level: 1, name: "Impor data" })).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "Jawaban" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Jawaban" })).toHaveAccessibleDescription(/period, region, indicator, value/);
    expect(screen.getByTestId("template-link")).toHaveAttribute("href", "/api/v1/imports/templates/submissions.xlsx");
    await user.click(screen.getByRole("radio", { name: "Perangkat daerah" }));
    expect(screen.getByTestId("template-link")).toHaveAttribute("href", "/api/v1/imports/templates/agencies.xlsx");
    expect(screen.getByTestId("location")).toHaveTextContent("/admin/impor?jenis=agencies");

    const history = await screen.findByTestId("import-history");
    expect(within(history).getByRole("link", { name: "#5" })).toHaveAttribute("href", "/admin/impor/5");
    expect(within(history).getByText("Berhasil")).toBeInTheDocument();
  });

  it("shows a dry run's errors highlighted and keeps the confirm button disabled", async () => {
    const user = userEvent.setup();
    const { posts } = setup(() => json(withErrors));
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });
    await screen.findByRole("heading", { level: 1, name: "Impor data" });

    await chooseFile(user);

    const result = await screen.findByTestId("import-result");
    expect(posts).toHaveLength(1);
    expect(Object.fromEntries(posts[0]!.url.searchParams)).toEqual({ kind: "submissions", dry_run: "true" });
    expect(posts[0]!.headers.get("X-CSRF-Token")).toBe("csrf-imp");
    expect(posts[0]!.headers.get("Idempotency-Key")).toBeNull();
    expect(posts[0]!.fileName).toBe("jawaban.csv");

    expect(within(result).getByTestId("import-status")).toHaveTextContent("Ditemukan 2 kesalahan pada 2 baris");
    expect(within(result).getByTestId("count-errors")).toHaveTextContent("2");
    expect(within(result).getByRole("link", { name: "Unduh daftar kesalahan (CSV)" })).toHaveAttribute(
      "href",
      "/api/v1/imports/8/errors.csv?locale=id",
    );
    // Only the error rows at first, highlighted and labelled, messages in Indonesian.
    const rows = within(screen.getByTestId("import-rows")).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-row"))).toEqual(["3", "4"]);
    expect(rows.every((r) => r.classList.contains("row-error"))).toBe(true);
    expect(rows[0]).toHaveTextContent("Kesalahan");
    expect(rows[0]).toHaveTextContent("value");
    // The row's problem in words; the code stays only in the cell's title.
    expect(rows[0]).toHaveTextContent("Nilai tidak sah");
    expect(rows[0]).not.toHaveTextContent("invalid_value");
    expect(within(rows[0]!).getByTitle("invalid_value")).toHaveTextContent("Nilai tidak sah");
    expect(rows[0]).toHaveTextContent("Nilai harus 0-4");
    // All rows, in row order; the clean row is not highlighted.
    await user.click(screen.getByLabelText("Tampilkan hanya baris bermasalah"));
    const all = within(screen.getByTestId("import-rows")).getAllByRole("row").slice(1);
    expect(all.map((r) => r.getAttribute("data-row"))).toEqual(["2", "3", "4"]);
    expect(all[0]).not.toHaveClass("row-error");
    expect(all[0]).toHaveTextContent("Baru");

    const confirm = screen.getByRole("button", { name: "Konfirmasi impor" });
    expect(confirm).toBeDisabled();
    expect(confirm).toHaveAccessibleDescription(/Tidak dapat dikonfirmasi/);
    await user.click(confirm);
    expect(posts).toHaveLength(1);

    // The API's English message in English.
    await i18n.changeLanguage("en");
    expect(await screen.findByText("Value must be 0-4")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Confirm import" })).toBeDisabled();
  });

  it("confirms a clean dry run with an Idempotency-Key, and retries with the same key", async () => {
    const user = userEvent.setup();
    let realRuns = 0;
    const { posts } = setup(({ url }) => {
      if (url.searchParams.get("dry_run") === "true") return json(batch());
      realRuns += 1;
      // The first confirmation's response is lost (a proxy error), the retry succeeds.
      if (realRuns === 1) return json({ error: { code: "bad_gateway", message: "Bad gateway" } }, 502);
      return json(batch({ id: 9, dry_run: false }));
    });
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });
    await screen.findByRole("heading", { level: 1, name: "Impor data" });

    await chooseFile(user);
    expect(await screen.findByTestId("import-status")).toHaveTextContent("Tidak ada kesalahan pada 2 baris");
    expect(screen.getByRole("heading", { name: "Hasil pemeriksaan (uji coba)" })).toHaveFocus();
    const confirm = screen.getByRole("button", { name: "Konfirmasi impor" });
    expect(confirm).toBeEnabled();

    await user.click(confirm);
    expect(await screen.findByTestId("file-error")).toHaveTextContent("Impor tidak berhasil");
    expect(screen.getByTestId("file-error")).toHaveTextContent("Bad gateway");
    await user.click(screen.getByRole("button", { name: "Coba lagi konfirmasi impor" }));

    expect(await screen.findByRole("heading", { name: "Hasil impor" })).toBeInTheDocument();
    expect(screen.getByTestId("import-status")).toHaveTextContent("Impor berhasil: 2 baris diproses");
    expect(screen.getByTestId("count-created")).toHaveTextContent("1");
    expect(screen.getByTestId("count-updated")).toHaveTextContent("1");
    expect(screen.queryByRole("button", { name: /Konfirmasi impor/ })).toBeNull();

    expect(posts).toHaveLength(3);
    const [dry, first, retry] = posts;
    expect(dry!.url.searchParams.get("dry_run")).toBe("true");
    expect(first!.url.searchParams.get("dry_run")).toBe("false");
    expect(first!.url.searchParams.get("kind")).toBe("submissions");
    const key = first!.headers.get("Idempotency-Key");
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retry!.headers.get("Idempotency-Key")).toBe(key);
    expect(first!.headers.get("X-CSRF-Token")).toBe("csrf-imp");
    expect(first!.fileName).toBe("jawaban.csv");

    // Another file gets a new key.
    await user.click(screen.getByRole("button", { name: "Impor berkas lain" }));
    await chooseFile(user, csv("kedua.csv"));
    await user.click(await screen.findByRole("button", { name: "Konfirmasi impor" }));
    await screen.findByRole("heading", { name: "Hasil impor" });
    expect(posts).toHaveLength(5);
    expect(posts[4]!.headers.get("Idempotency-Key")).not.toBe(key);
  });

  it("shows a file-level error with the header problems and no result", async () => {
    const user = userEvent.setup();
    setup(() =>
      json(
        {
          error: {
            code: "import_header_invalid",
            message: "Judul kolom salah (wrong header)",
            details: [{ missing: ["value"], unknown: ["nilai"], duplicated: [], expected: ["period", "region", "indicator", "value", "narrative", "status"] }],
          },
        },
        422,
      ),
    );
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });
    await screen.findByRole("heading", { level: 1, name: "Impor data" });

    await chooseFile(user);

    const alert = await screen.findByTestId("file-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent("Berkas tidak dapat diperiksa");
    expect(alert).toHaveTextContent("Baris judul kolom tidak sesuai");
    expect(alert).toHaveTextContent("Kolom yang hilang: value");
    expect(alert).toHaveTextContent("Kolom tidak dikenal: nilai");
    expect(alert).not.toHaveTextContent("Kolom ganda");
    expect(alert).toHaveTextContent("(422)");
    expect(alert).not.toHaveTextContent("import_header_invalid");
    expect(screen.queryByTestId("import-result")).toBeNull();
    expect(screen.queryByRole("button", { name: "Konfirmasi impor" })).toBeNull();
  });

  it("explains an unsupported file type", async () => {
    const user = userEvent.setup({ applyAccept: false });
    setup(() => json({ error: { code: "unsupported_media_type", message: "Jenis berkas tidak didukung", details: [] } }, 415));
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });
    await screen.findByRole("heading", { level: 1, name: "Impor data" });
    await chooseFile(user, new File(["%PDF-1.4"], "laporan.pdf", { type: "application/pdf" }));
    expect(await screen.findByTestId("file-error")).toHaveTextContent("Unggah CSV (UTF-8) atau XLSX");
  });

  it("shows one past batch", async () => {
    mockApi({ "GET /imports/8": () => json({ ...withErrors, dry_run: false }) });
    renderWithProviders(<AppRoutes />, { route: "/admin/impor/8" });
    expect(await screen.findByRole("heading", { level: 1, name: "Impor #8" })).toBeInTheDocument();
    expect(await screen.findByTestId("import-status")).toHaveTextContent("Impor dibatalkan karena 2 kesalahan pada 2 baris");
    expect(screen.getByRole("link", { name: /Kembali ke impor data/ })).toHaveAttribute("href", "/admin/impor");
  });

  it("is only for accounts that may import, in the navigation too", async () => {
    mockApi({ "GET /auth/me": () => json(viewerMe) });
    renderWithProviders(<AppRoutes />, { route: "/admin/impor", session: viewerMe });
    expect(await screen.findByRole("heading", { name: "Akses ditolak" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Impor data" })).toBeNull();
  });

  it("shows the nav link to administrators", async () => {
    setup(() => json(batch()));
    renderWithProviders(<AppRoutes />, { route: "/admin/impor" });
    const link = await screen.findByRole("link", { name: "Impor data" });
    expect(link).toHaveAttribute("href", "/admin/impor");
    await waitFor(() => expect(link).toHaveAttribute("aria-current", "page"));
  });
});

describe("newIdempotencyKey", () => {
  it("makes a v4 UUID even without crypto.randomUUID (plain-HTTP intranets)", () => {
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => a.fill(0xff) });
    expect(newIdempotencyKey()).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
  });
});

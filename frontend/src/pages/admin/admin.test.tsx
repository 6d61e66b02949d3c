import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import type { ApiKeyCreated, ApiKeyRead, AuditEventRead, UserRead } from "../../api/client";
import { json, mockApi, page, renderWithProviders, requestedUrls } from "../../test/utils";
import { AUDIT_EXPORT_LIMIT, fieldErrors, formatLocalInput, parseAuditFilters, parseLocalInput } from "./filters";
import { ApiError } from "../../api/client";

const operator: UserRead = {
  username: "operator.64.72.kesbangpol",
  full_name: "Operator Kesbangpol Samarinda",
  email: null,
  role: "operator",
  region_code: "64.72",
  agency_code: "64.72.kesbangpol",
  is_active: true,
  last_login_at: null,
  created_at: "2024-01-01T00:00:00Z",
};

const key: ApiKeyRead = {
  prefix: "ab12cd34",
  name: "SIPD Kemendagri",
  region_code: null,
  scopes: ["read"],
  created_by: "admin",
  created_at: "2024-01-01T00:00:00Z",
  expires_at: "2099-01-01T00:00:00Z",
  revoked_at: null,
  last_used_at: null,
};

function requests(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request[] {
  return fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
}

describe("users admin page", () => {
  it("lists users with filters from the URL", async () => {
    const fetchMock = mockApi({ "GET /users": () => json(page([operator], 120, 50, 50)) });
    renderWithProviders(<AppRoutes />, { route: "/admin/pengguna?role=operator&active=true&offset=50" });

    const row = (await screen.findByText("Operator Kesbangpol Samarinda")).closest("tr")!;
    expect(within(row).getByText("Operator")).toBeInTheDocument();
    expect(within(row).getByText("Aktif")).toBeInTheDocument();
    const url = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/users")!;
    expect(url.searchParams.get("role")).toBe("operator");
    expect(url.searchParams.get("active")).toBe("true");
    expect(url.searchParams.get("offset")).toBe("50");

    await userEvent.setup().selectOptions(screen.getByLabelText("Peran"), "viewer");
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/admin\/pengguna\?role=viewer&active=true$/);
  });

  it("shows the server's field errors next to the create form's fields", async () => {
    const fetchMock = mockApi({
      "GET /users": () => json(page([])),
      "POST /users": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "Pengguna tidak dapat dibuat (the user cannot be created)",
              details: [
                { field: "password", message: "password is too short" },
                { field: "region", message: "a viewer needs a region (its scope)" },
              ],
            },
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/pengguna" });
    await user.click(await screen.findByRole("button", { name: "Tambah pengguna" }));
    const form = screen.getByRole("form", { name: "Pengguna baru" });
    await user.type(within(form).getByLabelText("Nama pengguna"), "pemantau.baru");
    await user.type(within(form).getByLabelText("Kata sandi awal"), "x");
    await user.click(within(form).getByRole("button", { name: "Simpan pengguna" }));

    const password = within(form).getByLabelText("Kata sandi awal");
    await waitFor(() => expect(password).toHaveAttribute("aria-invalid", "true"));
    expect(password).toHaveAccessibleDescription("password is too short");
    expect(within(form).getByLabelText("Kode wilayah")).toHaveAccessibleDescription(
      expect.stringContaining("a viewer needs a region (its scope)"),
    );
    expect(within(form).getByLabelText("Nama pengguna")).not.toHaveAttribute("aria-invalid");
    expect(within(form).getByRole("alert")).toHaveTextContent("Pengguna belum dibuat");

    const post = requests(fetchMock, "POST", "/users")[0]!;
    expect(await post.json()).toEqual({
      username: "pemantau.baru",
      full_name: "",
      email: null,
      role: "viewer",
      region: null,
      agency: null,
      password: "x",
    });
  });

  it("disables an account without touching its password", async () => {
    const fetchMock = mockApi({
      "GET /users": () => json(page([operator])),
      "PATCH /users/operator.64.72.kesbangpol": () => json({ ...operator, is_active: false }),
    });
    renderWithProviders(<AppRoutes />, { route: "/admin/pengguna" });
    await userEvent.setup().click(await screen.findByRole("button", { name: "Nonaktifkan operator.64.72.kesbangpol" }));

    expect(await screen.findByText("Akun operator.64.72.kesbangpol dinonaktifkan; sesinya berakhir.")).toBeInTheDocument();
    const patch = requests(fetchMock, "PATCH", "/users/operator.64.72.kesbangpol")[0]!;
    expect(await patch.json()).toEqual({ password: null, is_active: false });
  });
});

describe("API keys admin page", () => {
  it("shows a new key's secret once, then never again", async () => {
    const created: ApiKeyCreated = { ...key, prefix: "ef56ab78", name: "Dasbor provinsi", region_code: "64", key: "sg_ef56ab78_SECRETVALUE" };
    let listed: ApiKeyRead[] = [key];
    const fetchMock = mockApi({
      "GET /api-keys": () => json(page(listed)),
      "POST /api-keys": () => {
        const { key: _secret, ...read } = created;
        listed = [read, key];
        return json(created, 201);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/kunci-api" });
    expect(await screen.findByText("SIPD Kemendagri")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Buat kunci API" }));
    const form = screen.getByRole("form", { name: "Kunci API baru" });
    await user.type(within(form).getByLabelText("Nama"), "Dasbor provinsi");
    await user.type(within(form).getByLabelText("Kode wilayah"), "64");
    await user.click(within(form).getByLabelText("Impor"));
    await user.clear(within(form).getByLabelText("Berlaku (hari)"));
    await user.type(within(form).getByLabelText("Berlaku (hari)"), "30");
    await user.click(within(form).getByRole("button", { name: "Buat kunci" }));

    const secret = await screen.findByLabelText("Kunci rahasia");
    expect(secret).toHaveValue("sg_ef56ab78_SECRETVALUE");
    expect(secret).toHaveAttribute("readonly");
    expect(screen.getByText(/hanya ditampilkan sekali ini/)).toBeInTheDocument();
    const post = requests(fetchMock, "POST", "/api-keys")[0]!;
    expect(await post.json()).toEqual({ name: "Dasbor provinsi", region: "64", scopes: ["read", "import"], expires_in_days: 30 });
    expect(await screen.findByText("Dasbor provinsi", { selector: "td" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Saya sudah menyimpan kunci ini" }));
    expect(screen.queryByDisplayValue("sg_ef56ab78_SECRETVALUE")).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain("SECRETVALUE");
  });

  it("revokes a key only after confirmation", async () => {
    const fetchMock = mockApi({
      "GET /api-keys": () => json(page([key])),
      "DELETE /api-keys/ab12cd34": () => json({ ...key, revoked_at: "2024-02-01T00:00:00Z" }),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/kunci-api" });
    const revoke = await screen.findByRole("button", { name: "Cabut ab12cd34" });

    await user.click(revoke);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(requests(fetchMock, "DELETE", "/api-keys/ab12cd34")).toHaveLength(0);

    await user.click(revoke);
    expect(await screen.findByText("Kunci ab12cd34 dicabut.")).toBeInTheDocument();
    expect(requests(fetchMock, "DELETE", "/api-keys/ab12cd34")).toHaveLength(1);
  });
});

describe("audit admin page", () => {
  const event: AuditEventRead = {
    id: 7,
    occurred_at: "2024-03-01T02:03:04Z",
    actor: "admin",
    action: "user.update",
    outcome: "success",
    entity_type: "user",
    entity_id: "pemantau.64",
    region_code: "64",
    before: { is_active: true },
    after: { is_active: false },
    client_addr: "10.0.0.1",
    request_id: "req-1",
  };

  it("passes the URL's filters to the API and expands before/after", async () => {
    const fetchMock = mockApi({ "GET /audit": () => json(page([event])) });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/audit?actor=admin&outcome=success&since=2024-03-01T00:00" });

    const table = await screen.findByRole("table");
    const row = within(table).getByText("Akun diubah").closest("tr")!;
    expect(within(row).getByText("Berhasil")).toBeInTheDocument();
    // Codes read as words; the raw action stays in the cell's title for support.
    expect(within(row).queryByText("user.update")).toBeNull();
    expect(within(row).getByTitle("user.update")).toHaveTextContent("Akun diubah");
    expect(within(row).getByText("pemantau.64").closest("td")).toHaveTextContent("Akun pemantau.64");
    const url = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/audit")!;
    expect(url.searchParams.get("actor")).toBe("admin");
    expect(url.searchParams.get("outcome")).toBe("success");
    expect(url.searchParams.get("since")).toBe(new Date("2024-03-01T00:00").toISOString());
    expect(screen.getByLabelText("Pelaku")).toHaveValue("admin");
    // The date reads day first, with the Indonesian time separator.
    expect(screen.getByLabelText("Sejak")).toHaveValue("01/03/2024");

    const show = within(row).getByRole("button", { name: /Lihat/ });
    expect(show).toHaveAttribute("aria-expanded", "false");
    await user.click(show);
    expect(show).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByText(/"is_active": false/)).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Hasil"), "denied");
    expect(screen.getByTestId("location")).toHaveTextContent(
      /^\/admin\/audit\?actor=admin&outcome=denied&since=2024-03-01T00%3A00$/,
    );
  });

  it("offers every refusal at once as a filter", async () => {
    const refusal: AuditEventRead = {
      ...event,
      id: 8,
      actor: "10.9.9.9",
      action: "auth.token_refused",
      outcome: "failure",
      entity_type: "api_key",
      entity_id: "a1b2c3",
      after: { reason: "revoked", route: "GET /api/v1/regions" },
    };
    const fetchMock = mockApi({ "GET /audit": () => json(page([refusal])) });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/audit" });
    await screen.findByText("Kredensial ditolak");

    await user.selectOptions(screen.getByLabelText("Hasil"), "Semua penolakan");
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/admin\/audit\?outcome=refused$/);
    await waitFor(() =>
      expect(requestedUrls(fetchMock).some((u) => u.searchParams.get("outcome") === "refused")).toBe(true),
    );
  });

  it("ignores junk in the URL", () => {
    expect(parseAuditFilters(new URLSearchParams("outcome=nope&since=yesterday&offset=-5"))).toEqual({
      actor: undefined,
      action: undefined,
      outcome: undefined,
      since: undefined,
      sinceLocal: undefined,
      offset: 0,
    });
  });
});

describe("fieldErrors", () => {
  it("reads the service's and the framework's detail shapes", () => {
    const error = new ApiError("bad", 422, "invalid_input", [
      { field: "password", message: "too short" },
      { loc: ["body", "username"], type: "string_pattern_mismatch", message: "bad pattern" },
      "junk",
    ]);
    expect(fieldErrors(error)).toEqual({ password: ["too short"], username: ["bad pattern"] });
  });
});

describe("audit dates and export", () => {
  const event: AuditEventRead = {
    id: 9,
    occurred_at: "2024-03-01T02:03:04Z",
    actor: "admin",
    action: "auth.login",
    outcome: "success",
    entity_type: "user",
    entity_id: "admin",
    region_code: null,
    before: null,
    after: null,
    client_addr: null,
    request_id: null,
  };

  it("reads dates as the reader writes them and refuses what is not a date", () => {
    expect(parseLocalInput("31/12/2024 17.00")).toBe("2024-12-31T17:00");
    expect(parseLocalInput("31/12/2024 17:05")).toBe("2024-12-31T17:05");
    expect(parseLocalInput("1-2-2024")).toBe("2024-02-01T00:00");
    expect(parseLocalInput("2024-02-01T08:30")).toBe("2024-02-01T08:30");
    expect(parseLocalInput("")).toBe("");
    expect(parseLocalInput("31/02/2024")).toBeUndefined();
    expect(parseLocalInput("12/31/2024")).toBeUndefined();
    expect(parseLocalInput("kemarin")).toBeUndefined();
    expect(formatLocalInput("2024-12-31T17:00", "id")).toBe("31/12/2024 17.00");
    expect(formatLocalInput("2024-12-31T17:00", "en")).toBe("31/12/2024 17:00");
    expect(formatLocalInput("2024-12-31T00:00", "id")).toBe("31/12/2024");
  });

  it("filters by an Indonesian date and exports with the filters shown", async () => {
    const fetchMock = mockApi({ "GET /audit": () => json(page([event])) });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/audit?outcome=success" });
    await screen.findByText("Masuk");

    await user.type(screen.getByLabelText("Sejak"), "1/3/2024 7.30");
    await user.type(screen.getByLabelText("Sampai sebelum"), "besok");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    expect(screen.getByText(/Tanggal tidak dikenali/)).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/admin\/audit\?outcome=success$/);

    await user.clear(screen.getByLabelText("Sampai sebelum"));
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    expect(screen.getByTestId("location")).toHaveTextContent(
      /^\/admin\/audit\?outcome=success&since=2024-03-01T07%3A30$/,
    );
    const since = new Date(2024, 2, 1, 7, 30).toISOString();
    await waitFor(() =>
      expect(requestedUrls(fetchMock).some((u) => u.searchParams.get("since") === since)).toBe(true),
    );
    const csv = screen.getByRole("link", { name: /Unduh CSV/ });
    const url = new URL(csv.getAttribute("href")!, "http://x");
    expect(url.pathname).toBe("/api/v1/audit/export.csv");
    expect(Object.fromEntries(url.searchParams)).toEqual({ outcome: "success", since, locale: "id" });
    const xlsx = new URL(screen.getByRole("link", { name: /Unduh XLSX/ }).getAttribute("href")!, "http://x");
    expect(xlsx.searchParams.has("locale")).toBe(false);
  });

  it("says why there is no download when the filters select too many events", async () => {
    mockApi({ "GET /audit": () => json({ ...page([event]), total: AUDIT_EXPORT_LIMIT + 1 }) });
    renderWithProviders(<AppRoutes />, { route: "/admin/audit" });
    expect(await screen.findByText(/Filter ini memilih 100\.001 peristiwa/)).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /Unduh CSV/ })).toBeNull();
  });
});

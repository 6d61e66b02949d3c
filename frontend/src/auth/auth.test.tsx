import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../App";
import { CSRF_COOKIE } from "../api/client";
import { Layout } from "../components/Layout";
import { adminMe, json, mockApi, page, renderWithProviders, requestedUrls, viewerMe } from "../test/utils";

const notSignedIn = () => json({ error: { code: "not_authenticated", message: "Not authenticated" } }, 401);
const loginOk = () =>
  json({ token: "t", csrf_token: "c", expires_at: "2030-01-01T00:00:00Z", user: viewerMe });

async function signIn(username = "pemantau.64", password = "rahasia") {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("Nama pengguna"), username);
  await user.type(screen.getByLabelText("Kata sandi"), password);
  await user.click(screen.getByRole("button", { name: "Masuk" }));
  return user;
}

describe("session guard", () => {
  it("sends a visitor without a session to the login page, remembering the page", async () => {
    mockApi({ "GET /auth/me": notSignedIn });
    renderWithProviders(<AppRoutes />, { route: "/wilayah?level=city", session: "fetch" });

    expect(await screen.findByRole("heading", { name: "Masuk" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/masuk?next=%2Fwilayah%3Flevel%3Dcity");
    expect(screen.queryByRole("link", { name: "Wilayah" })).not.toBeInTheDocument();
  });

  it("shows guarded pages once /auth/me answers", async () => {
    mockApi({ "GET /auth/me": () => json(viewerMe), "GET /periods": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: "/periode", session: "fetch" });
    expect(await screen.findByText("Belum ada periode.")).toBeInTheDocument();
    expect(screen.getByText("Pemantau Kalimantan Timur")).toBeInTheDocument();
  });

  it("goes to the login page when any call answers 401 (session expired)", async () => {
    mockApi({ "GET /periods": notSignedIn });
    renderWithProviders(<AppRoutes />, { route: "/periode" });
    expect(await screen.findByRole("heading", { name: "Masuk" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/masuk?next=%2Fperiode");
  });
});

describe("login page", () => {
  it("signs in and goes to the page in ?next", async () => {
    const fetchMock = mockApi({ "POST /auth/login": loginOk, "GET /periods": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: "/masuk?next=%2Fperiode", session: "fetch" });
    expect(await screen.findByLabelText("Nama pengguna")).toHaveFocus();
    expect(screen.getByLabelText("Nama pengguna")).toHaveAttribute("autocomplete", "username");
    expect(screen.getByLabelText("Kata sandi")).toHaveAttribute("autocomplete", "current-password");
    // No GET /instance answer here: no demo accounts named (src/pages/LoginPage.test.tsx).
    expect(screen.queryByText(/Akun demo/)).not.toBeInTheDocument();

    await signIn();

    expect(await screen.findByText("Belum ada periode.")).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/periode$/);
    const login = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/auth/login"))!;
    expect(await login.json()).toEqual({ username: "pemantau.64", password: "rahasia" });
    // The session comes from the login answer: no extra /auth/me round trip.
    expect(requestedUrls(fetchMock).some((u) => u.pathname === "/api/v1/auth/me")).toBe(false);
    expect(screen.getByText("Pemantau Kalimantan Timur")).toBeInTheDocument();
  });

  it.each(["//evil.com", "https://evil.com", "/\\evil.com"])("goes home instead of next=%s", async (next) => {
    mockApi({ "POST /auth/login": loginOk, "GET /regions": () => json(page([], 0)), "GET /frameworks": () => json(page([])), "GET /periods": () => json(page([])) });
    renderWithProviders(<AppRoutes />, { route: `/masuk?next=${encodeURIComponent(next)}`, session: "fetch" });
    await signIn();
    // Home, which sends a signed-in reader on to the dashboard: never the other site.
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/(dasbor)?$/));
  });

  it("says the credentials are wrong and stays on the page", async () => {
    mockApi({
      "POST /auth/login": () => json({ error: { code: "invalid_credentials", message: "Invalid credentials" } }, 401),
    });
    renderWithProviders(<AppRoutes />, { route: "/masuk?next=%2Fperiode", session: "fetch" });
    await signIn();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Nama pengguna atau kata sandi salah.");
    expect(alert).toHaveFocus();
    expect(screen.getByTestId("location")).toHaveTextContent("/masuk?next=%2Fperiode");
    expect(screen.getByLabelText("Kata sandi")).toHaveValue("");
  });

  it("says how long to wait after too many attempts", async () => {
    mockApi({
      "POST /auth/login": () =>
        json({ error: { code: "rate_limited", message: "Too many", details: [{ retry_after_seconds: 42 }] } }, 429),
    });
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Terlalu banyak percobaan masuk. Coba lagi dalam 42 detik.",
    );
  });

  it("reports an unreachable server in English too", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "English" }));
    await user.type(screen.getByLabelText("Username"), "admin");
    await user.type(screen.getByLabelText("Password"), "x");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the server");
  });
});

describe("header", () => {
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  it("shows the account, and signs out: calls the API, forgets the session, goes to /masuk", async () => {
    document.cookie = `${CSRF_COOKIE}=csrf-9; path=/`;
    const fetchMock = mockApi({
      "GET /periods": () => json(page([])),
      "POST /auth/logout": () => new Response(null, { status: 204 }),
    });
    const { queryClient } = renderWithProviders(<AppRoutes />, { route: "/periode" });
    const header = screen.getByRole("banner");
    expect(within(header).getByText("Administrator Siaga")).toBeInTheDocument();
    expect(within(header).getByText("Nasional")).toBeInTheDocument();

    await userEvent.setup().click(within(header).getByRole("button", { name: "Keluar" }));

    expect(await screen.findByRole("heading", { name: "Masuk" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/masuk$/);
    const logout = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/auth/logout"));
    expect(logout?.method).toBe("POST");
    expect(logout?.headers.get("X-CSRF-Token")).toBe("csrf-9");
    expect(queryClient.getQueryCache().getAll().filter((q) => q.state.data !== undefined)).toEqual([]);
    expect(screen.queryByRole("button", { name: "Keluar" })).not.toBeInTheDocument();
  });

  it("shows an operator's role, region and agency", () => {
    renderWithProviders(<Layout />, {
      session: {
        ...viewerMe,
        username: "operator.64.72.kesbangpol",
        full_name: "",
        role: "operator",
        region_code: "64.72",
        region_name: "Kota Samarinda",
        agency_code: "64.72.kesbangpol",
        agency_name: "Kesbangpol Kota Samarinda",
        capabilities: ["read", "answer"],
      },
    });
    const header = screen.getByRole("banner");
    expect(within(header).getByText("operator.64.72.kesbangpol")).toBeInTheDocument();
    expect(within(header).getByText("Operator")).toBeInTheDocument();
    expect(within(header).getByText("Kota Samarinda")).toBeInTheDocument();
    expect(within(header).getByText("Kesbangpol Kota Samarinda")).toBeInTheDocument();
  });

  it("hides the admin menu from a viewer", () => {
    renderWithProviders(<Layout />, { session: viewerMe });
    expect(screen.getByText("Pemantau")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Wilayah" })).toBeInTheDocument();
    for (const name of ["Pengguna", "Kunci API", "Audit"]) {
      expect(screen.queryByRole("link", { name })).not.toBeInTheDocument();
    }
  });

  it("shows the admin menu to an admin", () => {
    renderWithProviders(<Layout />, { session: adminMe });
    expect(screen.getByRole("link", { name: "Pengguna" })).toHaveAttribute("href", "/admin/pengguna");
    expect(screen.getByRole("link", { name: "Kunci API" })).toHaveAttribute("href", "/admin/kunci-api");
    expect(screen.getByRole("link", { name: "Audit" })).toHaveAttribute("href", "/admin/audit");
  });

  it("refuses admin pages to a viewer who types the address", async () => {
    const fetchMock = mockApi({});
    renderWithProviders(<AppRoutes />, { route: "/admin/pengguna", session: viewerMe });
    expect(await screen.findByRole("heading", { name: "Akses ditolak" })).toBeInTheDocument();
    expect(requestedUrls(fetchMock).some((u) => u.pathname === "/api/v1/users")).toBe(false);
  });
});

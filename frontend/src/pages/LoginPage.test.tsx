import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../App";
import type { InstanceRead } from "../api/instance";
import { json, mockApi, renderWithProviders } from "../test/utils";

const production: InstanceRead = { name: "Siaga Kalimantan Timur", timezone: "Asia/Makassar", demo_accounts: [], demo_password: null };

const development: InstanceRead = {
  name: "Siaga Demo",
  timezone: "Asia/Makassar",
  demo_accounts: [
    { username: "admin", role: "admin", full_name: "Administrator Nasional", region: null, region_name: null, agency: null, agency_name: null },
    { username: "verifikator.64", role: "verifier", full_name: "Verifikator", region: "64", region_name: "Kalimantan Timur", agency: null, agency_name: null },
    {
      username: "operator.64.72.kesbangpol",
      role: "operator",
      full_name: "Operator",
      region: "64.72",
      region_name: "Kota Samarinda",
      agency: "64.72.kesbangpol",
      agency_name: "Kesbangpol Kota Samarinda",
    },
  ],
  demo_password: "siaga-demo-2024",
};

describe("sign-in page and GET /instance", () => {
  it("names no account when the instance lists none, and shows the instance's name", async () => {
    mockApi({ "GET /instance": () => json(production) });
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    expect(await screen.findByText(/Masuk dengan akun Siaga Kalimantan Timur Anda/)).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Akun demo" })).not.toBeInTheDocument();
    expect(screen.queryByText(/admin|verifikator|siaga-demo/)).not.toBeInTheDocument();
  });

  it("lists the demo accounts the instance names, with role, scope and the published password", async () => {
    mockApi({ "GET /instance": () => json(development) });
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    const demo = (await screen.findByRole("heading", { name: "Akun demo" })).closest("section")!;
    const items = within(demo).getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual([
      "admin — Administrator, nasional",
      "verifikator.64 — Verifikator, Kalimantan Timur",
      "operator.64.72.kesbangpol — Operator, Kesbangpol Kota Samarinda",
    ]);
    expect(demo).toHaveTextContent("Kata sandi semua akun demo: siaga-demo-2024");
    expect(screen.getByText(/Masuk dengan akun Siaga Demo Anda/)).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "English" }));
    expect(await screen.findByRole("heading", { name: "Demo accounts" })).toBeInTheDocument();
    expect(screen.getByText("verifikator.64", { exact: false }).closest("li")).toHaveTextContent("Verifier, Kalimantan Timur");
  });

  it("does not repeat a password the installation chose", async () => {
    mockApi({ "GET /instance": () => json({ ...development, demo_password: null }) });
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    const demo = (await screen.findByRole("heading", { name: "Akun demo" })).closest("section")!;
    expect(demo).toHaveTextContent("ditetapkan oleh pengelola instalasi ini");
    expect(demo).not.toHaveTextContent("siaga-demo-2024");
  });

  it("still signs in when /instance cannot be read, naming no account", async () => {
    mockApi({ "GET /instance": () => json({ error: { code: "error", message: "down" } }, 503) });
    renderWithProviders(<AppRoutes />, { route: "/masuk", session: "fetch" });
    expect(await screen.findByLabelText("Nama pengguna")).toBeInTheDocument();
    expect(screen.getByText(/Masuk dengan akun Siaga Anda/)).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByText(/Akun demo/)).not.toBeInTheDocument();
  });
});

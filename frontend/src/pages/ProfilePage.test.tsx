import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../App";
import type { MeRead } from "../api/client";
import { adminMe, json, mockApi, renderWithProviders } from "../test/utils";

const me: MeRead = { ...adminMe, email: "admin@example.id", phone: null, locale: "id" };
const forced: MeRead = { ...me, must_change_password: true };

function invalid(details: { field?: string; loc?: string[]; message: string }[]) {
  return json({ error: { code: "invalid_input", message: "Kata sandi ditolak", details } }, 422);
}

describe("profile page", () => {
  it("saves name, e-mail, phone and language with PATCH /auth/me", async () => {
    let sent: unknown;
    mockApi({
      "GET /auth/me": () => json(me),
      "PATCH /auth/me": async (_url, request) => {
        sent = await request.json();
        return json({ ...me, full_name: "Admin Baru", phone: "+62 812 1", locale: "id" });
      },
    });
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    const user = userEvent.setup();
    const name = await screen.findByLabelText("Nama lengkap");
    await user.clear(name);
    await user.type(name, "Admin Baru");
    await user.type(screen.getByLabelText("Nomor telepon"), "+62 812 1");
    await user.click(screen.getByRole("button", { name: "Simpan profil" }));
    expect(await screen.findByText("Profil disimpan.")).toBeInTheDocument();
    expect(sent).toEqual({ full_name: "Admin Baru", email: "admin@example.id", phone: "+62 812 1", locale: "id" });
  });

  it("shows the API's errors next to their fields", async () => {
    mockApi({
      "PATCH /auth/me": () => invalid([{ loc: ["body", "phone"], message: "String should match pattern" }]),
    });
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Nomor telepon"), "abc");
    await user.click(screen.getByRole("button", { name: "Simpan profil" }));
    expect(await screen.findByText("String should match pattern")).toBeInTheDocument();
    expect(screen.getByLabelText("Nomor telepon")).toHaveAttribute("aria-invalid", "true");
  });

  it("refuses two different new passwords without asking the server", async () => {
    const fetchMock = mockApi({});
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Kata sandi saat ini"), "Lama-Sekali-2024");
    await user.type(screen.getByLabelText("Kata sandi baru"), "Baru-Sekali-2025");
    await user.type(screen.getByLabelText("Ulangi kata sandi baru"), "Baru-Sekali-2026");
    await user.click(screen.getByRole("button", { name: "Ganti kata sandi" }));
    expect(await screen.findByText("Kedua kata sandi baru tidak sama.")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([input]) => String((input as Request).url ?? input).includes("/auth/password"))).toBe(false);
  });

  it("shows a wrong current password on its field", async () => {
    mockApi({
      "POST /auth/password": () => invalid([{ field: "current_password", message: "the current password is wrong" }]),
    });
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Kata sandi saat ini"), "Salah-Sekali-2024");
    await user.type(screen.getByLabelText("Kata sandi baru"), "Baru-Sekali-2025");
    await user.type(screen.getByLabelText("Ulangi kata sandi baru"), "Baru-Sekali-2025");
    await user.click(screen.getByRole("button", { name: "Ganti kata sandi" }));
    expect(await screen.findByText("the current password is wrong")).toBeInTheDocument();
    expect(screen.getByLabelText("Kata sandi saat ini")).toHaveAttribute("aria-invalid", "true");
  });

  it("keeps a user whose password was reset on the profile page until it is changed", async () => {
    let changed = false;
    mockApi({
      "GET /auth/me": () => json(changed ? me : forced),
      "POST /auth/password": () => {
        changed = true;
        return new Response(null, { status: 204 });
      },
      "GET /periods": () => json([]),
    });
    renderWithProviders(<AppRoutes />, { route: "/periode", session: forced });
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/profil"));
    expect(screen.getByText(/Kata sandi Anda telah diatur ulang/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Nama lengkap")).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Kata sandi saat ini"), "Sementara-Admin-1");
    await user.type(screen.getByLabelText("Kata sandi baru"), "Pilihan-Sendiri-2025");
    await user.type(screen.getByLabelText("Ulangi kata sandi baru"), "Pilihan-Sendiri-2025");
    await user.click(screen.getByRole("button", { name: "Ganti kata sandi" }));
    expect(await screen.findByText(/Kata sandi diganti/)).toBeInTheDocument();
    expect(await screen.findByLabelText("Nama lengkap")).toBeInTheDocument();
    expect(screen.queryByText(/Kata sandi Anda telah diatur ulang/)).not.toBeInTheDocument();
  });

  it("is linked from the account menu", async () => {
    mockApi({ "GET /periods": () => json([]) });
    renderWithProviders(<AppRoutes />, { route: "/periode", session: me });
    const link = await screen.findByRole("link", { name: "Profil dan kata sandi" });
    expect(link).toHaveAttribute("href", "/profil");
  });
});

describe("e-mail choices on the profile page", () => {
  const prefs = {
    email: "admin@example.id",
    email_available: true,
    events: [
      { type: "submission.returned", enabled: true, default: true },
      { type: "submission.verified", enabled: false, default: false },
      { type: "reminder.deadline", enabled: true, default: true },
    ],
  };

  it("shows each type and saves the ticked ones with PUT /auth/me/preferences", async () => {
    let sent: unknown;
    mockApi({
      "GET /auth/me": () => json(me),
      "GET /auth/me/preferences": () => json(prefs),
      "PUT /auth/me/preferences": async (_url, request) => {
        sent = await request.json();
        return json(prefs);
      },
    });
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    const user = userEvent.setup();
    expect(await screen.findByText("E-mail dikirim ke admin@example.id.")).toBeInTheDocument();
    const returned = screen.getByRole("checkbox", { name: "Jawaban dikembalikan (bawaan)" });
    expect(returned).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Pengingat batas waktu (bawaan)" })).toBeChecked();
    await user.click(returned);
    await user.click(screen.getByRole("checkbox", { name: "Jawaban diverifikasi" }));
    await user.click(screen.getByRole("button", { name: "Simpan pilihan e-mail" }));
    await waitFor(() => expect(sent).toEqual({ enabled: ["reminder.deadline", "submission.verified"] }));
  });

  it("says when the installation sends no e-mail", async () => {
    mockApi({
      "GET /auth/me": () => json(me),
      "GET /auth/me/preferences": () => json({ ...prefs, email_available: false }),
    });
    renderWithProviders(<AppRoutes />, { route: "/profil", session: me });
    expect(await screen.findByText(/belum mengirim e-mail/)).toBeInTheDocument();
  });
});

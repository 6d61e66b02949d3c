import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { json, mockApi, page, renderWithProviders, requestedUrls } from "../../test/utils";
import type { WebhookCreated, WebhookDeliveryRead, WebhookRead } from "./webhookQueries";

const hook: WebhookRead = {
  id: 3,
  url: "https://sipd.example.go.id/hooks/siaga",
  description: "SIPD Kemendagri",
  events: ["submission.verified", "report.accepted"],
  region_code: "64",
  state: "active",
  disabled_reason: null,
  disabled_at: null,
  created_by: "admin",
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
  secret_rotated_at: null,
  previous_secret_expires_at: null,
  consecutive_failures: 2,
  failing_since: "2024-03-01T00:00:00Z",
  last_success_at: null,
  pending_deliveries: 1,
};

const failed: WebhookDeliveryRead = {
  id: 11,
  webhook_id: "msg_0a1b2c",
  event_id: 41,
  type: "report.accepted",
  state: "failed",
  attempt_count: 2,
  next_attempt_at: null,
  last_status_code: 500,
  last_error: null,
  created_at: "2024-03-01T00:00:00Z",
  delivered_at: null,
  failed_at: "2024-03-01T01:00:00Z",
  attempts: [
    { attempted_at: "2024-03-01T00:00:00Z", status_code: null, duration_ms: 10000, response_excerpt: null, error: "timed out after 10 s" },
    { attempted_at: "2024-03-01T00:00:05Z", status_code: 500, duration_ms: 12, response_excerpt: "boom", error: null },
  ],
};

function requests(fetchMock: ReturnType<typeof mockApi>, method: string, path: string): Request[] {
  return fetchMock.mock.calls
    .map(([r]) => r as Request)
    .filter((r) => r.method === method && new URL(r.url).pathname === `/api/v1${path}`);
}

describe("webhooks admin page", () => {
  it("is in the admin navigation and lists endpoints with the URL's filter", async () => {
    const fetchMock = mockApi({ "GET /webhooks": () => json(page([hook])) });
    renderWithProviders(<AppRoutes />, { route: "/admin/webhook?state=active" });
    const row = (await screen.findByText("https://sipd.example.go.id/hooks/siaga")).closest("tr")!;
    expect(within(row).getByText("Aktif")).toBeInTheDocument();
    expect(within(row).getByText("2 kali gagal berturut-turut")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Webhook" })).toHaveAttribute("href", "/admin/webhook");
    const url = requestedUrls(fetchMock).find((u) => u.pathname === "/api/v1/webhooks")!;
    expect(url.searchParams.get("state")).toBe("active");
  });

  it("shows a new endpoint's secret once, with a copy button", async () => {
    const created: WebhookCreated = { ...hook, id: 4, events: ["period.opened"], secret: "whsec_SECRETVALUE" };
    const fetchMock = mockApi({
      "GET /webhooks": () => json(page([hook])),
      "POST /webhooks": () => json(created, 201),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/webhook" });
    await user.click(await screen.findByRole("button", { name: "Daftarkan webhook" }));
    const form = screen.getByRole("form", { name: "Webhook baru" });
    const urlField = within(form).getByLabelText("Alamat (URL)");
    await user.clear(urlField);
    await user.type(urlField, "https://dasbor.example.go.id/siaga");
    const submit = within(form).getByRole("button", { name: "Daftarkan" });
    expect(submit).toBeDisabled(); // no event chosen yet
    await user.click(within(form).getByLabelText(/Periode dibuka/));
    await user.click(submit);

    const secret = await screen.findByLabelText("Rahasia penandatangan");
    expect(secret).toHaveValue("whsec_SECRETVALUE");
    expect(secret).toHaveAttribute("readonly");
    await user.click(screen.getByRole("button", { name: "Salin" }));
    // user-event's clipboard stands in for the browser's.
    expect(await navigator.clipboard.readText()).toBe("whsec_SECRETVALUE");
    expect(await screen.findByText("Rahasia disalin.")).toBeInTheDocument();
    const post = requests(fetchMock, "POST", "/webhooks")[0]!;
    expect(await post.json()).toEqual({
      url: "https://dasbor.example.go.id/siaga",
      description: "",
      region: null,
      events: ["period.opened"],
    });
    await user.click(screen.getByRole("button", { name: "Saya sudah menyimpan rahasia ini" }));
    expect(document.body.textContent).not.toContain("SECRETVALUE");
  });

  it("shows why a URL is refused next to the field", async () => {
    mockApi({
      "GET /webhooks": () => json(page([])),
      "POST /webhooks": () =>
        json(
          {
            error: {
              code: "webhook_url_refused",
              message: "Alamat webhook tidak diizinkan",
              details: [{ field: "url", reason: "private", message: "'10.0.0.1' leads to 10.0.0.1, which is not allowed (private)" }],
            },
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/webhook" });
    await user.click(await screen.findByRole("button", { name: "Daftarkan webhook" }));
    const form = screen.getByRole("form", { name: "Webhook baru" });
    await user.type(within(form).getByLabelText("Alamat (URL)"), "10.0.0.1/x");
    await user.click(within(form).getByLabelText(/Jawaban dikirim/));
    await user.click(within(form).getByRole("button", { name: "Daftarkan" }));
    expect(await within(form).findByText(/which is not allowed \(private\)/)).toBeInTheDocument();
    expect(within(form).getByLabelText("Alamat (URL)")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByRole("alert")).toHaveTextContent("alamat internal");
  });

  it("opens an endpoint: delivery log with attempts, retry, ping, pause, rotate, delete", async () => {
    const fetchMock = mockApi({
      "GET /webhooks": () => json(page([hook])),
      "GET /webhooks/3/deliveries": () => json(page([failed])),
      "POST /webhooks/3/deliveries/11/retry": () => json({ ...failed, state: "pending" }),
      "POST /webhooks/3/test": () => json({ ...failed, id: 12, type: "ping", state: "pending", attempts: [] }, 202),
      "PATCH /webhooks/3": async (_url, request) => {
        const body = (await request.clone().json()) as { rotate_secret: boolean; state?: string };
        return json({
          ...hook,
          state: body.state ?? hook.state,
          secret: body.rotate_secret ? "whsec_ROTATED" : null,
          previous_secret_expires_at: body.rotate_secret ? "2024-03-02T00:00:00Z" : null,
        });
      },
      "DELETE /webhooks/3": () => new Response(null, { status: 204 }),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/webhook" });
    await user.click(await screen.findByRole("button", { name: "Kelola https://sipd.example.go.id/hooks/siaga" }));

    const detail = screen.getByRole("region", { name: "https://sipd.example.go.id/hooks/siaga" });
    const row = (await within(detail).findByText("msg_0a1b2c")).closest("tr")!;
    expect(within(row).getByText("Gagal")).toBeInTheDocument();
    await user.click(within(row).getByText("2 percobaan"));
    expect(within(row).getByText("timed out after 10 s")).toBeInTheDocument();
    expect(within(row).getByText("HTTP 500")).toBeInTheDocument();
    expect(within(row).getByText("boom")).toBeInTheDocument();

    await user.click(within(row).getByRole("button", { name: "Kirim ulang msg_0a1b2c" }));
    await waitFor(() => expect(requests(fetchMock, "POST", "/webhooks/3/deliveries/11/retry")).toHaveLength(1));

    await user.click(within(detail).getByRole("button", { name: "Kirim uji" }));
    expect(await within(detail).findByText(/Pesan uji \(ping\) diantrekan/)).toBeInTheDocument();

    await user.click(within(detail).getByRole("button", { name: "Jeda" }));
    expect(await within(detail).findByText(/Webhook dijeda/)).toBeInTheDocument();
    const paused = requests(fetchMock, "PATCH", "/webhooks/3")[0]!;
    expect(await paused.json()).toEqual({ rotate_secret: false, state: "paused" });

    await user.click(within(detail).getByRole("button", { name: "Ganti rahasia" }));
    expect(await within(detail).findByLabelText("Rahasia penandatangan")).toHaveValue("whsec_ROTATED");
    expect(within(detail).getByText(/Rahasia lama tetap ikut menandatangani sampai/)).toBeInTheDocument();
    await user.click(within(detail).getByRole("button", { name: "Saya sudah menyimpan rahasia ini" }));
    expect(document.body.textContent).not.toContain("ROTATED");

    await user.click(within(detail).getByRole("button", { name: "Hapus" }));
    await waitFor(() => expect(requests(fetchMock, "DELETE", "/webhooks/3")).toHaveLength(1));
    expect(confirm).toHaveBeenCalledTimes(2);
  });

  it("edits the events an endpoint receives", async () => {
    const fetchMock = mockApi({
      "GET /webhooks": () => json(page([hook])),
      "GET /webhooks/3/deliveries": () => json(page([])),
      "PATCH /webhooks/3": () => json({ ...hook, events: ["submission.verified"], secret: null }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/admin/webhook" });
    await user.click(await screen.findByRole("button", { name: /^Kelola / }));
    await user.click(screen.getByRole("button", { name: "Ubah" }));
    const form = screen.getByRole("form", { name: "Ubah webhook" });
    expect(within(form).getByLabelText(/Laporan Pemda diterima/)).toBeChecked();
    await user.click(within(form).getByLabelText(/Laporan Pemda diterima/));
    await user.click(within(form).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(requests(fetchMock, "PATCH", "/webhooks/3")).toHaveLength(1));
    expect(await requests(fetchMock, "PATCH", "/webhooks/3")[0]!.json()).toEqual({
      rotate_secret: false,
      url: hook.url,
      description: hook.description,
      events: ["submission.verified"],
    });
    expect(await screen.findByText("Belum ada pengiriman.")).toBeInTheDocument();
  });
});

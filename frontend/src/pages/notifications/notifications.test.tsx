import { QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import type { NotificationRead } from "../../api/notifications";
import { UNREAD_POLL_MS } from "../../api/notifications";
import { Layout } from "../../components/Layout";
import { meQueryKey } from "../../auth/session";
import i18n from "../../i18n";
import { createQueryClient } from "../../queryClient";
import { operatorMe } from "../../test/answerFixtures";
import { json, mockApi, renderWithProviders, requestedUrls } from "../../test/utils";
import { notificationLink, notificationSubject, notificationTitle } from "./text";

const returned: NotificationRead = {
  id: 12,
  type: "submission.returned",
  data: {
    period: "2024-Q1",
    period_name: null,
    region: "64.72",
    region_name: "Kota Samarinda",
    indicator: "K1.01",
    indicator_name: "SK tim terpadu",
    agency: "64.72.kesbangpol",
    status: "returned",
    reason: "Lampirkan SK yang ditandatangani.",
    actor: "verifikator.64",
  },
  link: "/tugas/2024-Q1/64.72/K1.01",
  created_at: "2024-03-05T02:00:00Z",
  read_at: null,
};
const opened: NotificationRead = {
  id: 9,
  type: "period.opened",
  data: {
    period: "2024-Q1",
    period_name: "Triwulan I 2024",
    region: null,
    region_name: null,
    indicator: null,
    indicator_name: null,
    agency: null,
    status: "open",
    reason: null,
    actor: "admin",
  },
  link: "/tugas?period=2024-Q1",
  created_at: "2024-01-02T01:00:00Z",
  read_at: "2024-01-02T05:00:00Z",
};

function inbox(items: NotificationRead[], unread: number, total = items.length) {
  return { items, total, limit: 50, offset: 0, unread };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the bell", () => {
  it("says how many are unread, links to the inbox, and asks again every minute", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let unread = 3;
    const fetchMock = mockApi({ "GET /notifications/unread-count": () => json({ unread }) });
    renderWithProviders(<Layout />, { session: operatorMe });
    const bell = await screen.findByRole("link", { name: "Pemberitahuan, 3 belum dibaca" });
    expect(bell).toHaveAttribute("href", "/notifikasi");
    expect(within(bell).getByText("3")).toBeInTheDocument();

    unread = 150;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(UNREAD_POLL_MS);
    });
    expect(await screen.findByRole("link", { name: "Pemberitahuan, 150 belum dibaca" })).toHaveTextContent("99+");
    const asked = requestedUrls(fetchMock).filter((u) => u.pathname.endsWith("/notifications/unread-count"));
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });

  it("shows no number when everything is read, and asks again on returning to the tab", async () => {
    let unread = 0;
    mockApi({ "GET /notifications/unread-count": () => json({ unread }) });
    // The application's own client, whose queries do not refetch on focus unless asked.
    const queryClient = createQueryClient();
    queryClient.setQueryData(meQueryKey, operatorMe);
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter>
          <Layout />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const bell = await screen.findByRole("link", { name: "Pemberitahuan" });
    expect(bell).toHaveTextContent("");
    unread = 2;
    act(() => {
      window.dispatchEvent(new Event("visibilitychange"));
      window.dispatchEvent(new Event("focus"));
    });
    expect(await screen.findByRole("link", { name: "Pemberitahuan, 2 belum dibaca" })).toBeInTheDocument();
  });

  it("is not shown before signing in", () => {
    mockApi({});
    renderWithProviders(<Layout />, { session: "fetch" });
    expect(screen.queryByRole("link", { name: /Pemberitahuan/ })).not.toBeInTheDocument();
  });
});

describe("the inbox page", () => {
  it("lists the items, opens one (marking it read) and marks all read", async () => {
    const read: number[] = [];
    let readAll = 0;
    let items = [returned, opened];
    const fetchMock = mockApi({
      "GET /notifications": () => json(inbox(items, items.filter((i) => !i.read_at).length)),
      "GET /notifications/unread-count": () => json({ unread: items.filter((i) => !i.read_at).length }),
      "POST /notifications/12/read": () => {
        read.push(12);
        items = items.map((i) => (i.id === 12 ? { ...i, read_at: "2024-03-06T00:00:00Z" } : i));
        return json(items[0]);
      },
      "POST /notifications/read-all": () => {
        readAll += 1;
        return json({ marked: 0 });
      },
      "GET /periods": () => json({ items: [], total: 0, limit: 500, offset: 0 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/notifikasi", session: operatorMe });

    expect(await screen.findByRole("heading", { level: 1, name: "Pemberitahuan" })).toBeInTheDocument();
    const list = await screen.findByRole("list", { name: "Pemberitahuan" });
    const [first, second] = within(list).getAllByRole("listitem") as [HTMLElement, HTMLElement];
    expect(first).toHaveClass("notification-unread");
    expect(first).toHaveTextContent("Belum dibaca: Jawaban dikembalikan");
    expect(first).toHaveTextContent("K1.01 SK tim terpadu · Kota Samarinda · 2024-Q1");
    expect(first).toHaveTextContent("Lampirkan SK yang ditandatangani.");
    expect(first).toHaveTextContent("oleh verifikator.64");
    expect(second).not.toHaveClass("notification-unread");
    expect(second).toHaveTextContent("Periode dibuka");
    expect(second).toHaveTextContent("Triwulan I 2024 (2024-Q1)");
    expect(within(second).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.getByText("1 pemberitahuan belum dibaca")).toBeInTheDocument();

    await user.click(within(first).getByRole("button", { name: "Tandai sudah dibaca: Jawaban dikembalikan" }));
    await waitFor(() => expect(read).toEqual([12]));
    await waitFor(() => expect(screen.getByRole("button", { name: "Tandai semua sudah dibaca" })).toBeDisabled());
    expect(readAll).toBe(0);
    // Opening an item goes to the page that needs attention.
    await user.click(screen.getByRole("link", { name: "Periode dibuka" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/tugas?period=2024-Q1"));
    expect(requestedUrls(fetchMock).some((u) => u.pathname.endsWith("/notifications/9/read"))).toBe(false);
  });

  it("opening an unread item marks it read; mark all read clears the rest", async () => {
    const posted: string[] = [];
    const second = { ...returned, id: 13, link: "/laporan/64.72/2024-Q1", type: "report.returned" as const };
    mockApi({
      "GET /notifications": () => json(inbox([returned, second], 2)),
      "POST /notifications/12/read": () => {
        posted.push("12");
        return json({ ...returned, read_at: "2024-03-06T00:00:00Z" });
      },
      "POST /notifications/read-all": () => {
        posted.push("all");
        return json({ marked: 1 });
      },
      "GET /periods": () => json({ items: [], total: 0, limit: 500, offset: 0 }),
      "GET /periods/2024-Q1": () => json({ error: { code: "period_not_found", message: "x", details: [] } }, 404),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/notifikasi", session: operatorMe });
    await user.click(await screen.findByRole("button", { name: "Tandai semua sudah dibaca" }));
    await waitFor(() => expect(posted).toEqual(["all"]));
    await user.click(screen.getByRole("link", { name: "Jawaban dikembalikan" }));
    await waitFor(() => expect(posted).toEqual(["all", "12"]));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/tugas/2024-Q1/64.72/K1.01"));
  });

  it("shows only the unread ones on request, in the URL", async () => {
    const fetchMock = mockApi({
      "GET /notifications": (url) =>
        json(url.searchParams.get("unread") === "true" ? inbox([returned], 1) : inbox([returned, opened], 1)),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/notifikasi", session: operatorMe });
    await screen.findByText("Periode dibuka");
    await user.click(screen.getByRole("checkbox", { name: "Hanya yang belum dibaca" }));
    await waitFor(() => expect(screen.queryByText("Periode dibuka")).not.toBeInTheDocument());
    expect(screen.getByTestId("location")).toHaveTextContent("/notifikasi?unread=true");
    const lists = requestedUrls(fetchMock).filter((u) => u.pathname.endsWith("/notifications"));
    expect(lists.at(-1)!.searchParams.get("unread")).toBe("true");
  });

  it("says so when there is nothing, in English too", async () => {
    mockApi({ "GET /notifications": () => json(inbox([], 0)) });
    await i18n.changeLanguage("en");
    renderWithProviders(<AppRoutes />, { route: "/notifikasi", session: operatorMe });
    expect(await screen.findByText("No notifications yet.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Mark all as read" })).toBeDisabled();
  });
});

describe("an item's words and link", () => {
  it("names the answer, the report and the period", () => {
    expect(notificationSubject(returned)).toBe("K1.01 SK tim terpadu · Kota Samarinda · 2024-Q1");
    const report = { ...returned, type: "report.accepted" as const, data: { ...returned.data, region_name: null } };
    expect(notificationSubject(report)).toBe("64.72 · 2024-Q1");
    expect(notificationSubject(opened)).toBe("Triwulan I 2024 (2024-Q1)");
  });

  it("says whether a failing webhook failed to send or was disabled, in both languages", async () => {
    const failed: NotificationRead = {
      id: 20,
      type: "webhook.failed",
      data: {
        endpoint: 3,
        url: "https://hooks.example.go.id/siaga",
        kind: "delivery_failed",
        event_type: "report.accepted",
        attempts: 8,
        status_code: 500,
        error: null,
      },
      link: "/admin/webhook",
      created_at: "2024-03-05T02:00:00Z",
      read_at: null,
    };
    const gone = { ...failed, data: { ...failed.data, kind: "gone", status_code: 410 } };
    await i18n.changeLanguage("id");
    expect(notificationTitle(i18n.t, failed)).toBe("Webhook gagal dikirim");
    expect(notificationTitle(i18n.t, gone)).toBe("Webhook dinonaktifkan");
    expect(notificationSubject(failed)).toBe("https://hooks.example.go.id/siaga · report.accepted · 500");
    await i18n.changeLanguage("en");
    expect(notificationTitle(i18n.t, failed)).toBe("Webhook delivery failed");
    expect(notificationTitle(i18n.t, gone)).toBe("Webhook disabled");
    expect(notificationLink(failed)).toBe("/admin/webhook");
  });

  it("opens only pages of the SPA", () => {
    expect(notificationLink(returned)).toBe("/tugas/2024-Q1/64.72/K1.01");
    for (const link of ["https://example.com/x", "//example.com/x", "javascript:alert(1)", "/\\example.com"]) {
      expect(notificationLink({ ...returned, link })).toBe("/notifikasi");
    }
  });
});

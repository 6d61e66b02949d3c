import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import type { PeriodRead } from "../../api/client";
import { mayReview } from "../../auth/session";
import { Layout } from "../../components/Layout";
import { coordinatorMe, framework, period, submission, task, verifierMe } from "../../test/answerFixtures";
import { adminMe, json, mockApi, page, renderWithProviders } from "../../test/utils";

// The head of Samarinda's monitoring team: reads every agency's answers of its Pemda.
const open: PeriodRead = { ...period, state: "open" };

describe("separation of duties in the SPA", () => {
  it("offers a review only of regions below the reviewer's own", () => {
    expect(mayReview(verifierMe, "64.72")).toBe(true);
    expect(mayReview(verifierMe, "64")).toBe(false);
    // A prefix of digits is not a parent region.
    expect(mayReview({ ...verifierMe, region_code: "6" }, "64.72")).toBe(false);
    expect(mayReview({ ...verifierMe, region_code: null }, "64")).toBe(true);
    expect(mayReview(adminMe, "64")).toBe(true);
    expect(mayReview({ ...adminMe, region_code: "64" }, "64")).toBe(false);
    expect(mayReview(coordinatorMe, "64.72.01")).toBe(false);
    expect(mayReview(null, "64.72")).toBe(false);
  });

  it("shows the province's verifier no review buttons on the province's own answer", async () => {
    mockApi({
      "GET /periods/2024-Q1": () => json(open),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64/K1.01": () =>
        json(submission({ region: "64", region_name: "Kalimantan Timur", status: "submitted" })),
      "GET /submissions/2024-Q1/64/K1.01/history": () =>
        json({ period: "2024-Q1", region: "64", indicator: "K1.01", items: [] }),
      "GET /submissions/2024-Q1/64/K1.01/comments": () => json({ items: [] }),
    });
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64/K1.01", session: verifierMe });
    expect(await screen.findByText(/verifikator satu tingkat di atas/)).toBeInTheDocument();
    const main = screen.getByRole("main");
    expect(within(main).queryByRole("button", { name: "Verifikasi" })).not.toBeInTheDocument();
    expect(within(main).queryByRole("button", { name: "Kembalikan" })).not.toBeInTheDocument();
  });
});

describe("the coordinator", () => {
  it("has its Pemda's progress as its work, and no review or answering links", () => {
    renderWithProviders(<Layout />, { session: coordinatorMe });
    const nav = screen.getByRole("navigation", { name: "Navigasi utama" });
    expect(within(nav).getByRole("link", { name: "Kemajuan Pemda" })).toHaveAttribute("href", "/tugas");
    expect(within(nav).queryByRole("link", { name: "Tugas" })).not.toBeInTheDocument();
    expect(within(nav).queryByRole("link", { name: "Verifikasi" })).not.toBeInTheDocument();
  });

  it("lands on the progress page: every agency's tasks, read only", async () => {
    mockApi({
      "GET /periods": () => json(page([open])),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /tasks": () =>
        json(
          page([
            task({ indicator: "K1.01", status: "submitted", value: 3 }),
            task({
              indicator: "K2.01",
              indicator_name: "Indikator K2.01",
              dimension: "K2",
              agency: "64.72.bpkad",
              agency_name: "BPKAD Kota Samarinda",
              answer_type: "percent",
            }),
          ]),
        ),
    });
    renderWithProviders(<AppRoutes />, { route: "/", session: coordinatorMe });
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/tugas$/));
    expect(await screen.findByRole("heading", { level: 1, name: "Kemajuan Pemda" })).toBeInTheDocument();
    const owner = screen.getByLabelText("Perangkat daerah dan wilayah");
    expect(owner).toHaveTextContent(/^Kota Samarinda$/);
    // Each answer opens read only, and each row names its agency.
    const link = await screen.findByRole("link", { name: /K1.01/ });
    expect(link).toHaveAttribute("href", "/wilayah/64.72/jawaban/2024-Q1/K1.01");
    const row = screen.getByRole("link", { name: /K2.01/ }).closest("tr")!;
    expect(within(row).getByText("BPKAD Kota Samarinda")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Salin/ })).not.toBeInTheDocument();
  });

  it("gets the not-found page for another Pemda's answer, not 'not answered yet'", async () => {
    const notFound = () => json({ error: { code: "answer_not_found", message: "Not found", details: [] } }, 404);
    mockApi({
      "GET /auth/me": () => json(coordinatorMe),
      "GET /periods/2024-Q1": () => json(open),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.02/K1.01": notFound,
      "GET /submissions/2024-Q1/64.72/K1.01": notFound,
    });
    const other = renderWithProviders(<AppRoutes />, {
      route: "/wilayah/64.02/jawaban/2024-Q1/K1.01",
      session: coordinatorMe,
    });
    expect(await screen.findByRole("heading", { level: 1, name: "Halaman tidak ditemukan" })).toBeInTheDocument();
    expect(screen.queryByText(/belum dijawab/)).not.toBeInTheDocument();
    other.unmount();
    // Its own Pemda's answer not given yet is said as such.
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72/jawaban/2024-Q1/K1.01", session: coordinatorMe });
    expect(await screen.findByText("Indikator ini belum dijawab pada periode ini.")).toBeInTheDocument();
  });
});

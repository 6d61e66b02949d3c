import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import type { SubmissionSummary } from "../../api/client";
import { framework, period, submission, verifierMe } from "../../test/answerFixtures";
import { json, mockApi, page, renderWithProviders } from "../../test/utils";
import { parseQueueFilters, queueSearch } from "./ReviewQueuePage";

function summary(indicator: string, etag: string, overrides: Partial<SubmissionSummary> = {}): SubmissionSummary {
  return {
    period: "2024-Q1",
    region: "64.72",
    region_name: "Kota Samarinda",
    indicator,
    indicator_name: `Indikator ${indicator}`,
    answer_type: "level",
    agency: "64.72.kesbangpol",
    value: 3,
    status: "submitted",
    version: 2,
    etag,
    is_late: false,
    updated_at: "2024-03-20T00:00:00Z",
    submitted_at: "2024-03-20T00:00:00Z",
    evidence_count: 1,
    ...overrides,
  };
}

describe("verification queue", () => {
  it("asks the review queue with the URL's filters, and bulk-verifies the selected etags", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([period])),
      "GET /review-queue": () =>
        json({
          ...page([summary("K1.01", '"1-2"'), summary("K1.03", '"3-2"', { is_late: true }), summary("K1.05", '"5-2"')]),
          by_region: [{ region: "64.72", region_name: "Kota Samarinda", count: 3 }],
        }),
      "POST /submissions/verify-bulk": () =>
        json({
          verified: 1,
          failed: 1,
          items: [
            { period: "2024-Q1", region: "64.72", indicator: "K1.01", status: 200, code: "verified", etag: '"1-3"' },
            { period: "2024-Q1", region: "64.72", indicator: "K1.05", status: 412, code: "precondition_failed", etag: '"5-4"' },
          ],
        }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi?period=2024-Q1&region=64.72", session: verifierMe });

    expect(await screen.findByRole("link", { name: /K1.01/ })).toHaveAttribute("href", "/verifikasi/2024-Q1/64.72/K1.01");
    const list = fetchMock.mock.calls
      .map(([r]) => new URL((r as Request).url))
      .find((u) => u.pathname === "/api/v1/review-queue")!;
    expect(list.searchParams.get("period")).toBe("2024-Q1");
    expect(list.searchParams.has("include_closed")).toBe(false);
    expect(list.searchParams.get("region")).toBe("64.72");
    expect(screen.getByLabelText("Wilayah")).toHaveValue("64.72");

    const verify = screen.getByRole("button", { name: "Verifikasi terpilih (0)" });
    expect(verify).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Pilih K1.01 Kota Samarinda" }));
    await user.click(screen.getByRole("checkbox", { name: "Pilih K1.05 Kota Samarinda" }));
    await user.click(screen.getByRole("button", { name: "Verifikasi terpilih (2)" }));

    expect(await screen.findByText("1 jawaban diverifikasi, 1 gagal.")).toBeInTheDocument();
    expect(screen.getByText(/Jawaban ini telah diubah orang lain/)).toBeInTheDocument();
    const post = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/verify-bulk"))!;
    expect(await post.json()).toEqual({
      items: [
        { period: "2024-Q1", region: "64.72", indicator: "K1.01", etag: '"1-2"' },
        { period: "2024-Q1", region: "64.72", indicator: "K1.05", etag: '"5-2"' },
      ],
    });
  });

  it("puts the filters in the URL and says what to do when nothing matches", async () => {
    mockApi({ "GET /periods": () => json(page([period])), "GET /review-queue": () => json({ ...page([]), by_region: [] }) });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi", session: verifierMe });
    expect(await screen.findByText("Tidak ada jawaban yang menunggu verifikasi.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Indikator"), "K1.01");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/verifikasi?indicator=K1.01");
    expect(await screen.findByText(/Hapus saringan untuk melihat semuanya/)).toBeInTheDocument();
  });
});

describe("verification detail", () => {
  const pdf = {
    id: "e1",
    name: "sk.pdf",
    content_type: "application/pdf",
    size: 2048,
    sha256: "b".repeat(64),
    uploaded_at: "2024-03-02T00:00:00Z",
    uploaded_by: "operator.64.72.kesbangpol",
    url: "/api/v1/evidence/e1",
  };
  const photo = { ...pdf, id: "e2", name: "foto.png", content_type: "image/png", url: "/api/v1/evidence/e2" };

  const history = () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] });
  const returnedReview = {
    decision: "returned" as const,
    reason: "SK belum ditandatangani bupati",
    reviewer: "verifikator.64",
    at: "2024-03-28T09:17:00Z",
  };

  it("previews the evidence, shows the reason rule before sending, and returns with If-Match", async () => {
    const fetchMock = mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () =>
        json(submission({ status: "submitted", value: 3, narrative: "SK terbit", etag: '"10-2"', evidence: [pdf, photo] })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": history,
      "GET /evidence/e1/pages": () => json({ count: 2 }),
      "POST /submissions/2024-Q1/64.72/K1.01/return": () =>
        json(submission({ status: "returned", etag: '"10-3"', version: 3, last_review: returnedReview })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });

    expect(await screen.findByText("3 — Terlaksana penuh dengan bukti")).toBeInTheDocument();
    expect(screen.getByText("SK terbit")).toBeInTheDocument();
    // The PDF's first page, drawn by the server as an image.
    expect(await screen.findByRole("img", { name: "Halaman 1 dari 2: sk.pdf" })).toHaveAttribute("src", "/api/v1/evidence/e1/pages/1");
    await user.click(screen.getByRole("button", { name: "Pratinjau foto.png" }));
    expect(screen.getByRole("img", { name: "Pratinjau foto.png" })).toHaveAttribute("src", "/api/v1/evidence/e2?inline=true");

    await user.click(screen.getByRole("button", { name: "Kembalikan" }));
    const reason = screen.getByLabelText("Alasan pengembalian");
    expect(reason).toHaveFocus();
    // The rule is there before anything is typed, and sending waits for it.
    expect(reason).toHaveAccessibleDescription(/minimal 15 karakter/);
    const send = screen.getByRole("button", { name: "Kembalikan jawaban" });
    expect(send).toBeDisabled();
    expect(screen.getByText("0 karakter (minimal 15)")).toBeInTheDocument();

    await user.type(reason, "SK belum ada");
    expect(screen.getByText("12 karakter (minimal 15)")).toBeInTheDocument();
    expect(send).toBeDisabled();
    // Spaces around the words do not count.
    await user.type(reason, "      ");
    expect(screen.getByText("12 karakter (minimal 15)")).toBeInTheDocument();
    expect(send).toBeDisabled();
    await user.keyboard("{Enter}");
    expect(fetchMock.mock.calls.some(([r]) => (r as Request).url.endsWith("/return"))).toBe(false);

    await user.clear(reason);
    await user.type(reason, "  SK belum ditandatangani bupati ");
    expect(screen.getByText("30 karakter (minimal 15)")).toBeInTheDocument();
    expect(send).toBeEnabled();
    await user.click(send);
    expect(await screen.findByText(/Jawaban dikembalikan ke perangkat daerah/)).toBeInTheDocument();
    const post = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/return"))!;
    expect(post.headers.get("If-Match")).toBe('"10-2"');
    expect(await post.json()).toEqual({ reason: "SK belum ditandatangani bupati" });

    // The answer now reads as returned, with the reason: not as "not submitted yet".
    const main = screen.getByRole("main");
    expect(within(main).getByText("Dikembalikan", { selector: ".badge" })).toBeInTheDocument();
    const returned = main.querySelector(".returned-reason") as HTMLElement;
    expect(returned).toHaveTextContent("Dikembalikan ke perangkat daerah");
    expect(returned).toHaveTextContent("“SK belum ditandatangani bupati”");
    expect(returned).toHaveTextContent("verifikator.64");
    expect(within(main).queryByText(/belum dikirim/)).not.toBeInTheDocument();
  });

  it("shows the server's refusal of a reason at the field", async () => {
    mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () => json(submission({ status: "submitted", etag: '"10-2"' })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": history,
      "POST /submissions/2024-Q1/64.72/K1.01/return": () =>
        json(
          {
            error: {
              code: "invalid_input",
              message: "The request is not valid",
              details: [{ loc: ["body", "reason"], type: "string_too_short", message: "String should have at least 15 characters" }],
            },
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });
    await user.click(await screen.findByRole("button", { name: "Kembalikan" }));
    const reason = screen.getByLabelText("Alasan pengembalian");
    await user.type(reason, "Lampirkan SK ya");
    await user.click(screen.getByRole("button", { name: "Kembalikan jawaban" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Tulis alasan minimal 15 karakter.");
    expect(reason).toHaveAttribute("aria-invalid", "true");
    expect(reason).toHaveValue("Lampirkan SK ya");
  });

  it.each([
    ["returned", "SK belum ditandatangani bupati"],
    ["reopened", "Nilai salah ketik, perbaiki"],
  ] as const)("says a %s answer is back with the agency, and why", async (decision, why) => {
    mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () =>
        json(submission({ status: "returned", last_review: { ...returnedReview, decision, reason: why } })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": history,
    });
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });
    const notice = (await screen.findByText("Dikembalikan ke perangkat daerah")).closest(".returned-reason");
    expect(notice).toHaveAttribute("role", "status");
    expect(notice).toHaveTextContent(`“${why}”`);
    expect(notice).toHaveTextContent("Menunggu perangkat daerah memperbaiki lalu mengirim ulang.");
    expect(screen.queryByText(/belum dikirim/)).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Kembalikan" })).not.toBeInTheDocument();
  });

  it("says a draft has nothing to verify yet", async () => {
    mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () => json(submission({ status: "draft" })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": history,
    });
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });
    expect(await screen.findByText(/Jawaban ini belum dikirim/)).toBeInTheDocument();
  });

  it("offers reopen for a verified answer", async () => {
    mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () => json(submission({ status: "verified" })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": () =>
        json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
    });
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });
    const main = await screen.findByRole("main");
    expect(await within(main).findByRole("button", { name: "Buka kembali" })).toBeInTheDocument();
    expect(within(main).queryByRole("button", { name: "Verifikasi" })).not.toBeInTheDocument();
  });

  it("defaults to open periods, keeps every filter in the URL and offers the count per Pemda", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([period])),
      "GET /review-queue": () =>
        json({
          ...page([summary("K1.01", '"1-2"')]),
          by_region: [
            { region: "64.72", region_name: "Kota Samarinda", count: 12 },
            { region: "64.71", region_name: "Kota Balikpapan", count: 3 },
          ],
        }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi", session: verifierMe });
    await screen.findByRole("link", { name: /K1.01/ });
    const queries = () =>
      fetchMock.mock.calls.map(([r]) => new URL((r as Request).url)).filter((u) => u.pathname === "/api/v1/review-queue");
    const first = queries()[0]!;
    expect(first.searchParams.has("period")).toBe(false);
    expect(first.searchParams.has("include_closed")).toBe(false);
    expect(screen.getByLabelText("Periode")).toHaveDisplayValue("Periode terbuka");

    const counts = screen.getByRole("navigation", { name: "Menunggu per Pemda" });
    await user.click(within(counts).getByRole("button", { name: "Kota Samarinda (12)" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/verifikasi?region=64.72");
    expect(screen.getByLabelText("Wilayah")).toHaveValue("64.72");

    await user.type(screen.getByLabelText("Perangkat daerah"), "64.72.kesbangpol");
    await user.type(screen.getByLabelText("Dimensi"), "K1");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    await user.selectOptions(screen.getByLabelText("Lama menunggu"), "Lebih dari 14 hari");
    await user.selectOptions(screen.getByLabelText("Periode"), "Semua periode (termasuk yang ditutup)");
    expect(screen.getByTestId("location")).toHaveTextContent(
      "/verifikasi?period=all&region=64.72&agency=64.72.kesbangpol&dimension=K1&age=14",
    );
    await vi.waitFor(() => expect(queries().at(-1)!.searchParams.get("include_closed")).toBe("true"));
    const last = queries().at(-1)!;
    expect(last.searchParams.has("period")).toBe(false);
    expect(last.searchParams.get("region")).toBe("64.72");
    expect(last.searchParams.get("agency")).toBe("64.72.kesbangpol");
    expect(last.searchParams.get("dimension")).toBe("K1");
    expect(last.searchParams.get("older_than_days")).toBe("14");
  });

  it("reads the filters back from the URL, ignoring bad ages", () => {
    expect(parseQueueFilters(new URLSearchParams("period=all&age=30&agency=%2064.72.bpkad%20&dimension=K2"))).toEqual({
      period: "all",
      region: undefined,
      agency: "64.72.bpkad",
      dimension: "K2",
      indicator: undefined,
      older_than_days: 30,
      offset: 0,
    });
    expect(parseQueueFilters(new URLSearchParams("age=-3")).older_than_days).toBeUndefined();
    expect(parseQueueFilters(new URLSearchParams("age=x")).older_than_days).toBeUndefined();
    expect(queueSearch({ older_than_days: 7, region: "64", offset: 0 }).toString()).toBe("region=64&age=7");
  });
});

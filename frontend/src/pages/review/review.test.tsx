import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import type { SubmissionSummary } from "../../api/client";
import { framework, period, submission, verifierMe } from "../../test/answerFixtures";
import { json, mockApi, page, renderWithProviders } from "../../test/utils";

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
  it("asks for submitted answers oldest first with the URL's filters, and bulk-verifies the selected etags", async () => {
    const fetchMock = mockApi({
      "GET /periods": () => json(page([period])),
      "GET /submissions": () =>
        json(page([summary("K1.01", '"1-2"'), summary("K1.03", '"3-2"', { is_late: true }), summary("K1.05", '"5-2"')])),
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
      .find((u) => u.pathname === "/api/v1/submissions")!;
    expect(list.searchParams.getAll("status")).toEqual(["submitted"]);
    expect(list.searchParams.get("order")).toBe("oldest");
    expect(list.searchParams.get("period")).toBe("2024-Q1");
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
    mockApi({ "GET /periods": () => json(page([period])), "GET /submissions": () => json(page([])) });
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

  it("previews the evidence, requires a reason of 3+ characters and returns with If-Match", async () => {
    const fetchMock = mockApi({
      "GET /periods/2024-Q1": () => json(period),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /submissions/2024-Q1/64.72/K1.01": () =>
        json(submission({ status: "submitted", value: 3, narrative: "SK terbit", etag: '"10-2"', evidence: [pdf, photo] })),
      "GET /submissions/2024-Q1/64.72/K1.01/history": () =>
        json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
      "POST /submissions/2024-Q1/64.72/K1.01/return": () =>
        json(submission({ status: "returned", etag: '"10-3"', version: 3 })),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/verifikasi/2024-Q1/64.72/K1.01", session: verifierMe });

    expect(await screen.findByText("3 — Terlaksana penuh dengan bukti")).toBeInTheDocument();
    expect(screen.getByText("SK terbit")).toBeInTheDocument();
    expect(screen.getByTitle("Pratinjau sk.pdf")).toHaveAttribute("src", "/api/v1/evidence/e1?inline=true");
    await user.click(screen.getByRole("button", { name: "Pratinjau foto.png" }));
    expect(screen.getByRole("img", { name: "Pratinjau foto.png" })).toHaveAttribute("src", "/api/v1/evidence/e2?inline=true");

    await user.click(screen.getByRole("button", { name: "Kembalikan" }));
    const reason = screen.getByLabelText("Alasan pengembalian");
    expect(reason).toHaveFocus();
    await user.type(reason, "ok");
    await user.click(screen.getByRole("button", { name: "Kembalikan jawaban" }));
    expect(await screen.findByText("Tulis alasan minimal 3 karakter.")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([r]) => (r as Request).url.endsWith("/return"))).toBe(false);

    await user.type(reason, " tapi SK belum ditandatangani");
    await user.click(screen.getByRole("button", { name: "Kembalikan jawaban" }));
    expect(await screen.findByText(/Jawaban dikembalikan ke perangkat daerah/)).toBeInTheDocument();
    const post = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.url.endsWith("/return"))!;
    expect(post.headers.get("If-Match")).toBe('"10-2"');
    expect(await post.json()).toEqual({ reason: "ok tapi SK belum ditandatangani" });
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
});

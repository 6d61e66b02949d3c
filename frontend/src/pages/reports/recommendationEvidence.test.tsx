import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { CSRF_COOKIE } from "../../api/client";
import { coordinatorMe, operatorMe } from "../../test/answerFixtures";
import { FakeXhr } from "../../test/fakeXhr";
import { REPORT, ROUTE, common, rec, report, requests } from "../../test/recommendationFixtures";
import { json, mockApi, renderWithProviders, viewerMe } from "../../test/utils";
import type { EvidenceRead, RecommendationRead } from "./recommendationQueries";

function file(overrides: Partial<EvidenceRead> = {}): EvidenceRead {
  return {
    id: "f1",
    name: "notulen.pdf",
    content_type: "application/pdf",
    size: 2048,
    sha256: "b".repeat(64),
    uploaded_at: "2024-03-02T02:00:00Z",
    uploaded_by: "operator.64.72.kesbangpol",
    url: "/api/v1/recommendations/1/evidence/f1",
    ...overrides,
  };
}

/** The report page with these recommendations; `current` is what the report reads now. */
function setup(session: typeof operatorMe, recs: RecommendationRead[], routes: Parameters<typeof mockApi>[0] = {}) {
  const state = { recs };
  const fetchMock = mockApi({
    ...common,
    [`GET ${REPORT}`]: () => json(report({ state: "accepted", recommendations: state.recs })),
    ...routes,
  });
  renderWithProviders(<AppRoutes />, { route: ROUTE, session });
  return { state, fetchMock };
}

async function item(): Promise<HTMLElement> {
  const list = await screen.findByTestId("recommendations");
  return list.querySelector<HTMLElement>(".rec-item")!;
}

describe("a recommendation's follow-up files", () => {
  afterEach(() => {
    document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });

  it("lists them with download links for every reader, with nothing to change", async () => {
    setup(viewerMe, [rec({ evidence: [file()] }), rec({ id: 2, text: "Tanpa bukti" })]);
    const list = await screen.findByTestId("recommendations");
    const files = within(list).getAllByTestId("rec-evidence");
    // Only the one with files shows the section to a reader.
    expect(files).toHaveLength(1);
    expect(within(files[0]!).getByText("Bukti tindak lanjut")).toBeInTheDocument();
    const link = within(files[0]!).getByRole("link", { name: "notulen.pdf" });
    expect(link).toHaveAttribute("href", "/api/v1/recommendations/1/evidence/f1");
    expect(link).toHaveAttribute("download", "notulen.pdf");
    expect(within(files[0]!).getByText(/operator\.64\.72\.kesbangpol/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Hapus/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Pilih berkas")).not.toBeInTheDocument();
  });

  it("lets the responsible operator attach a file, with progress and the CSRF token", async () => {
    document.cookie = `${CSRF_COOKIE}=csrf-rec; path=/`;
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    FakeXhr.last = null;
    const { state, fetchMock } = setup(operatorMe, [rec()]);
    const user = userEvent.setup();
    const mine = await item();
    await user.click(within(mine).getByRole("button", { name: "Tindak lanjuti" }));
    expect(within(mine).getByText("Belum ada berkas.")).toBeInTheDocument();
    expect(within(mine).getByText(/Lampirkan surat, notulen atau foto/)).toBeInTheDocument();
    const gets = requests(fetchMock, "GET", REPORT).length;

    await user.upload(within(mine).getByLabelText("Pilih berkas"), new File(["%PDF-1.4"], "notulen.pdf"));
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/v1/recommendations/1/evidence");
    expect(xhr.headers["X-CSRF-Token"]).toBe("csrf-rec");
    expect((xhr.body!.get("file") as File).name).toBe("notulen.pdf");
    act(() => xhr.progress(50, 100));
    expect(within(mine).getByText("Mengunggah notulen.pdf: 50%")).toBeInTheDocument();

    state.recs = [rec({ evidence: [file()] })];
    act(() => xhr.respond(201, file()));
    expect(await within(mine).findByText("notulen.pdf terunggah.")).toBeInTheDocument();
    expect(within(mine).getByRole("link", { name: "notulen.pdf" })).toHaveAttribute(
      "href",
      "/api/v1/recommendations/1/evidence/f1",
    );
    // The report is read again; the follow-up form stays open with what was typed.
    await waitFor(() => expect(requests(fetchMock, "GET", REPORT).length).toBeGreaterThan(gets));
    expect(within(mine).getByRole("button", { name: "Simpan tindak lanjut" })).toBeInTheDocument();
  });

  it("says why a file is refused, in the follow-up's words", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    FakeXhr.last = null;
    setup(coordinatorMe, [rec()]);
    const user = userEvent.setup();
    const mine = await item();
    await user.click(within(mine).getByRole("button", { name: "Tindak lanjuti" }));
    const input = within(mine).getByLabelText("Pilih berkas");

    fireEvent.change(input, { target: { files: [new File(["MZ"], "setup.pdf")] } });
    act(() =>
      FakeXhr.last!.respond(415, { error: { code: "unsupported_media_type", message: "Jenis berkas tidak didukung", details: [] } }),
    );
    expect(await within(mine).findByRole("alert")).toHaveTextContent(
      "setup.pdf: Jenis berkas tidak didukung. Unggah PDF, JPEG, PNG, XLSX, DOCX atau ODT.",
    );

    fireEvent.change(input, { target: { files: [new File(["%PDF"], "lagi.pdf")] } });
    act(() =>
      FakeXhr.last!.respond(409, { error: { code: "duplicate_evidence", message: "server text", details: [] } }),
    );
    expect(await within(mine).findByRole("alert")).toHaveTextContent("lagi.pdf: Berkas yang sama sudah dilampirkan");
  });

  it("removes a file after asking once more, while the recommendation is not done", async () => {
    const { state, fetchMock } = setup(operatorMe, [rec({ status: "in_progress", evidence: [file()] })], {
      "DELETE /recommendations/1/evidence/f1": () => {
        state.recs = [rec({ status: "in_progress" })];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    const mine = await item();
    // Not offered outside the follow-up.
    expect(within(mine).queryByRole("button", { name: "Hapus notulen.pdf" })).not.toBeInTheDocument();
    await user.click(within(mine).getByRole("button", { name: "Tindak lanjuti" }));
    await user.click(within(mine).getByRole("button", { name: "Hapus notulen.pdf" }));
    expect(requests(fetchMock, "DELETE", "/recommendations/1/evidence/f1")).toHaveLength(0);
    await user.click(within(mine).getByRole("button", { name: "Ya, hapus notulen.pdf" }));
    await waitFor(() => expect(within(mine).queryByRole("link", { name: "notulen.pdf" })).not.toBeInTheDocument());
    expect(requests(fetchMock, "DELETE", "/recommendations/1/evidence/f1")).toHaveLength(1);
    expect(within(mine).getByText("Belum ada berkas.")).toBeInTheDocument();
  });

  it("keeps a done recommendation's files: no removal, but a late file may still be added", async () => {
    setup(operatorMe, [rec({ status: "done", follow_up: "Sudah", evidence: [file()] })]);
    const user = userEvent.setup();
    const mine = await item();
    await user.click(within(mine).getByRole("button", { name: "Tindak lanjuti" }));
    expect(within(mine).getByRole("link", { name: "notulen.pdf" })).toBeInTheDocument();
    expect(within(mine).queryByRole("button", { name: "Hapus notulen.pdf" })).not.toBeInTheDocument();
    expect(within(mine).getByText(/Bukti rekomendasi yang sudah selesai tidak dapat dihapus/)).toBeInTheDocument();
    expect(within(mine).getByLabelText("Pilih berkas")).toBeInTheDocument();
  });

  it("offers nothing to change to an operator of another agency", async () => {
    setup(operatorMe, [rec({ agency: "64.72.bpkad", agency_name: "BPKAD Kota Samarinda", evidence: [file()] })]);
    const mine = await item();
    expect(within(mine).getByRole("link", { name: "notulen.pdf" })).toBeInTheDocument();
    expect(within(mine).queryByRole("button", { name: "Tindak lanjuti" })).not.toBeInTheDocument();
    expect(within(mine).queryByLabelText("Pilih berkas")).not.toBeInTheDocument();
  });
});

import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { EvidenceRead } from "../../api/client";
import { json, mockApi, renderWithProviders } from "../../test/utils";
import { EvidencePreview } from "./EvidencePreview";

const pdf: EvidenceRead = {
  id: "e1",
  name: "Notulen.pdf",
  content_type: "application/pdf",
  size: 2048,
  sha256: "a".repeat(64),
  uploaded_at: "2024-03-02T00:00:00Z",
  uploaded_by: "operator",
  url: "/api/v1/evidence/e1",
};

describe("evidence preview", () => {
  it("shows a PDF's pages as images, one at a time, with the PDF a tab away", async () => {
    mockApi({ "GET /evidence/e1/pages": () => json({ count: 3 }) });
    const user = userEvent.setup();
    renderWithProviders(<EvidencePreview evidence={pdf} />);

    const first = await screen.findByRole("img", { name: "Halaman 1 dari 3: Notulen.pdf" });
    expect(first).toHaveAttribute("src", "/api/v1/evidence/e1/pages/1");
    expect(screen.getByRole("button", { name: /Sebelumnya/ })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: /Berikutnya/ }));
    await user.click(screen.getByRole("button", { name: /Berikutnya/ }));
    expect(screen.getByRole("img", { name: "Halaman 3 dari 3: Notulen.pdf" })).toHaveAttribute("src", "/api/v1/evidence/e1/pages/3");
    expect(screen.getByRole("button", { name: /Berikutnya/ })).toBeDisabled();

    const open = screen.getByRole("link", { name: "Buka PDF di tab baru" });
    expect(open).toHaveAttribute("href", "/api/v1/evidence/e1?inline=true");
    expect(open).toHaveAttribute("target", "_blank");
    expect(open).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.getByRole("link", { name: "Unduh" })).toHaveAttribute("href", "/api/v1/evidence/e1");
  });

  it("has no pager for a one-page PDF", async () => {
    mockApi({ "GET /evidence/e1/pages": () => json({ count: 1 }) });
    renderWithProviders(<EvidencePreview evidence={pdf} />);
    expect(await screen.findByRole("img", { name: "Halaman 1 dari 1: Notulen.pdf" })).toBeInTheDocument();
    expect(screen.queryByRole("navigation")).not.toBeInTheDocument();
  });

  it("says so when the server cannot draw the PDF, and keeps the links", async () => {
    mockApi({
      "GET /evidence/e1/pages": () =>
        json({ error: { code: "evidence_preview_unavailable", message: "x", details: [] } }, 404),
    });
    renderWithProviders(<EvidencePreview evidence={pdf} />);
    expect(await screen.findByText("Pratinjau tidak tersedia untuk berkas ini. Buka atau unduh berkasnya.")).toBeInTheDocument();
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Unduh" })).toBeInTheDocument();
  });

  it("shows a photo as itself", () => {
    mockApi({});
    const photo = { ...pdf, id: "e2", name: "foto.png", content_type: "image/png", url: "/api/v1/evidence/e2" };
    renderWithProviders(<EvidencePreview evidence={photo} />);
    expect(screen.getByRole("img", { name: "Pratinjau foto.png" })).toHaveAttribute("src", "/api/v1/evidence/e2?inline=true");
    expect(screen.getByRole("link", { name: "Buka gambar di tab baru" })).toHaveAttribute("href", "/api/v1/evidence/e2?inline=true");
  });
});

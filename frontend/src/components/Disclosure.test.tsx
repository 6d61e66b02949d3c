import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Disclosure } from "./Disclosure";

function phoneScreen(matches: boolean) {
  vi.stubGlobal(
    "matchMedia",
    vi.fn((query: string) => ({
      matches,
      media: query,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
    })),
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("Disclosure", () => {
  it("starts open on a wide screen, the heading being its button", async () => {
    phoneScreen(false);
    const user = userEvent.setup();
    render(
      <Disclosure title="Perangkat daerah" summary={<p>13 perangkat</p>} data-section="agencies">
        <p>Isi</p>
      </Disclosure>,
    );
    const button = screen.getByRole("button", { name: "Perangkat daerah" });
    expect(screen.getByRole("heading", { level: 2, name: "Perangkat daerah" })).toContainElement(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByText("Isi")).toBeVisible();
    expect(screen.getByRole("region", { name: "Perangkat daerah" })).toHaveAttribute("data-section", "agencies");

    await user.click(button);
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(screen.getByText("Isi")).not.toBeVisible();
    // The summary stays, so a folded section still says what it holds.
    expect(screen.getByText("13 perangkat")).toBeVisible();
    expect(document.getElementById(button.getAttribute("aria-controls")!)).toHaveAttribute("hidden");
  });

  it("starts folded on a phone, and opens with one tap", async () => {
    phoneScreen(true);
    const user = userEvent.setup();
    render(
      <Disclosure title="Rincian" level={4}>
        <p>Isi</p>
      </Disclosure>,
    );
    const button = screen.getByRole("button", { name: "Rincian" });
    expect(screen.getByRole("heading", { level: 4 })).toContainElement(button);
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(screen.getByText("Isi")).not.toBeVisible();
    await user.click(button);
    expect(screen.getByText("Isi")).toBeVisible();
  });

  it("follows defaultOpen over the screen size, and keeps a given heading id", () => {
    phoneScreen(true);
    render(
      <Disclosure title="Ringkasan" defaultOpen headingId="summary-title">
        <p>Isi</p>
      </Disclosure>,
    );
    expect(screen.getByRole("button", { name: "Ringkasan" })).toHaveAttribute("id", "summary-title");
    expect(screen.getByText("Isi")).toBeVisible();
  });
});

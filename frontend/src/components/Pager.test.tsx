import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import i18n from "../i18n";
import { Pager } from "./Pager";

describe("Pager", () => {
  it("shows the range in Indonesian and English", async () => {
    const { rerender } = render(<Pager total={1552} limit={50} offset={1500} onChange={() => {}} />);
    expect(screen.getByText("1.501–1.550 dari 1.552")).toBeInTheDocument();
    await i18n.changeLanguage("en");
    rerender(<Pager total={1552} limit={50} offset={1500} onChange={() => {}} />);
    expect(await screen.findByText("1,501–1,550 of 1,552")).toBeInTheDocument();
  });

  it("moves by one page and stops at the ends", async () => {
    const onChange = vi.fn();
    const user = userEvent.setup();
    render(<Pager total={120} limit={50} offset={100} onChange={onChange} />);
    expect(screen.getByText("101–120 dari 120")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Berikutnya/ })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: /Sebelumnya/ }));
    expect(onChange).toHaveBeenCalledWith(50);
  });
});

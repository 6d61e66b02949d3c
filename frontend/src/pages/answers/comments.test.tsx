import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppRoutes } from "../../App";
import { framework, operatorMe, period, submission, task } from "../../test/answerFixtures";
import { json, mockApi, page, renderWithProviders, viewerMe } from "../../test/utils";

const base = "/submissions/2024-Q1/64.72";
const common = {
  "GET /periods/2024-Q1": () => json(period),
  "GET /frameworks/PEMILU2024": () => json(framework),
  [`GET ${base}/K1.01/history`]: () => json({ period: "2024-Q1", region: "64.72", indicator: "K1.01", items: [] }),
};

const returnReason = {
  id: 7,
  kind: "return",
  body: "Lampirkan SK tim terpadu yang ditandatangani.",
  author: { username: "verifikator.64", full_name: "Verifikator Kalimantan Timur", role: "verifier" },
  created_at: "2024-03-05T02:00:00Z",
};
const oldReply = {
  id: 5,
  kind: "comment",
  body: "Apakah SK 2023 cukup?",
  author: { username: "operator.64.72.kesbangpol", full_name: "Operator Kesbangpol Samarinda", role: "operator" },
  created_at: "2024-03-04T02:00:00Z",
};

function thread(items: unknown[], lastReadId: number | null, unread: number) {
  return { ...page(items, items.length, 500), unread, last_read_id: lastReadId };
}

describe("the conversation under an answer", () => {
  it("shows the return's reason as new, and the operator replies without resubmitting", async () => {
    const posted: unknown[] = [];
    const items: unknown[] = [oldReply, returnReason];
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(submission({ status: "returned" })),
      [`GET ${base}/K1.01/comments`]: () => json(thread(items, 5, 1)),
      [`POST ${base}/K1.01/comments`]: async (_url, request) => {
        const body = (await request.json()) as { body: string };
        posted.push(body);
        const comment = {
          id: 9,
          kind: "comment",
          body: body.body,
          author: oldReply.author,
          created_at: "2024-03-06T02:00:00Z",
        };
        items.push(comment);
        return json(comment, 201);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });

    const section = (await screen.findByRole("heading", { name: /Diskusi/ })).closest("section")!;
    const list = await within(section).findByRole("list");
    const [first, second] = within(list).getAllByRole("listitem");
    expect(first).toHaveTextContent("Apakah SK 2023 cukup?");
    expect(first).not.toHaveClass("comment-new");
    expect(second).toHaveTextContent("Alasan pengembalian");
    expect(second).toHaveTextContent("Verifikator Kalimantan Timur");
    expect(second).toHaveClass("comment-return", "comment-new");
    expect(within(section).getByRole("heading", { name: /1 komentar baru/ })).toBeInTheDocument();

    await user.type(within(section).getByLabelText("Tulis komentar"), "  Sudah kami unggah ulang.  ");
    await user.click(within(section).getByRole("button", { name: "Kirim" }));
    expect(await within(section).findByText("Komentar terkirim.")).toBeInTheDocument();
    expect(posted).toEqual([{ body: "Sudah kami unggah ulang." }]);
    expect(await within(section).findByText("Sudah kami unggah ulang.")).toBeInTheDocument();
    expect(within(section).getByLabelText("Tulis komentar")).toHaveValue("");
    // Talking is not resubmitting: no transition was asked for.
    expect(fetchMock.mock.calls.some(([r]) => new URL((r as Request).url).pathname.endsWith("/submit"))).toBe(false);
  });

  it("refuses an empty message before sending and shows the API's refusal", async () => {
    const fetchMock = mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(submission()),
      [`GET ${base}/K1.01/comments`]: () => json(thread([], null, 0)),
      [`POST ${base}/K1.01/comments`]: () =>
        json({ error: { code: "rate_limited", message: "Terlalu banyak komentar; coba lagi sebentar", details: [] } }, 429),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppRoutes />, { route: "/tugas/2024-Q1/64.72/K1.01", session: operatorMe });
    const section = (await screen.findByRole("heading", { name: /Diskusi/ })).closest("section")!;
    expect(await within(section).findByText("Belum ada komentar.")).toBeInTheDocument();

    const field = within(section).getByLabelText("Tulis komentar");
    await user.type(field, "   ");
    await user.click(within(section).getByRole("button", { name: "Kirim" }));
    expect(within(section).getByRole("alert")).toHaveTextContent("Tulis komentar terlebih dahulu.");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(fetchMock.mock.calls.some(([r]) => (r as Request).method === "POST")).toBe(false);

    await user.type(field, "Halo");
    await user.click(within(section).getByRole("button", { name: "Kirim" }));
    await waitFor(() => expect(within(section).getByRole("alert")).toHaveTextContent("Terlalu banyak komentar"));
    expect(field).toHaveValue("   Halo");
  });

  it("lets a viewer read but not write", async () => {
    mockApi({
      ...common,
      [`GET ${base}/K1.01`]: () => json(submission({ status: "submitted" })),
      [`GET ${base}/K1.01/comments`]: () => json(thread([returnReason], 7, 0)),
    });
    renderWithProviders(<AppRoutes />, { route: "/wilayah/64.72/jawaban/2024-Q1/K1.01", session: viewerMe });
    const section = (await screen.findByRole("heading", { name: /Diskusi/ })).closest("section")!;
    expect(await within(section).findByText(returnReason.body)).toBeInTheDocument();
    expect(within(section).queryByLabelText("Tulis komentar")).not.toBeInTheDocument();
    expect(within(section).getByText(/Anda dapat membaca diskusi ini/)).toBeInTheDocument();
  });
});

describe("unread comments in the task list", () => {
  it("marks the tasks with messages the operator has not read", async () => {
    mockApi({
      "GET /periods": () => json(page([period])),
      "GET /frameworks/PEMILU2024": () => json(framework),
      "GET /tasks": () =>
        json(
          page([
            task({ indicator: "K1.01", status: "returned", unread_comments: 2 }),
            task({ indicator: "K1.02", indicator_name: "Tim terpadu" }),
          ]),
        ),
    });
    renderWithProviders(<AppRoutes />, { route: "/tugas?period=2024-Q1", session: operatorMe });
    const row = (await screen.findByRole("link", { name: /K1.01/ })).closest("tr")!;
    expect(within(row).getByTestId("unread-comments")).toHaveTextContent("2 komentar belum dibaca");
    const other = screen.getByRole("link", { name: /K1.02 Tim terpadu/ }).closest("tr")!;
    expect(within(other).queryByTestId("unread-comments")).not.toBeInTheDocument();
  });
});

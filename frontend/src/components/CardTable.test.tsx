import { render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { CardTable } from "./CardTable";

function Table({ rows }: { rows: string[] }) {
  return (
    <CardTable className="ranking" data-testid="t">
      <thead>
        <tr>
          <th scope="col">
            <input type="checkbox" aria-label="Pilih semua" />
          </th>
          <th scope="col">
            <button type="button">
              Nama<span aria-hidden="true"> ↕</span>
            </button>
          </th>
          <th scope="col" colSpan={2}>
            Nilai
          </th>
          <th scope="col">
            <span className="visually-hidden">Tindakan</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((name) => (
          <tr key={name}>
            <td>
              <input type="checkbox" aria-label={`Pilih ${name}`} />
            </td>
            <th scope="row">{name}</th>
            <td>1</td>
            <td data-label="Sendiri">2</td>
            <td>
              <a href="#x">Buka</a>
            </td>
          </tr>
        ))}
        <tr>
          <td colSpan={5}>Catatan untuk seluruh baris</td>
        </tr>
      </tbody>
    </CardTable>
  );
}

const labels = (row: Element) => Array.from(row.children).map((cell) => cell.getAttribute("data-label"));

describe("CardTable", () => {
  it("is a table with the cards class beside its own", () => {
    render(<Table rows={["Kota Samarinda"]} />);
    expect(screen.getByRole("table")).toHaveClass("cards", "ranking");
    expect(screen.getByTestId("t").tagName).toBe("TABLE");
  });

  it("labels each cell with its column's visible header words", () => {
    render(<Table rows={["Kota Samarinda"]} />);
    const [row, note] = screen.getAllByRole("row").slice(1);
    // No label for the checkbox and action columns (no visible words), the sort icon left out,
    // both cells under a two-column header labelled, and an author's own label kept.
    expect(labels(row!)).toEqual([null, "Nama", "Nilai", "Sendiri", null]);
    // A cell across the whole row is a note, not a field.
    expect(labels(note!)).toEqual([null]);
  });

  it("names a header that is only a checkbox by the checkbox's name", () => {
    render(<Table rows={["Kota Samarinda"]} />);
    expect(screen.getByRole("columnheader", { name: "Pilih semua" })).toHaveAttribute("data-label", "Pilih semua");
  });

  it("labels rows added later and follows a changed header", async () => {
    function Growing() {
      const [rows, setRows] = useState(["A"]);
      return (
        <>
          <button type="button" onClick={() => setRows(["A", "B"])}>
            tambah
          </button>
          <Table rows={rows} />
        </>
      );
    }
    render(<Growing />);
    screen.getByRole("button", { name: "tambah" }).click();
    await waitFor(() => expect(screen.getAllByRole("row")).toHaveLength(4));
    await waitFor(() => expect(labels(screen.getAllByRole("row")[2]!)).toEqual([null, "Nama", "Nilai", "Sendiri", null]));

    screen.getByRole("button", { name: /Nama/ }).firstChild!.textContent = "Name";
    await waitFor(() => expect(labels(screen.getAllByRole("row")[1]!)[1]).toBe("Name"));
  });

  it("marks long texts to take the card's whole width", () => {
    render(<Table rows={["Kabupaten Penajam Paser Utara dan sekitarnya yang panjang"]} />);
    const cell = screen.getByRole("rowheader");
    expect(cell).toHaveAttribute("data-card-wide");
    expect(screen.getAllByRole("cell")[1]).not.toHaveAttribute("data-card-wide");
  });
});

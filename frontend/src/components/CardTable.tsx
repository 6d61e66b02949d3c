import { useLayoutEffect, useRef, type ComponentPropsWithoutRef } from "react";

const AUTO = "data-label-auto";
const WIDE_TEXT = 40;

/** The words a header cell shows, without icons (aria-hidden) or screen-reader-only text. */
function headerText(th: HTMLTableCellElement): string {
  const explicit = th.getAttribute("data-card-label");
  if (explicit !== null) return explicit;
  const copy = th.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('[aria-hidden="true"], .visually-hidden').forEach((node) => node.remove());
  return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
}

/**
 * Gives every body cell a `data-label` with its column's header, which the
 * phone layout (styles.css, `table.cards`) shows beside the value once each
 * row has become a card. Cells whose author set `data-label` keep it; cells
 * that span the whole row (details rows, notes) get none.
 */
export function labelCells(table: HTMLTableElement): void {
  const headRow = table.tHead?.rows[table.tHead.rows.length - 1];
  if (!headRow) return;
  const labels: string[] = [];
  for (const th of Array.from(headRow.cells)) {
    const text = headerText(th);
    // A header that is only a control (a "select all" checkbox) is named on
    // phones by its accessible name, shown beside it in the chip row.
    const control = th.querySelector("input[aria-label]");
    if (!text && control) th.setAttribute("data-label", control.getAttribute("aria-label") ?? "");
    for (let i = 0; i < th.colSpan; i += 1) labels.push(text);
  }
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const label = cell.colSpan >= labels.length ? "" : (labels[column] ?? "");
        column += cell.colSpan;
        // Long texts take the card's whole width rather than a narrow half.
        cell.toggleAttribute("data-card-wide", (cell.textContent ?? "").trim().length > WIDE_TEXT);
        if (cell.hasAttribute("data-label") && !cell.hasAttribute(AUTO)) continue;
        if (label) {
          if (cell.getAttribute("data-label") !== label) cell.setAttribute("data-label", label);
          cell.setAttribute(AUTO, "");
        } else if (cell.hasAttribute(AUTO)) {
          cell.removeAttribute("data-label");
          cell.removeAttribute(AUTO);
        }
      }
    }
  }
}

/**
 * A data table that becomes a list of cards on phones: each row a card, each
 * cell a line "header: value", a row header (`th scope="row"`) the card's
 * title, and sortable header buttons a row of chips above the cards. Wide
 * screens see an ordinary table. Labels follow the header, also when the
 * language or the rows change.
 */
export function CardTable({ className, ...props }: ComponentPropsWithoutRef<"table">) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (!table) return;
    labelCells(table);
    // Attribute changes are not observed, so labelling cannot trigger itself.
    const observer = new MutationObserver(() => labelCells(table));
    observer.observe(table, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  return <table ref={ref} className={className ? `cards ${className}` : "cards"} {...props} />;
}

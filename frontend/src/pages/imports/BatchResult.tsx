import { useId, useMemo, useState, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../components/labels";
import { formatDateTime, formatNumber } from "../../format";
import { errorsCsvUrl, type ImportBatchRead, type ImportRowErrorRead, type ImportRowOutcome } from "./upload";
import { CardTable } from "../../components/CardTable";

/** Whether the batch found any error (then a dry run cannot be confirmed, and a real run wrote nothing). */
export function hasRowErrors(batch: Pick<ImportBatchRead, "status" | "counts">): boolean {
  return batch.status === "failed" || batch.counts.errors > 0;
}

/** The API gives each row error in Indonesian (message) and English (message_en). */
export function errorMessage(error: Pick<ImportRowErrorRead, "message" | "message_en">, lng: string): string {
  return lng.startsWith("en") ? error.message_en || error.message : error.message;
}

type Entry =
  | { type: "error"; row: number; error: ImportRowErrorRead }
  | { type: "outcome"; row: number; outcome: ImportRowOutcome };

/** Row outcomes and errors in one list by row, a row's errors before its outcome. */
export function rowEntries(batch: Pick<ImportBatchRead, "rows" | "errors">): Entry[] {
  const entries: Entry[] = [
    ...batch.errors.map((error): Entry => ({ type: "error", row: error.row, error })),
    ...batch.rows.map((outcome): Entry => ({ type: "outcome", row: outcome.row, outcome })),
  ];
  return entries.sort((a, b) => a.row - b.row || (a.type === b.type ? 0 : a.type === "error" ? -1 : 1));
}

function StatusMessage({ batch }: { batch: ImportBatchRead }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const failed = hasRowErrors(batch);
  const vars = { errors: n(batch.counts.errors), rows: n(batch.counts.rows_with_errors) };
  if (batch.dry_run) {
    return failed ? (
      <p className="status status-error" role="alert" data-testid="import-status">
        {t("imports.dryRunErrors", vars)}
      </p>
    ) : (
      <p className="status status-ok" role="status" data-testid="import-status">
        {t("imports.dryRunClean", { rows: n(batch.counts.rows) })}
      </p>
    );
  }
  return failed ? (
    <p className="status status-error" role="alert" data-testid="import-status">
      {t("imports.importFailed", vars)}
    </p>
  ) : (
    <p className="status status-ok" role="status" data-testid="import-status">
      {t("imports.importDone", { rows: n(batch.counts.rows) })}
    </p>
  );
}

/** A batch's outcome: status, counts, per-row results (errors highlighted) and the errors.csv link. */
export function BatchResult({ batch, headingRef }: { batch: ImportBatchRead; headingRef?: Ref<HTMLHeadingElement> }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const n = (v: number) => formatNumber(v, lng);
  const failed = hasRowErrors(batch);
  const [onlyErrors, setOnlyErrors] = useState(failed);
  const onlyErrorsId = useId();
  const all = useMemo(() => rowEntries(batch), [batch]);
  const entries = onlyErrors ? all.filter((e) => e.type === "error") : all;
  const counts: { key: keyof ImportBatchRead["counts"]; label: string }[] = [
    { key: "rows", label: t("imports.counts.rows") },
    { key: "created", label: t("imports.counts.created") },
    { key: "updated", label: t("imports.counts.updated") },
    { key: "unchanged", label: t("imports.counts.unchanged") },
    { key: "errors", label: t("imports.counts.errors") },
  ];
  return (
    <section className="import-result" aria-labelledby={`import-result-${batch.id}`} data-testid="import-result">
      <h2 id={`import-result-${batch.id}`} ref={headingRef} tabIndex={-1}>
        {batch.dry_run ? t("imports.dryRunTitle") : t("imports.resultTitle")}
      </h2>
      <p className="muted small">
        {t("imports.batchLine", {
          id: batch.id,
          kind: t(`imports.kinds.${batch.kind}.label`),
          filename: batch.filename,
          time: formatDateTime(batch.created_at, lng),
        })}
      </p>
      <StatusMessage batch={batch} />
      <dl className="stats import-counts" aria-label={t("imports.countsLabel")}>
        {counts.map((c) => (
          <div key={c.key} className={`stat${c.key === "errors" && batch.counts.errors > 0 ? " stat-error" : ""}`}>
            <dt>{c.label}</dt>
            <dd>
              <span className="stat-value num" data-testid={`count-${c.key}`}>
                {n(batch.counts[c.key])}
              </span>
            </dd>
          </div>
        ))}
      </dl>
      {batch.counts.errors > 0 ? (
        <p>
          <a className="button" href={errorsCsvUrl(batch.id, i18n.language)} download>
            {t("imports.errorsCsv")}
          </a>
        </p>
      ) : null}

      {all.length > 0 ? (
        <>
          <h3>{t("imports.rowsTitle")}</h3>
          {failed ? (
            <div className="field field-check">
              <label htmlFor={onlyErrorsId}>
                <input
                  id={onlyErrorsId}
                  type="checkbox"
                  checked={onlyErrors}
                  onChange={(e) => setOnlyErrors(e.target.checked)}
                />{" "}
                {t("imports.onlyErrors")}
              </label>
            </div>
          ) : null}
          <div className="table-wrap">
            <CardTable className="import-rows" data-testid="import-rows">
              <caption className="visually-hidden">{t("imports.rowsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t("imports.col.row")}
                  </th>
                  <th scope="col">{t("imports.col.result")}</th>
                  <th scope="col">{t("imports.col.detail")}</th>
                  <th scope="col">{t("imports.col.column")}</th>
                  <th scope="col">{t("imports.col.code")}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry, index) =>
                  entry.type === "error" ? (
                    <tr key={`e${index}`} className="row-error" data-row={entry.row}>
                      <th scope="row" className="num">
                        {n(entry.row)}
                      </th>
                      <td>
                        <span className="badge badge-required">{t("imports.action.error")}</span>
                      </td>
                      <td>{errorMessage(entry.error, lng)}</td>
                      <td className="mono">{entry.error.column ?? t("common.none")}</td>
                      <td data-code={entry.error.code} title={entry.error.code}>
                        {codeLabel(t, "importRow", entry.error.code)}
                      </td>
                    </tr>
                  ) : (
                    <tr key={`o${index}`} data-row={entry.row}>
                      <th scope="row" className="num">
                        {n(entry.row)}
                      </th>
                      <td>
                        <span className={`badge badge-action-${entry.outcome.action}`}>
                          {t(`imports.action.${entry.outcome.action}`)}
                        </span>
                      </td>
                      <td className="mono">{entry.outcome.key}</td>
                      <td>{t("common.none")}</td>
                      <td>{t("common.none")}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </CardTable>
          </div>
          {batch.rows_truncated || batch.errors_truncated ? (
            <p className="muted small">{t("imports.truncated")}</p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

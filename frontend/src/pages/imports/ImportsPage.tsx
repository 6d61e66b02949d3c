import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../components/labels";
import { Link } from "react-router";
import { ApiError, NETWORK_ERROR } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { ListResults } from "../../components/ListPage";
import { useUrlFilters } from "../../components/urlFilters";
import { formatDateTime, formatNumber } from "../../format";
import { toParams } from "../admin/filters";
import { BatchResult, hasRowErrors } from "./BatchResult";
import "./imports.css";
import { importKeys, useImportBatches } from "./queries";
import {
  IMPORT_ABORTED,
  IMPORT_ACCEPT,
  IMPORT_KINDS,
  isImportKind,
  newIdempotencyKey,
  templateUrl,
  uploadImport,
  type ImportBatchRead,
  type ImportBatchSummary,
  type ImportKind,
  type UploadHandle,
} from "./upload";

type Stage = "check" | "import";

/** Codes of file-level failures the page explains in its own words (else the API's message). */
const FILE_ERROR_CODES = new Set([
  "too_large",
  "unsupported_media_type",
  "import_header_invalid",
  "import_file_empty",
  "import_file_invalid",
  "import_file_too_expanded",
  "idempotency_key_reused",
  "forbidden",
  NETWORK_ERROR,
]);

const STATUS_BADGE: Record<ImportBatchSummary["status"], string> = {
  succeeded: "badge-open",
  failed: "badge-required",
  running: "badge-planned",
};

interface ImportsSearch {
  jenis?: ImportKind;
  offset: number;
}

/** ?jenis=&offset=: the kind being imported and the page of the history. */
function parseImportsSearch(params: URLSearchParams): ImportsSearch {
  const jenis = params.get("jenis");
  const offset = Number(params.get("offset"));
  return { jenis: isImportKind(jenis) ? jenis : undefined, offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

function importsSearch({ jenis, offset }: ImportsSearch): URLSearchParams {
  return toParams({ jenis, offset });
}

export function ImportsPage() {
  const { t } = useTranslation();
  usePageTitle(t("imports.title"));
  const queryClient = useQueryClient();
  const url = useUrlFilters(parseImportsSearch, importsSearch);
  const kind: ImportKind = url.filters.jenis ?? "submissions";

  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState<ImportBatchRead | null>(null);
  const [result, setResult] = useState<ImportBatchRead | null>(null);
  const [failure, setFailure] = useState<{ stage: Stage; error: unknown } | null>(null);
  const [progress, setProgress] = useState<{ stage: Stage; percent: number } | null>(null);
  const handle = useRef<UploadHandle | null>(null);
  // One key per confirmation of one checked file: a retry after a lost
  // response sends the same key, so the API answers with the first batch
  // instead of importing twice.
  const idempotencyKey = useRef<string | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const shown = result ?? dryRun;

  useEffect(() => () => handle.current?.abort(), []);
  // Keyboard and screen-reader users land on the outcome once it arrives.
  useEffect(() => {
    if (shown) resultHeading.current?.focus();
  }, [shown]);

  const reset = () => {
    handle.current?.abort();
    setFile(null);
    setDryRun(null);
    setResult(null);
    setFailure(null);
    idempotencyKey.current = null;
  };

  const setKind = (next: ImportKind) => {
    reset();
    url.setFilters({ ...url.filters, jenis: next }, { replace: true });
  };

  const run = async (stage: Stage, chosen: File, key?: string): Promise<ImportBatchRead | null> => {
    setFailure(null);
    setProgress({ stage, percent: 0 });
    const current = uploadImport({ kind, file: chosen, dryRun: stage === "check", idempotencyKey: key }, (percent) =>
      setProgress({ stage, percent }),
    );
    handle.current = current;
    try {
      return await current.promise;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === IMPORT_ABORTED)) setFailure({ stage, error });
      return null;
    } finally {
      handle.current = null;
      setProgress(null);
      void queryClient.invalidateQueries({ queryKey: importKeys.all });
    }
  };

  const check = async (chosen: File) => {
    if (progress) return;
    setFile(chosen);
    setDryRun(null);
    setResult(null);
    idempotencyKey.current = null;
    const batch = await run("check", chosen);
    if (batch) setDryRun(batch);
  };

  const canConfirm = Boolean(file && dryRun && !hasRowErrors(dryRun) && !result && !progress);
  const confirm = async () => {
    if (!file || !canConfirm) return;
    idempotencyKey.current ??= newIdempotencyKey();
    const batch = await run("import", file, idempotencyKey.current);
    if (batch) setResult(batch);
  };

  return (
    <section aria-labelledby="imports-title" className="imports-page">
      <h1 id="imports-title">{t("imports.title")}</h1>
      <p className="lead">{t("imports.intro")}</p>

      <KindChooser kind={kind} disabled={progress !== null} onChange={setKind} />

      <p className="import-template">
        <a className="button" href={templateUrl(kind)} download data-testid="template-link">
          {t("imports.template", { kind: t(`imports.kinds.${kind}.label`) })}
        </a>
        <span className="muted small"> {t("imports.templateHint")}</span>
      </p>

      <DropZone busy={progress !== null} onFile={(f) => void check(f)} />

      <div aria-live="polite" className="import-live">
        {progress ? (
          <div className="upload-progress" role="status">
            <label>
              {t(progress.stage === "check" ? "imports.checking" : "imports.importing", {
                name: file?.name ?? "",
                percent: progress.percent,
              })}
              <progress max={100} value={progress.percent} />
            </label>
            <button type="button" className="button button-small" onClick={() => handle.current?.abort()}>
              {t("common.cancel")}
            </button>
          </div>
        ) : file && !failure ? (
          <p className="muted small">{t("imports.chosenFile", { name: file.name })}</p>
        ) : null}
      </div>

      {failure ? <FileError error={failure.error} stage={failure.stage} /> : null}

      {shown ? <BatchResult key={shown.id} batch={shown} headingRef={resultHeading} /> : null}

      {dryRun && !result ? (
        <div className="import-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={!canConfirm}
            aria-describedby="import-confirm-hint"
            onClick={() => void confirm()}
          >
            {failure?.stage === "import" ? t("imports.retryConfirm") : t("imports.confirm")}
          </button>
          <span id="import-confirm-hint" className="field-hint">
            {hasRowErrors(dryRun) ? t("imports.confirmBlocked") : t("imports.confirmHint")}
          </span>
        </div>
      ) : null}
      {result ? (
        <p className="import-actions">
          <button type="button" className="button" onClick={reset}>
            {t("imports.another")}
          </button>
        </p>
      ) : null}

      <History offset={url.filters.offset} onOffset={url.setOffset} />
    </section>
  );
}

function KindChooser({
  kind,
  disabled,
  onChange,
}: {
  kind: ImportKind;
  disabled: boolean;
  onChange: (kind: ImportKind) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="import-kinds" disabled={disabled}>
      <legend>{t("imports.kind")}</legend>
      {IMPORT_KINDS.map((k) => (
        <div key={k} className="import-kind">
          <label>
            <input
              type="radio"
              name="import-kind"
              value={k}
              checked={k === kind}
              aria-describedby={`import-kind-${k}-help`}
              onChange={() => onChange(k)}
            />{" "}
            <strong>{t(`imports.kinds.${k}.label`)}</strong>
          </label>
          <p id={`import-kind-${k}-help`} className="field-hint">
            {t(`imports.kinds.${k}.help`)}
          </p>
        </div>
      ))}
    </fieldset>
  );
}

/** Drop a file or pick one; the real file input stays focusable, its label is the button. */
function DropZone({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const take = (files: FileList | null | undefined) => {
    const first = files?.[0];
    if (first) onFile(first);
    // The same file name can be picked again after fixing the file.
    if (inputRef.current) inputRef.current.value = "";
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!busy) take(event.dataTransfer.files);
  };
  return (
    <div
      className={`dropzone import-dropzone${dragging ? " dropzone-active" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="import-dropzone"
    >
      <p>{t("imports.dropHere")}</p>
      <label htmlFor={inputId} className="button">
        {t("imports.choose")}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        className="visually-hidden-input"
        type="file"
        accept={IMPORT_ACCEPT}
        disabled={busy}
        aria-describedby={hintId}
        aria-label={t("imports.choose")}
        onChange={(e) => take(e.target.files)}
      />
      <p id={hintId} className="field-hint">
        {t("imports.allowed")}
      </p>
    </div>
  );
}

interface HeaderDetails {
  missing?: string[];
  unknown?: string[];
  duplicated?: string[];
  expected?: string[];
}

function headerDetails(details: unknown[]): HeaderDetails | null {
  const first = details[0];
  if (!first || typeof first !== "object") return null;
  const pick = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : undefined);
  const d = first as Record<string, unknown>;
  return { missing: pick(d.missing), unknown: pick(d.unknown), duplicated: pick(d.duplicated), expected: pick(d.expected) };
}

/** A failure of the whole file (nothing was checked or stored), in the error shape's terms. */
export function FileError({ error, stage }: { error: unknown; stage: Stage }) {
  const { t } = useTranslation();
  const apiError = error instanceof ApiError ? error : null;
  const code = apiError?.code ?? "error";
  const message = FILE_ERROR_CODES.has(code)
    ? t(`imports.fileErrors.${code}`)
    : errorText(t, error);
  const header = code === "import_header_invalid" && apiError ? headerDetails(apiError.details) : null;
  const lists: { key: keyof HeaderDetails; label: string }[] = [
    { key: "missing", label: t("imports.header.missing") },
    { key: "unknown", label: t("imports.header.unknown") },
    { key: "duplicated", label: t("imports.header.duplicated") },
    { key: "expected", label: t("imports.header.expected") },
  ];
  return (
    <div className="status status-error" role="alert" data-testid="file-error">
      <p className="status-title">{t(stage === "check" ? "imports.fileErrorTitle" : "imports.importErrorTitle")}</p>
      <p>{message}</p>
      {header ? (
        <ul className="header-problems">
          {lists.map(({ key, label }) =>
            header[key] && header[key].length > 0 ? (
              <li key={key}>
                {label}: <span className="mono">{header[key].join(", ")}</span>
              </li>
            ) : null,
          )}
        </ul>
      ) : null}
      {apiError && apiError.status > 0 ? (
        <p className="muted small">
          {apiError.message !== message ? `${apiError.message} ` : ""}
          <span className="mono" title={code}>
            ({apiError.status})
          </span>
        </p>
      ) : null}
      {stage === "import" ? <p>{t("imports.retryHint")}</p> : null}
    </div>
  );
}

function History({ offset, onOffset }: { offset: number; onOffset: (offset: number) => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const n = (v: number) => formatNumber(v, lng);
  return (
    <section aria-labelledby="imports-history-title" className="import-history">
      <h2 id="imports-history-title">{t("imports.history")}</h2>
      <ListResults
        query={useImportBatches(offset)}
        empty={t("imports.historyEmpty")}
        caption={t("imports.history")}
        tableTestId="import-history"
        paging={{ onChange: onOffset }}
        head={
          <>
            <th scope="col">{t("imports.col.batch")}</th>
            <th scope="col">{t("imports.col.time")}</th>
            <th scope="col">{t("imports.col.kind")}</th>
            <th scope="col">{t("imports.col.file")}</th>
            <th scope="col">{t("imports.col.status")}</th>
            <th scope="col" className="num">
              {t("imports.counts.created")}
            </th>
            <th scope="col" className="num">
              {t("imports.counts.updated")}
            </th>
            <th scope="col" className="num">
              {t("imports.counts.errors")}
            </th>
            <th scope="col">{t("imports.col.by")}</th>
          </>
        }
        rowKey={(b) => b.id}
        row={(b) => (
          <tr>
            <th scope="row">
              <Link to={`/admin/impor/${b.id}`}>#{b.id}</Link>
            </th>
            <td>
              <time dateTime={b.created_at}>{formatDateTime(b.created_at, lng)}</time>
            </td>
            <td>{t(`imports.kinds.${b.kind}.label`)}</td>
            <td className="import-filename">{b.filename}</td>
            <td>
              <span className={`badge ${STATUS_BADGE[b.status]}`}>{t(`imports.status.${b.status}`)}</span>{" "}
              {b.dry_run ? <span className="badge badge-optional">{t("imports.dryRunBadge")}</span> : null}
            </td>
            <td className="num">{n(b.counts.created)}</td>
            <td className="num">{n(b.counts.updated)}</td>
            <td className="num">{n(b.counts.errors)}</td>
            <td className="mono">{b.created_by ?? t("common.none")}</td>
          </tr>
        )}
      />
    </section>
  );
}

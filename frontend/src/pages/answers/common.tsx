import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import {
  ApiError,
  NETWORK_ERROR,
  type AnswerType,
  type FrameworkRead,
  type HistoryEntry,
  type LevelRubricRead,
  type ReviewRead,
  type SubmissionRead,
  type TaskStatus,
} from "../../api/client";
import { formatDateTime, formatNumber } from "../../format";

export const TASK_STATUSES: readonly TaskStatus[] = ["not_started", "draft", "submitted", "returned", "verified"];

export function statusLabel(t: TFunction, status: TaskStatus | string): string {
  return t(`answerStatus.${status}`, { defaultValue: status });
}

export function StatusBadge({ status }: { status: TaskStatus | string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-status-${status}`}>{statusLabel(t, status)}</span>;
}

/**
 * Why a returned answer came back: the verifier's return, or the reopening of a verified
 * answer (which returns it too). Null for any other state.
 */
export function returnedReview(answer: SubmissionRead | null | undefined): ReviewRead | null {
  const review = answer?.status === "returned" ? answer.last_review : null;
  return review && (review.decision === "returned" || review.decision === "reopened") ? review : null;
}

/** A returned answer's reason, with who returned it and when: what the agency has to fix. */
export function ReturnedNotice({
  review,
  title,
  note,
  role = "status",
}: {
  review: ReviewRead;
  title: string;
  note?: string;
  role?: "alert" | "status";
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="status status-warn returned-reason" role={role}>
      <p className="status-title">{title}</p>
      {review.reason ? <p className="reason-text">“{review.reason}”</p> : null}
      <p className="small">
        {t("answer.returnedBy", {
          reviewer: review.reviewer ?? t("common.none"),
          at: formatDateTime(review.at, i18n.language),
        })}
      </p>
      {note ? <p className="small">{note}</p> : null}
    </div>
  );
}

/** The first submission came after the deadline. */
export function LateBadge() {
  const { t } = useTranslation();
  return <span className="badge badge-late">{t("tasks.late")}</span>;
}

/** The deadline has passed and the answer still waits on the agency (the API's `overdue`). */
export function OverdueBadge() {
  const { t } = useTranslation();
  return <span className="badge badge-overdue">{t("tasks.overdue")}</span>;
}

// Frameworks often open the evidence guidance with the requirement ("Wajib: SK tim"),
// which the page already shows as a badge next to it.
const REQUIRED_PREFIX = /^\s*(wajib|required|mandatory)\s*[:.\-–—]\s*/i;
const OPTIONAL_PREFIX = /^\s*(opsional|optional|tidak wajib|not required)\s*[:.\-–—]\s*/i;

/** The evidence guidance without a leading "Wajib:" (or "Opsional:") that the badge repeats. */
export function evidenceGuidanceText(guidance: string, required: boolean): string {
  const rest = guidance.replace(required ? REQUIRED_PREFIX : OPTIONAL_PREFIX, "");
  return rest === guidance ? guidance : rest.charAt(0).toLocaleUpperCase() + rest.slice(1);
}

/** An answer's value as words: "3 — Terlaksana penuh", "Ya", "75%", "4 (target 3)". */
export function formatValue(
  t: TFunction,
  lng: string,
  type: AnswerType | string,
  value: number | null | undefined,
  options: { rubric?: readonly LevelRubricRead[]; target?: number | null } = {},
): string {
  if (value === null || value === undefined) return t("common.none");
  switch (type) {
    case "yes_no":
      return value ? t("common.yes") : t("common.no");
    case "percent":
      return `${formatNumber(value, lng)}%`;
    case "level": {
      const label = options.rubric?.find((r) => r.level === value)?.label;
      return label ? `${formatNumber(value, lng)} — ${label}` : formatNumber(value, lng);
    }
    case "count":
      return options.target !== null && options.target !== undefined
        ? t("answer.countOfTarget", { value: formatNumber(value, lng), target: formatNumber(options.target, lng) })
        : formatNumber(value, lng);
    default:
      return formatNumber(value, lng);
  }
}

const KNOWN_ERRORS = new Set([
  "own_region",
  "precondition_failed",
  "precondition_required",
  "invalid_state",
  "period_not_open",
  "evidence_required",
  "too_large",
  "unsupported_media_type",
  "forbidden",
  "answer_not_found",
  "evidence_not_found",
]);

/** Whether the error means the answer changed under us (someone else saved it). */
export function isStale(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.code === "precondition_failed" || error.status === 412 || error.status === 428)
  );
}

/** What the user should know about a failed workflow action, in the UI language. */
export function actionErrorMessage(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t("common.errorTitle");
  if (error.code === NETWORK_ERROR) return t("common.networkError");
  if (isStale(error)) return t("answerErrors.precondition_failed");
  if (error.status === 413) return t("answerErrors.too_large");
  if (error.status === 415) return t("answerErrors.unsupported_media_type");
  if (KNOWN_ERRORS.has(error.code)) return t(`answerErrors.${error.code}`);
  if (error.code === "invalid_input" && isValueMissing(error)) return t("answerErrors.value_required");
  return error.message || t("common.errorTitle");
}

/** The API's 422 for submitting an answer without a value (details name the field). */
function isValueMissing(error: ApiError): boolean {
  return error.details.some(
    (detail) =>
      typeof detail === "object" &&
      detail !== null &&
      (detail as { field?: unknown }).field === "value" &&
      String((detail as { message?: unknown }).message ?? "").includes("required"),
  );
}

export function historyActionLabel(t: TFunction, action: string): string {
  return t(`history.actions.${action}`, { defaultValue: action });
}

export function HistoryList({
  items,
  type,
  rubric,
  target,
}: {
  items: readonly HistoryEntry[];
  type: AnswerType | string;
  rubric?: readonly LevelRubricRead[];
  target?: number | null;
}) {
  const { t, i18n } = useTranslation();
  if (items.length === 0) return <p className="muted">{t("history.empty")}</p>;
  return (
    <ol className="history" reversed>
      {[...items].reverse().map((item) => (
        <li key={item.version} className="history-item" data-action={item.action}>
          <p className="history-head">
            <strong className="history-action">{historyActionLabel(t, item.action)}</strong>{" "}
            <span className="history-actor">{item.actor ?? t("history.system")}</span>{" "}
            <time className="muted small" dateTime={item.at}>
              {formatDateTime(item.at, i18n.language)}
            </time>
          </p>
          <p className="small">
            {t("history.version", { version: item.version })} · <StatusBadge status={item.status} /> ·{" "}
            {t("answer.value")}: {formatValue(t, i18n.language, type, item.value, { rubric, target })} ·{" "}
            {t("history.evidence", { count: item.evidence_hashes.length })}
          </p>
          {item.reason ? <p className="history-reason">“{item.reason}”</p> : null}
        </li>
      ))}
    </ol>
  );
}

export function formatBytes(size: number, lng: string): string {
  if (size < 1024) return `${formatNumber(size, lng)} B`;
  if (size < 1024 * 1024) return `${formatNumber(size / 1024, lng)} KB`;
  return `${formatNumber(size / (1024 * 1024), lng)} MB`;
}

/** The indicator (and its dimension) of a framework by code. */
export function findIndicator(framework: FrameworkRead | undefined, code: string) {
  for (const dimension of framework?.dimensions ?? []) {
    const indicator = dimension.indicators.find((i) => i.code === code);
    if (indicator) return { dimension, indicator };
  }
  return undefined;
}

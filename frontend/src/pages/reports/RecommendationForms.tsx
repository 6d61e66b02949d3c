import type { TFunction } from "i18next";
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { errorText } from "../../components/labels";
import { formatDate, formatNumber } from "../../format";
import {
  RECOMMENDATION_STATUSES,
  useCreateRecommendation,
  useFollowUp,
  usePemdaAgencies,
  type RecommendationRead,
  type RecommendationStatus,
} from "./recommendationQueries";
import type { ReportKey } from "./queries";

// The server's limits (reporting/recommendation_rules.py TEXT_MAX_LENGTH, FOLLOW_UP_MAX_LENGTH).
export const TEXT_MAX_LENGTH = 2_000;
export const FOLLOW_UP_MAX_LENGTH = 4_000;

type FieldErrors = Partial<Record<string, string>>;

// Codes whose own text says it better than the English detail of the 422.
const KNOWN_CODES = new Set(["invalid_agency", "follow_up_required"]);

/**
 * A 422 as one message per field (`agency`, `due_on`, `text`, `follow_up`): the
 * recommendation rules name the field in `field`, the schema's checks in `loc`.
 */
export function recommendationFieldErrors(t: TFunction, lng: string, error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError) || error.status !== 422) return out;
  for (const item of error.details) {
    if (!item || typeof item !== "object") continue;
    const d = item as Record<string, unknown>;
    const loc = Array.isArray(d.loc) ? d.loc : [];
    const field = typeof d.field === "string" ? d.field : String(loc[loc.length - 1] ?? "");
    if (!field || out[field]) continue;
    if (error.code === "due_before_period" && typeof d.period_start === "string") {
      out[field] = t("recommendations.dueBeforePeriod", { date: formatDate(d.period_start, lng) });
    } else if (KNOWN_CODES.has(error.code)) {
      out[field] = errorText(t, error);
    } else {
      out[field] = typeof d.message === "string" && d.message ? d.message : error.message;
    }
  }
  return out;
}

/** 412: someone else followed the recommendation up since this page read it. */
export function isStaleRecommendation(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 412 || error.status === 428);
}

/** A form-level problem: what no field shows (403, 404, 409, stale, network). */
function FormProblem({ error, fields, onReload }: { error: unknown; fields: FieldErrors; onReload: () => void }) {
  const { t } = useTranslation();
  if (!error || Object.keys(fields).length > 0) return null;
  return (
    <div className="status status-error" role="alert">
      <p>{isStaleRecommendation(error) ? t("recommendations.stale") : errorText(t, error)}</p>
      {isStaleRecommendation(error) ? (
        <button type="button" className="button" onClick={onReload}>
          {t("reports.reload")}
        </button>
      ) : null}
    </div>
  );
}

function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p id={id} className="field-error" role="alert">
      {text}
    </p>
  ) : null;
}

/**
 * The coordinator's (or an admin's) new recommendation: text, one of the Pemda's active
 * agencies, a due date not before the period starts. The same checks as the server, shown
 * before sending; the server's 422 lands next to its field.
 */
export function AddRecommendation({
  reportKey,
  periodStart,
  onReload,
}: {
  reportKey: ReportKey;
  periodStart?: string;
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const id = useId();
  const agencies = usePemdaAgencies(reportKey.region);
  const create = useCreateRecommendation(reportKey);
  const [text, setText] = useState("");
  const [agency, setAgency] = useState("");
  const [due, setDue] = useState("");
  const [local, setLocal] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<string | null>(null);
  const server = recommendationFieldErrors(t, lng, create.error);
  const errors: FieldErrors = { ...server, ...local };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    const found: FieldErrors = {};
    if (!text.trim()) found.text = t("recommendations.textRequired");
    if (!agency) found.agency = t("recommendations.agencyRequired");
    if (!due) found.due_on = t("recommendations.dueRequired");
    else if (periodStart && due < periodStart)
      found.due_on = t("recommendations.dueBeforePeriod", { date: formatDate(periodStart, lng) });
    setLocal(found);
    setNotice(null);
    create.reset();
    if (Object.keys(found).length > 0) return;
    create.mutate(
      { text: text.trim(), agency, due_on: due },
      {
        onSuccess: () => {
          setText("");
          setAgency("");
          setDue("");
          setNotice(t("recommendations.added"));
        },
      },
    );
  };
  const describe = (field: string, hint: boolean) =>
    [hint ? `${id}-${field}-hint` : "", errors[field] ? `${id}-${field}-error` : ""].filter(Boolean).join(" ") ||
    undefined;

  return (
    <form className="panel rec-form no-print" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("recommendations.addTitle")}</h3>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t("recommendations.text")}</label>
        <textarea
          id={`${id}-text`}
          rows={3}
          maxLength={TEXT_MAX_LENGTH}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={errors.text ? true : undefined}
          aria-describedby={describe("text", true)}
        />
        <p id={`${id}-text-hint`} className="field-hint">
          {t("recommendations.textHint", { max: formatNumber(TEXT_MAX_LENGTH, lng) })}
        </p>
        <FieldError id={`${id}-text-error`} text={errors.text} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-agency`}>{t("recommendations.agency")}</label>
        <select
          id={`${id}-agency`}
          value={agency}
          onChange={(e) => setAgency(e.target.value)}
          aria-invalid={errors.agency ? true : undefined}
          aria-describedby={describe("agency", true)}
        >
          <option value="">{agencies.isPending ? t("common.loading") : t("recommendations.chooseAgency")}</option>
          {(agencies.data ?? []).map((a) => (
            <option key={a.code} value={a.code}>
              {a.name}
            </option>
          ))}
        </select>
        <p id={`${id}-agency-hint`} className="field-hint">
          {agencies.isError
            ? errorText(t, agencies.error)
            : agencies.data && agencies.data.length === 0
              ? t("recommendations.noAgencies")
              : t("recommendations.agencyHint")}
        </p>
        <FieldError id={`${id}-agency-error`} text={errors.agency} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-due`}>{t("recommendations.due")}</label>
        <input
          id={`${id}-due`}
          type="date"
          min={periodStart}
          value={due}
          onChange={(e) => setDue(e.target.value)}
          aria-invalid={errors.due_on ? true : undefined}
          aria-describedby={describe("due_on", Boolean(periodStart))}
        />
        {periodStart ? (
          <p id={`${id}-due_on-hint`} className="field-hint">
            {t("recommendations.dueHint", { date: formatDate(periodStart, lng) })}
          </p>
        ) : null}
        <FieldError id={`${id}-due_on-error`} text={errors.due_on} />
      </div>
      <FormProblem error={create.error} fields={server} onReload={onReload} />
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending} aria-busy={create.isPending}>
          {t("recommendations.add")}
        </button>
      </div>
    </form>
  );
}

export function recommendationStatusLabel(t: TFunction, status: string): string {
  return t(`codes.enum.RecommendationStatus.${status}`, { defaultValue: status });
}

/**
 * The follow-up of one recommendation: status and note. Mirrors check_change: done needs
 * a note, and reopening a done one needs a new note saying why; only what changed is sent.
 */
export function FollowUpForm({
  reportKey,
  rec,
  onDone,
  onCancel,
  onReload,
}: {
  reportKey: ReportKey;
  rec: RecommendationRead;
  onDone: (message: string) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const followUp = useFollowUp(reportKey);
  const [status, setStatus] = useState<RecommendationStatus>(rec.status);
  const [note, setNote] = useState(rec.follow_up);
  const [local, setLocal] = useState<FieldErrors>({});
  const server = recommendationFieldErrors(t, i18n.language, followUp.error);
  const errors: FieldErrors = { ...server, ...local };
  const statusChanged = status !== rec.status;
  const noteChanged = note.trim() !== rec.follow_up.trim();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (followUp.isPending || (!statusChanged && !noteChanged)) return;
    const found: FieldErrors = {};
    if (status === "done" && !note.trim()) found.follow_up = t("recommendations.noteRequiredDone");
    else if (rec.status === "done" && status !== "done" && (!noteChanged || !note.trim()))
      found.follow_up = t("recommendations.noteRequiredReopen");
    setLocal(found);
    followUp.reset();
    if (Object.keys(found).length > 0) return;
    followUp.mutate(
      {
        rec,
        body: {
          ...(statusChanged ? { status } : {}),
          ...(noteChanged || statusChanged ? { follow_up: note.trim() } : {}),
        },
      },
      { onSuccess: () => onDone(t("recommendations.saved")) },
    );
  };

  return (
    <form className="rec-follow-up" onSubmit={submit} noValidate aria-label={t("recommendations.followUpTitle")}>
      <div className="field">
        <label htmlFor={`${id}-status`}>{t("recommendations.status")}</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(e) => setStatus(e.target.value as RecommendationStatus)}
        >
          {RECOMMENDATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {recommendationStatusLabel(t, s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>{t("recommendations.note")}</label>
        <textarea
          id={`${id}-note`}
          rows={3}
          maxLength={FOLLOW_UP_MAX_LENGTH}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={errors.follow_up ? true : undefined}
          aria-describedby={`${id}-note-hint${errors.follow_up ? ` ${id}-note-error` : ""}`}
        />
        <p id={`${id}-note-hint`} className="field-hint">
          {t("recommendations.noteHint")}
        </p>
        <FieldError id={`${id}-note-error`} text={errors.follow_up ?? errors.status} />
      </div>
      <FormProblem error={followUp.error} fields={server} onReload={onReload} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={followUp.isPending || (!statusChanged && !noteChanged)}
          aria-busy={followUp.isPending}
        >
          {t("recommendations.save")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

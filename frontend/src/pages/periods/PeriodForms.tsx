import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { ApiError, type PeriodRead } from "../../api/client";
import { ErrorMessage } from "../../components/QueryState";
import { codeLabel } from "../../components/labels";
import { Field } from "../admin/Field";
import { useChangeDeadline, useCreatePeriods, usePeriodState, useReopenPeriod, type CreateResult } from "./queries";
import { yearQuarters } from "./quarters";

// The answer workflow's minimum (submissions/workflow.py REASON_MIN_LENGTH), as the server's.
export const REASON_MIN_LENGTH = 15;

/** Per-field problems of a 422, each in the reader's language when its code is known. */
export function periodFieldErrors(t: TFunction, error: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return out;
  for (const item of error.details) {
    if (!item || typeof item !== "object") continue;
    const { field, loc, code, message } = item as { field?: unknown; loc?: unknown; code?: unknown; message?: unknown };
    let name: string | undefined;
    if (typeof field === "string") name = field;
    else if (Array.isArray(loc) && loc.length > 0) name = String(loc[loc.length - 1]);
    if (!name || typeof message !== "string") continue;
    (out[name] ??= []).push(typeof code === "string" ? codeLabel(t, "error", code, message) : message);
  }
  if (error.code === "period_exists") (out.code ??= []).push(codeLabel(t, "error", error.code, error.message));
  return out;
}

/** Shown when an error names no field this form has, so nothing is lost. */
function Unplaced({ error, fields, errors }: { error: unknown; fields: string[]; errors: Record<string, string[]> }) {
  if (!error) return null;
  const placed = fields.some((f) => errors[f]?.length);
  return placed ? null : <ErrorMessage error={error} />;
}

export function AddYearForm({
  framework: proposed,
  frameworks,
  defaultYear,
  onDone,
}: {
  framework: string;
  /** The published versions a new period may use. */
  frameworks: string[];
  defaultYear: number;
  onDone: (result: CreateResult | null) => void;
}) {
  const { t } = useTranslation();
  const create = useCreatePeriods();
  const [year, setYear] = useState(String(defaultYear));
  const [framework, setFramework] = useState(proposed);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const errors = periodFieldErrors(t, create.error);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ codes: yearQuarters(Number(year)), framework }, { onSuccess: (r) => onDone(r) });
  };
  return (
    <form className="panel" onSubmit={onSubmit} aria-label={t("periods.addYear")}>
      <Unplaced error={create.error} fields={["code", "framework"]} errors={errors} />
      <div className="form-grid">
        <Field label={t("periods.year")} errors={errors.code}>
          {(p) => (
            <input
              {...p}
              ref={ref}
              type="number"
              inputMode="numeric"
              min={2000}
              max={2100}
              required
              value={year}
              onChange={(e) => setYear(e.target.value)}
            />
          )}
        </Field>
        <Field label={t("periods.framework")} errors={errors.framework}>
          {(p) => (
            <select {...p} className="mono" value={framework} onChange={(e) => setFramework(e.target.value)}>
              {frameworks.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <SubmitOrCancel pending={create.isPending} label={t("periods.addYearSubmit")} onCancel={() => onDone(null)} />
    </form>
  );
}

export function DeadlineForm({ period, onDone }: { period: PeriodRead; onDone: (saved: PeriodRead | null) => void }) {
  const { t } = useTranslation();
  const change = useChangeDeadline();
  const [deadline, setDeadline] = useState(period.deadline);
  const [reason, setReason] = useState("");
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), [period.code]);
  const errors = periodFieldErrors(t, change.error);
  return (
    <form
      className="panel"
      aria-labelledby="deadline-title"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ code: period.code, deadline, reason: reason.trim() }, { onSuccess: (saved) => onDone(saved) });
      }}
    >
      <h2 id="deadline-title">{t("periods.deadlineTitle", { code: period.code })}</h2>
      <Unplaced error={change.error} fields={["deadline", "reason"]} errors={errors} />
      <div className="form-grid">
        <Field label={t("periods.newDeadline")} errors={errors.deadline}>
          {(p) => (
            <input
              {...p}
              ref={ref}
              type="date"
              required
              min={period.start_date}
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
            />
          )}
        </Field>
        <ReasonField value={reason} onChange={setReason} errors={errors.reason} />
      </div>
      <SubmitOrCancel pending={change.isPending} label={t("periods.deadlineSubmit")} onCancel={() => onDone(null)} />
    </form>
  );
}

export function ReopenForm({ period, onDone }: { period: PeriodRead; onDone: (saved: PeriodRead | null) => void }) {
  const { t } = useTranslation();
  const reopen = useReopenPeriod();
  const [reason, setReason] = useState("");
  const errors = periodFieldErrors(t, reopen.error);
  return (
    <form
      className="panel"
      aria-labelledby="reopen-title"
      onSubmit={(e) => {
        e.preventDefault();
        reopen.mutate({ code: period.code, reason: reason.trim() }, { onSuccess: (saved) => onDone(saved) });
      }}
    >
      <h2 id="reopen-title">{t("periods.reopenTitle", { code: period.code })}</h2>
      <Unplaced error={reopen.error} fields={["reason"]} errors={errors} />
      <ReasonField value={reason} onChange={setReason} errors={errors.reason} autoFocus />
      <SubmitOrCancel pending={reopen.isPending} label={t("periods.reopenSubmit")} onCancel={() => onDone(null)} />
    </form>
  );
}

function ReasonField({
  value,
  onChange,
  errors,
  autoFocus = false,
}: {
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Field label={t("periods.reason")} hint={t("periods.reasonHint", { min: REASON_MIN_LENGTH })} errors={errors}>
      {(p) => (
        <textarea
          {...p}
          required
          autoFocus={autoFocus}
          minLength={REASON_MIN_LENGTH}
          maxLength={2000}
          rows={3}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Opening lets agencies answer; closing freezes the answers (a national administrator may reopen). */
export function StateForm({
  period,
  action,
  onDone,
}: {
  period: PeriodRead;
  action: "open" | "close";
  onDone: (saved: PeriodRead | null) => void;
}) {
  const { t } = useTranslation();
  const change = usePeriodState();
  return (
    <form
      className="panel"
      aria-labelledby="state-title"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ code: period.code, action }, { onSuccess: (saved) => onDone(saved) });
      }}
    >
      <h2 id="state-title">{t(`periods.${action}Title`, { code: period.code })}</h2>
      <p>{t(`periods.${action}Explain`)}</p>
      {change.error ? <ErrorMessage error={change.error} /> : null}
      <SubmitOrCancel pending={change.isPending} label={t(`periods.${action}Submit`, { code: period.code })} onCancel={() => onDone(null)} />
    </form>
  );
}

/** Each form's buttons: send (showing that it is saving) or leave without a change. */
function SubmitOrCancel({ pending, label, onCancel }: { pending: boolean; label: string; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary" disabled={pending} aria-busy={pending}>
        {pending ? t("common.saving") : label}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </div>
  );
}

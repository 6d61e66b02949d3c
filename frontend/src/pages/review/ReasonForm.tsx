import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { ApiError } from "../../api/client";
import { formatNumber } from "../../format";
import { REASON_MAX_LENGTH, REASON_MIN_LENGTH, reasonLength } from "./reason";

/**
 * What a 422 says about the reason field, in the UI language; undefined for any other
 * error. The form keeps the rule, so this shows only when the server still disagrees.
 */
export function reasonFieldError(t: TFunction, error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 422) return undefined;
  for (const item of error.details) {
    if (!item || typeof item !== "object") continue;
    const { loc, type, message } = item as { loc?: unknown; type?: unknown; message?: unknown };
    if (!Array.isArray(loc) || loc[loc.length - 1] !== "reason") continue;
    if (type === "string_too_short") return t("review.reasonTooShort", { min: REASON_MIN_LENGTH });
    return typeof message === "string" && message ? message : error.message;
  }
  return undefined;
}

/** The reason for returning or reopening an answer: the rule shown up front, counted as typed. */
export function ReasonForm({
  label,
  submitLabel,
  busy,
  serverError,
  onSubmit,
  onCancel,
}: {
  label: string;
  submitLabel: string;
  busy: boolean;
  serverError?: string;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState("");
  useEffect(() => ref.current?.focus(), []);

  const length = reasonLength(reason);
  const enough = length >= REASON_MIN_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (enough && !busy) onSubmit(reason.trim());
  };
  const describedBy = [`${id}-hint`, `${id}-count`, serverError ? `${id}-error` : ""].filter(Boolean).join(" ");

  return (
    <form className="panel reason-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <textarea
          id={id}
          ref={ref}
          rows={4}
          required
          minLength={REASON_MIN_LENGTH}
          maxLength={REASON_MAX_LENGTH}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={serverError ? true : undefined}
          aria-describedby={describedBy}
        />
        <p id={`${id}-hint`} className="field-hint">
          {t("review.reasonHint", { min: REASON_MIN_LENGTH })}
        </p>
        <p id={`${id}-count`} className={`field-hint reason-count${enough ? " reason-count-ok" : ""}`}>
          {t("review.reasonCount", {
            length: formatNumber(length, i18n.language),
            min: formatNumber(REASON_MIN_LENGTH, i18n.language),
          })}
        </p>
        {serverError ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {serverError}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !enough} aria-busy={busy}>
          {submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

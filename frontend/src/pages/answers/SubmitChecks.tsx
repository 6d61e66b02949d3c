import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

/**
 * What an answer still lacks before it can be sent, named in one alert in place of the
 * confirmation (which would only lead to the API's refusal). Focused when it appears.
 */
export function MissingForSubmit({ id, missing }: { id: string; missing: readonly string[] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (missing.length > 0) ref.current?.focus();
  }, [missing]);
  if (missing.length === 0) return null;
  return (
    <div className="status status-error submit-missing" role="alert" id={id} tabIndex={-1} ref={ref}>
      <p className="status-title">{t("answer.missingTitle")}</p>
      <ul>
        {missing.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
    </div>
  );
}

/** The last word before sending: once sent, only a verifier can give the answer back. */
export function ConfirmSubmit({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div
      className="panel panel-warn confirm"
      role="alertdialog"
      aria-labelledby="confirm-submit-title"
      aria-describedby="confirm-submit-body"
      tabIndex={-1}
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
    >
      <h3 id="confirm-submit-title">{t("answer.confirmTitle")}</h3>
      <p id="confirm-submit-body">{t("answer.confirmBody")}</p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onConfirm}>
          {t("answer.confirmSubmit")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </div>
  );
}

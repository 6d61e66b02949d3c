import { useTranslation } from "react-i18next";
import { ApiError, NETWORK_ERROR } from "../api/client";
import { errorText } from "./labels";

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t("common.loading")}
    </p>
  );
}

/** Codes whose text says only "something was wrong"; the API's message names what. */
const GENERIC_CODES = new Set(["invalid_input", "bad_request", "conflict"]);

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  let message: string;
  let detail: string | undefined;
  if (error instanceof ApiError && error.code === NETWORK_ERROR) message = t("common.networkError");
  else {
    // The text of the error's code in the reader's language (not the API's bilingual one),
    // with the API's own message underneath when the code alone is too generic to act on
    // (which field was refused).
    message = errorText(t, error);
    if (error instanceof ApiError && GENERIC_CODES.has(error.code) && error.message !== message) {
      detail = error.message;
    }
  }
  return (
    <div className="status status-error" role="alert">
      <p className="status-title">{t("common.errorTitle")}</p>
      <p>
        {message}
        {error instanceof ApiError && error.status > 0 ? (
          <span className="muted"> ({error.status})</span>
        ) : null}
      </p>
      {detail ? <p className="muted status-detail">{detail}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t("common.retry")}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <p className="status status-empty" role="status">
      {children}
    </p>
  );
}

import { useTranslation } from "react-i18next";
import { ApiError, NETWORK_ERROR } from "../api/client";

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t("common.loading")}
    </p>
  );
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  let message: string;
  if (error instanceof ApiError && error.code === NETWORK_ERROR) message = t("common.networkError");
  else if (error instanceof Error && error.message) message = error.message;
  else message = t("common.errorTitle");
  return (
    <div className="status status-error" role="alert">
      <p className="status-title">{t("common.errorTitle")}</p>
      <p>
        {message}
        {error instanceof ApiError && error.status > 0 ? (
          <span className="muted"> ({error.status})</span>
        ) : null}
      </p>
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

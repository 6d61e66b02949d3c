import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError, NETWORK_ERROR } from "../api/client";
import { useInstance, type InstanceRead } from "../api/instance";
import { safeNext, useLogin } from "../auth/session";
import { usePageTitle } from "../components/Layout";
import { roleLabel } from "../components/labels";

/** Seconds to wait after a 429, from the error's details ([{retry_after_seconds}]). */
export function retryAfterSeconds(error: ApiError): number | undefined {
  for (const item of error.details) {
    if (item && typeof item === "object" && "retry_after_seconds" in item) {
      const seconds = Number((item as { retry_after_seconds: unknown }).retry_after_seconds);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    }
  }
  return undefined;
}

export function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t("login.title"));
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const instance = useInstance();
  const ids = { username: useId(), password: useId(), error: useId(), demo: useId() };
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const usernameRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => usernameRef.current?.focus(), []);
  useEffect(() => {
    if (login.isError) errorRef.current?.focus();
  }, [login.isError, login.failureCount]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (login.isPending) return;
    login.mutate(
      { username: username.trim(), password },
      {
        onSuccess: () => navigate(safeNext(searchParams.get("next")), { replace: true }),
        onError: () => setPassword(""),
      },
    );
  };

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      <p className="lead">{t("login.intro", { name: instance.data?.name ?? "Siaga" })}</p>
      <form className="login-form" onSubmit={onSubmit}>
        {login.isError ? (
          <div id={ids.error} className="status status-error" role="alert" tabIndex={-1} ref={errorRef}>
            <p>{loginErrorMessage(t, login.error)}</p>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={ids.username}>{t("login.username")}</label>
          <input
            ref={usernameRef}
            id={ids.username}
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={login.isError || undefined}
            aria-describedby={login.isError ? ids.error : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>{t("login.password")}</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={login.isError || undefined}
            aria-describedby={login.isError ? ids.error : undefined}
          />
        </div>
        <button
          type="submit"
          className="button button-primary"
          disabled={login.isPending}
          aria-busy={login.isPending}
        >
          {login.isPending ? t("login.submitting") : t("login.submit")}
        </button>
      </form>
      {instance.data && instance.data.demo_accounts.length > 0 ? <DemoAccounts id={ids.demo} instance={instance.data} /> : null}
    </section>
  );
}

/**
 * The demo accounts, only as GET /instance names them: a development installation with
 * the demo data loaded. Nothing here is hard-coded, so production shows none.
 */
function DemoAccounts({ id, instance }: { id: string; instance: InstanceRead }) {
  const { t } = useTranslation();
  return (
    <section className="panel demo-accounts" aria-labelledby={id}>
      <h2 id={id}>{t("login.demoTitle")}</h2>
      <p className="small">{t("login.demoHint")}</p>
      <ul>
        {instance.demo_accounts.map((account) => (
          <li key={account.username}>
            <code>{account.username}</code> — {roleLabel(t, account.role)},{" "}
            {account.agency_name ?? account.region_name ?? t("login.national")}
          </li>
        ))}
      </ul>
      <p className="small">
        {instance.demo_password
          ? t("login.demoPassword", { password: instance.demo_password })
          : t("login.demoPasswordUnknown")}
      </p>
    </section>
  );
}

function loginErrorMessage(t: (key: string, options?: Record<string, unknown>) => string, error: unknown): string {
  if (!(error instanceof ApiError)) return t("common.errorTitle");
  switch (error.code) {
    case "invalid_credentials":
      return t("login.errors.invalid_credentials");
    case "rate_limited": {
      const seconds = retryAfterSeconds(error);
      return seconds === undefined
        ? t("login.errors.rate_limited_later")
        : t("login.errors.rate_limited", { seconds });
    }
    case NETWORK_ERROR:
      return t("common.networkError");
    default:
      return error.message || t("common.errorTitle");
  }
}

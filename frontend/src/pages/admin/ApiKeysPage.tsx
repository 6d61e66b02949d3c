import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type ApiKeyCreated, type ApiKeyRead, type ApiKeyScope } from "../../api/client";
import { FormError } from "../../components/FormError";
import { FilterForm, ListPage } from "../../components/ListPage";
import { ErrorMessage } from "../../components/QueryState";
import { useUrlFilters } from "../../components/urlFilters";
import { formatDateTime } from "../../format";
import { CreateOnce, handOver } from "./CreateOnce";
import { Field } from "./Field";
import { fieldErrors, parseApiKeyFilters, toParams } from "./filters";
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKeyListParams } from "./queries";

const SCOPES: readonly ApiKeyScope[] = ["read", "write", "import"];

function keyState(key: ApiKeyRead): "revoked" | "expired" | "active" {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) return "expired";
  return "active";
}

function apiKeySearch(filters: ApiKeyListParams): URLSearchParams {
  return toParams({ active: filters.active, offset: filters.offset });
}

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { filters, apply, setOffset } = useUrlFilters(parseApiKeyFilters, apiKeySearch);
  const keys = useApiKeys(filters);
  const revoke = useRevokeApiKey();
  const activeId = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const dateTime = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : t("common.none"));

  const onRevoke = (key: ApiKeyRead) => {
    setNotice(null);
    if (!window.confirm(t("apiKeys.revokeConfirm", { name: key.name, prefix: key.prefix }))) return;
    revoke.mutate(key.prefix, { onSuccess: () => setNotice(t("apiKeys.revoked", { prefix: key.prefix })) });
  };

  const actions = (
    <CreateOnce<ApiKeyCreated>
      label={t("apiKeys.create")}
      form={(props) => <CreateKeyForm {...props} />}
      shown={(key, dismiss) => <NewKeyPanel created={key} onDone={dismiss} />}
    />
  );

  // The one filter applies as it is chosen: no "apply" button.
  const filterForm = (
    <FilterForm label={t("apiKeys.filters")} applyButton={false}>
      <div className="field">
        <label htmlFor={activeId}>{t("apiKeys.status")}</label>
        <select
          id={activeId}
          value={filters.active === undefined ? "" : String(filters.active)}
          onChange={(e) => apply({ active: e.target.value === "" ? undefined : e.target.value === "true" })}
        >
          <option value="">{t("apiKeys.allStatuses")}</option>
          <option value="true">{t("apiKeys.state.active")}</option>
          <option value="false">{t("apiKeys.state.revoked")}</option>
        </select>
      </div>
    </FilterForm>
  );

  return (
    <ListPage
      name="keys"
      title={t("apiKeys.title")}
      lead={t("apiKeys.intro")}
      actions={actions}
      filters={filterForm}
      query={keys}
      empty={t("apiKeys.empty")}
      caption={t("apiKeys.caption")}
      paging={{ onChange: setOffset }}
      head={
        <>
          <th scope="col">{t("apiKeys.prefix")}</th>
          <th scope="col">{t("apiKeys.name")}</th>
          <th scope="col">{t("apiKeys.region")}</th>
          <th scope="col">{t("apiKeys.scopes")}</th>
          <th scope="col">{t("apiKeys.createdAt")}</th>
          <th scope="col">{t("apiKeys.expiresAt")}</th>
          <th scope="col">{t("apiKeys.lastUsedAt")}</th>
          <th scope="col">{t("apiKeys.status")}</th>
          <th scope="col">{t("users.actions")}</th>
        </>
      }
      rowKey={(key) => key.prefix}
      row={(key) => {
        const state = keyState(key);
        return (
          <tr>
            <td className="mono">{key.prefix}</td>
            <td>
              {key.name}
              {key.created_by ? (
                <div className="muted small">{t("apiKeys.createdBy", { user: key.created_by })}</div>
              ) : null}
            </td>
            <td className="mono">{key.region_code ?? <span className="sans">{t("auth.national")}</span>}</td>
            <td>{key.scopes.map((scope) => t(`apiKeys.scope.${scope}`, { defaultValue: scope })).join(", ")}</td>
            <td>{dateTime(key.created_at)}</td>
            <td>{key.expires_at ? dateTime(key.expires_at) : t("apiKeys.never")}</td>
            <td>{dateTime(key.last_used_at)}</td>
            <td>
              <span className={`badge ${state === "active" ? "badge-open" : "badge-closed"}`}>
                {t(`apiKeys.state.${state}`)}
              </span>
            </td>
            <td>
              {state === "revoked" ? null : (
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={revoke.isPending}
                  onClick={() => onRevoke(key)}
                  aria-label={`${t("apiKeys.revoke")} ${key.prefix}`}
                >
                  {t("apiKeys.revoke")}
                </button>
              )}
            </td>
          </tr>
        );
      }}
    >
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
    </ListPage>
  );
}

function CreateKeyForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (key: ApiKeyCreated) => void }) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["read"]);
  const [days, setDays] = useState("365");
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const error = create.error instanceof ApiError ? create.error : null;
  const errors = error ? fieldErrors(error) : {};
  const scopesId = useId();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        region: region.trim() || null,
        scopes,
        expires_in_days: Number(days),
      },
      { onSuccess: handOver(create, onCreated) },
    );
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="create-key-title">
      <h2 id="create-key-title" tabIndex={-1} ref={headingRef}>
        {t("apiKeys.createTitle")}
      </h2>
      {create.isError ? <FormError error={create.error} title={t("apiKeys.createFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("apiKeys.name")} hint={t("apiKeys.nameHint")} errors={errors.name}>
          {(p) => <input {...p} type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("apiKeys.region")} hint={t("apiKeys.regionHint")} errors={errors.region}>
          {(p) => <input {...p} type="text" className="mono" value={region} onChange={(e) => setRegion(e.target.value)} />}
        </Field>
        <Field label={t("apiKeys.days")} errors={errors.expires_in_days}>
          {(p) => (
            <input
              {...p}
              type="number"
              required
              min={1}
              max={3650}
              inputMode="numeric"
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          )}
        </Field>
      </div>
      <fieldset className="checkboxes" aria-describedby={errors.scopes ? scopesId : undefined}>
        <legend>{t("apiKeys.scopes")}</legend>
        {SCOPES.map((scope) => (
          <label key={scope}>
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) =>
                setScopes((s) => (e.target.checked ? SCOPES.filter((x) => x === scope || s.includes(x)) : s.filter((x) => x !== scope)))
              }
            />{" "}
            {t(`apiKeys.scope.${scope}`)}
          </label>
        ))}
        {errors.scopes ? (
          <ul id={scopesId} className="field-error">
            {errors.scopes.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
      </fieldset>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || scopes.length === 0}
          aria-busy={create.isPending}
        >
          {create.isPending ? t("common.saving") : t("apiKeys.createSubmit")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function NewKeyPanel({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied("yes");
    } catch {
      inputRef.current?.select();
      setCopied("no");
    }
  };

  return (
    <div className="panel panel-warn" role="region" aria-labelledby="new-key-title">
      <h2 id="new-key-title">{t("apiKeys.newKeyTitle", { name: created.name })}</h2>
      <p className="status status-warn">
        <strong>{t("apiKeys.newKeyWarning")}</strong>
      </p>
      <div className="field">
        <label htmlFor={inputId}>{t("apiKeys.secret")}</label>
        <div className="copy-row">
          <input
            ref={inputRef}
            id={inputId}
            type="text"
            className="mono secret"
            readOnly
            value={created.key}
            autoComplete="off"
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button" onClick={() => void copy()}>
            {t("apiKeys.copy")}
          </button>
        </div>
        <p className="field-hint" role="status">
          {copied === "yes" ? t("apiKeys.copied") : copied === "no" ? t("apiKeys.copyFailed") : ""}
        </p>
      </div>
      <p className="small muted">{t("apiKeys.usage", { prefix: created.prefix })}</p>
      <button type="button" className="button button-primary" onClick={onDone}>
        {t("apiKeys.done")}
      </button>
    </div>
  );
}

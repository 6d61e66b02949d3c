import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Role, type UserCreate, type UserRead } from "../../api/client";
import { useMe } from "../../auth/session";
import { FilterForm, ListPage } from "../../components/ListPage";
import { ErrorMessage } from "../../components/QueryState";
import { errorText, roleLabel } from "../../components/labels";
import { useDraft, useUrlFilters } from "../../components/urlFilters";
import { formatDateTime } from "../../format";
import { Field } from "./Field";
import { ROLES, fieldErrors, parseUserFilters, toParams } from "./filters";
import { useCreateUser, useUpdateUser, useUsers, type UserListParams } from "./queries";

function userSearch(filters: UserListParams): URLSearchParams {
  return toParams({ role: filters.role, active: filters.active, q: filters.q, offset: filters.offset });
}

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const { filters, apply, setOffset, reset } = useUrlFilters(parseUserFilters, userSearch);
  const users = useUsers(filters);
  const update = useUpdateUser();
  const { data: me } = useMe({ fetch: false });
  const ids = { role: useId(), active: useId(), q: useId() };
  const [q, setQ] = useDraft(filters.q);
  const [creating, setCreating] = useState(false);
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const hasFilters = Boolean(filters.role || filters.active !== undefined || filters.q);

  const toggleActive = (user: UserRead) => {
    setNotice(null);
    update.mutate(
      { username: user.username, body: { is_active: !user.is_active } },
      {
        onSuccess: (saved) =>
          setNotice(t(saved.is_active ? "users.enabled" : "users.disabled", { username: saved.username })),
      },
    );
  };

  const actions = (
    <>
      <div className="toolbar no-print">
        <button
          type="button"
          className="button button-primary"
          aria-expanded={creating}
          onClick={() => setCreating((v) => !v)}
        >
          {t("users.create")}
        </button>
      </div>
      {creating ? (
        <CreateUserForm
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            setNotice(t("users.created", { username: user.username }));
          }}
        />
      ) : null}
    </>
  );

  const filterForm = (
    <FilterForm
      label={t("users.filters")}
      onApply={() => apply({ q: q.trim() || undefined })}
      onReset={reset}
      hasFilters={hasFilters}
    >
      <div className="field">
        <label htmlFor={ids.role}>{t("users.role")}</label>
        <select
          id={ids.role}
          value={filters.role ?? ""}
          onChange={(e) => apply({ role: (e.target.value || undefined) as Role | undefined })}
        >
          <option value="">{t("users.allRoles")}</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {roleLabel(t, role)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.active}>{t("users.status")}</label>
        <select
          id={ids.active}
          value={filters.active === undefined ? "" : String(filters.active)}
          onChange={(e) => apply({ active: e.target.value === "" ? undefined : e.target.value === "true" })}
        >
          <option value="">{t("users.allStatuses")}</option>
          <option value="true">{t("users.active")}</option>
          <option value="false">{t("users.inactive")}</option>
        </select>
      </div>
      <div className="field field-grow">
        <label htmlFor={ids.q}>{t("users.search")}</label>
        <input id={ids.q} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
    </FilterForm>
  );

  return (
    <ListPage
      name="users"
      title={t("users.title")}
      lead={t("users.intro")}
      actions={actions}
      filters={filterForm}
      query={users}
      empty={t("users.empty")}
      caption={t("users.caption")}
      paging={{ onChange: setOffset }}
      head={
        <>
          <th scope="col">{t("users.username")}</th>
          <th scope="col">{t("users.fullName")}</th>
          <th scope="col">{t("users.role")}</th>
          <th scope="col">{t("users.scope")}</th>
          <th scope="col">{t("users.status")}</th>
          <th scope="col">{t("users.lastLogin")}</th>
          <th scope="col">{t("users.actions")}</th>
        </>
      }
      rowKey={(user) => user.username}
      row={(user) => (
        <tr>
          <td className="mono">{user.username}</td>
          <td>
            {user.full_name || t("common.none")}
            {user.email ? <div className="muted small">{user.email}</div> : null}
          </td>
          <td>{roleLabel(t, user.role)}</td>
          <td className="mono">
            {user.agency_code ?? user.region_code ?? <span className="sans">{t("auth.national")}</span>}
          </td>
          <td>
            <span className={`badge ${user.is_active ? "badge-open" : "badge-closed"}`}>
              {user.is_active ? t("users.active") : t("users.inactive")}
            </span>
          </td>
          <td>{user.last_login_at ? formatDateTime(user.last_login_at, i18n.language) : t("common.none")}</td>
          <td>
            <div className="row-actions">
              <button
                type="button"
                className="button button-small"
                disabled={update.isPending || (user.is_active && user.username === me?.username)}
                onClick={() => toggleActive(user)}
                aria-label={`${user.is_active ? t("users.disable") : t("users.enable")} ${user.username}`}
              >
                {user.is_active ? t("users.disable") : t("users.enable")}
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setNotice(null);
                  setResetFor(user.username);
                }}
                aria-label={`${t("users.resetPassword")} ${user.username}`}
              >
                {t("users.resetPassword")}
              </button>
            </div>
          </td>
        </tr>
      )}
    >
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
      {update.isError ? <ErrorMessage error={update.error} /> : null}

      {resetFor ? (
        <ResetPasswordForm
          key={resetFor}
          username={resetFor}
          onDone={(done) => {
            setResetFor(null);
            if (done) setNotice(t("users.passwordReset", { username: resetFor }));
          }}
        />
      ) : null}
    </ListPage>
  );
}

const EMPTY_USER = { username: "", full_name: "", email: "", role: "viewer" as Role, region: "", agency: "", password: "" };

function CreateUserForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (user: UserRead) => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY_USER);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    if (create.isError) errorRef.current?.focus();
  }, [create.isError, create.error]);

  const set = (name: keyof typeof EMPTY_USER) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  const error = create.error instanceof ApiError ? create.error : null;
  const errors = error ? fieldErrors(error) : {};
  if (error?.code === "user_exists") (errors.username ??= []).push(t("users.exists"));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const body: UserCreate = {
      username: form.username.trim(),
      full_name: form.full_name.trim(),
      email: form.email.trim() || null,
      role: form.role,
      region: form.region.trim() || null,
      agency: form.agency.trim() || null,
      password: form.password,
    };
    create.mutate(body, { onSuccess: onCreated });
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="create-user-title">
      <h2 id="create-user-title" tabIndex={-1} ref={headingRef}>
        {t("users.createTitle")}
      </h2>
      {create.isError ? (
        <div className="status status-error" role="alert" tabIndex={-1} ref={errorRef}>
          <p className="status-title">{t("users.createFailed")}</p>
          <p>{errorText(t, create.error)}</p>
        </div>
      ) : null}
      <div className="form-grid">
        <Field label={t("users.username")} hint={t("users.usernameHint")} errors={errors.username}>
          {(p) => <input {...p} type="text" required autoComplete="off" value={form.username} onChange={set("username")} />}
        </Field>
        <Field label={t("users.fullName")} errors={errors.full_name}>
          {(p) => <input {...p} type="text" autoComplete="off" value={form.full_name} onChange={set("full_name")} />}
        </Field>
        <Field label={t("users.email")} errors={errors.email}>
          {(p) => <input {...p} type="email" autoComplete="off" value={form.email} onChange={set("email")} />}
        </Field>
        <Field label={t("users.role")} errors={errors.role}>
          {(p) => (
            <select {...p} value={form.role} onChange={set("role")}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(t, role)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("users.region")} hint={t("users.regionHint")} errors={errors.region}>
          {(p) => <input {...p} type="text" className="mono" value={form.region} onChange={set("region")} />}
        </Field>
        <Field label={t("users.agency")} hint={t("users.agencyHint")} errors={errors.agency}>
          {(p) => <input {...p} type="text" className="mono" value={form.agency} onChange={set("agency")} />}
        </Field>
        <Field label={t("users.password")} errors={errors.password}>
          {(p) => (
            <input {...p} type="password" required autoComplete="new-password" value={form.password} onChange={set("password")} />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending} aria-busy={create.isPending}>
          {create.isPending ? t("common.saving") : t("users.createSubmit")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function ResetPasswordForm({ username, onDone }: { username: string; onDone: (done: boolean) => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const [password, setPassword] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), [username]);
  const error = update.error instanceof ApiError ? update.error : null;
  const errors = error ? fieldErrors(error) : {};

  return (
    <form
      className="panel"
      aria-labelledby="reset-title"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ username, body: { password } }, { onSuccess: () => onDone(true) });
      }}
    >
      <h2 id="reset-title">{t("users.resetTitle", { username })}</h2>
      {update.isError && !errors.password ? <ErrorMessage error={update.error} /> : null}
      <Field label={t("users.newPassword")} hint={t("users.resetHint")} errors={errors.password}>
        {(p) => (
          <input
            {...p}
            ref={inputRef}
            type="password"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? t("common.saving") : t("users.resetSubmit")}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

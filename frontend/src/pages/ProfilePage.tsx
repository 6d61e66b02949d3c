import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap, type MeRead } from "../api/client";
import { meQueryKey, useMe } from "../auth/session";
import { usePageTitle } from "../components/Layout";
import { ErrorMessage, Loading } from "../components/QueryState";
import { isLanguage, setLanguage, type Language } from "../i18n";
import { Field } from "./admin/Field";
import { EmailPreferencesForm } from "./EmailPreferences";
import { fieldErrors } from "./admin/filters";

/**
 * One's own account: name, e-mail, phone and language (PATCH /auth/me), and the
 * password change (POST /auth/password). After an administrator's reset this is the
 * only page the SPA shows (RequireAuth) until the password is changed.
 */
export function ProfilePage() {
  const { t } = useTranslation();
  usePageTitle(t("profile.title"));
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (!me.data) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{t("profile.title")}</h1>
      {me.data.must_change_password ? (
        <div className="status status-warn" role="alert">
          <p>{t("profile.forcedNotice")}</p>
        </div>
      ) : null}
      <PasswordForm />
      {me.data.must_change_password ? null : <ProfileForm me={me.data} />}
      {me.data.must_change_password || me.data.kind !== "user" ? null : <EmailPreferencesForm />}
    </section>
  );
}

interface ProfileBody {
  full_name: string;
  email: string | null;
  phone: string | null;
  locale: Language;
}

function ProfileForm({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    full_name: me.full_name,
    email: me.email ?? "",
    phone: me.phone ?? "",
    locale: isLanguage(me.locale) ? me.locale : "id",
  });
  const save = useMutation({
    mutationFn: (body: ProfileBody) => unwrap(api.PATCH("/api/v1/auth/me", { body })),
    onSuccess: (updated) => {
      queryClient.setQueryData(meQueryKey, updated);
      if (isLanguage(updated.locale)) void setLanguage(updated.locale);
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const errors = error ? fieldErrors(error) : {};
  const known = ["full_name", "email", "phone", "locale"].some((name) => errors[name]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      full_name: form.full_name.trim(),
      email: form.email.trim() || null,
      phone: form.phone.trim() || null,
      locale: form.locale,
    });
  };
  return (
    <form className="panel" aria-labelledby="profile-details-title" onSubmit={onSubmit}>
      <h2 id="profile-details-title">{t("profile.detailsTitle")}</h2>
      {save.isError && !known ? <ErrorMessage error={save.error} /> : null}
      {save.isSuccess ? (
        <p className="status status-ok" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      <Field label={t("profile.fullName")} errors={errors.full_name}>
        {(p) => (
          <input
            {...p}
            name="full_name"
            autoComplete="name"
            maxLength={200}
            value={form.full_name}
            onChange={(e) => setForm({ ...form, full_name: e.target.value })}
          />
        )}
      </Field>
      <Field label={t("profile.email")} errors={errors.email}>
        {(p) => (
          <input
            {...p}
            name="email"
            type="email"
            autoComplete="email"
            maxLength={254}
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        )}
      </Field>
      <Field label={t("profile.phone")} hint={t("profile.phoneHint")} errors={errors.phone}>
        {(p) => (
          <input
            {...p}
            name="phone"
            type="tel"
            autoComplete="tel"
            maxLength={30}
            value={form.phone}
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
          />
        )}
      </Field>
      <Field label={t("profile.locale")} errors={errors.locale}>
        {(p) => (
          <select
            {...p}
            name="locale"
            value={form.locale}
            onChange={(e) => setForm({ ...form, locale: isLanguage(e.target.value) ? e.target.value : "id" })}
          >
            <option value="id">{t("lang.idName")}</option>
            <option value="en">{t("lang.enName")}</option>
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending} aria-busy={save.isPending}>
          {save.isPending ? t("common.saving") : t("profile.save")}
        </button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const empty = { current: "", next: "", repeat: "" };
  const [form, setForm] = useState(empty);
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      unwrap(api.POST("/api/v1/auth/password", { body })),
    onSuccess: async () => {
      setForm(empty);
      // The session's flag is cleared: the rest of the SPA opens again.
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  useEffect(() => setMismatch(false), [form.next, form.repeat]);
  const error = change.error instanceof ApiError ? change.error : null;
  const errors = error ? fieldErrors(error) : {};
  const known = Boolean(errors.current_password || errors.new_password);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (form.next !== form.repeat) {
      setMismatch(true);
      return;
    }
    change.mutate({ current_password: form.current, new_password: form.next });
  };
  return (
    <form className="panel" aria-labelledby="profile-password-title" onSubmit={onSubmit}>
      <h2 id="profile-password-title">{t("profile.passwordTitle")}</h2>
      {change.isError && !known ? <ErrorMessage error={change.error} /> : null}
      {change.isSuccess ? (
        <p className="status status-ok" role="status">
          {t("profile.changed")}
        </p>
      ) : null}
      <Field label={t("profile.currentPassword")} errors={errors.current_password}>
        {(p) => (
          <input
            {...p}
            name="current_password"
            type="password"
            autoComplete="current-password"
            required
            value={form.current}
            onChange={(e) => setForm({ ...form, current: e.target.value })}
          />
        )}
      </Field>
      <Field label={t("profile.newPassword")} hint={t("profile.strengthHint")} errors={errors.new_password}>
        {(p) => (
          <input
            {...p}
            name="new_password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={128}
            value={form.next}
            onChange={(e) => setForm({ ...form, next: e.target.value })}
          />
        )}
      </Field>
      <Field label={t("profile.repeatPassword")} errors={mismatch ? [t("profile.mismatch")] : undefined}>
        {(p) => (
          <input
            {...p}
            name="repeat_password"
            type="password"
            autoComplete="new-password"
            required
            value={form.repeat}
            onChange={(e) => setForm({ ...form, repeat: e.target.value })}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={change.isPending} aria-busy={change.isPending}>
          {change.isPending ? t("common.saving") : t("profile.changePassword")}
        </button>
      </div>
    </form>
  );
}

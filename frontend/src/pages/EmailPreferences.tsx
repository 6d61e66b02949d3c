import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import type { components } from "../api/generated/schema";
import { codeLabel } from "../components/labels";
import { ErrorMessage, Loading } from "../components/QueryState";

type Preferences = components["schemas"]["EmailPreferencesRead"];
type MailedType = Preferences["events"][number]["type"];

export const emailPreferencesKey = ["auth", "me", "preferences"] as const;

function typeLabel(t: (key: string) => string, type: string): string {
  const reminder = type.startsWith("reminder.") || type === "recommendation.overdue" || type === "webhook.failed";
  return codeLabel(t as never, reminder ? "enum:ReminderType" : "enum:EventType", type, type);
}

/**
 * Which notifications also arrive by e-mail (GET and PUT /auth/me/preferences): one
 * checkbox per event type, the defaults marked; a note when the installation sends no
 * e-mail or the profile has no address.
 */
export function EmailPreferencesForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: emailPreferencesKey,
    queryFn: () => unwrap(api.GET("/api/v1/auth/me/preferences")),
  });
  const [enabled, setEnabled] = useState<MailedType[]>([]);
  useEffect(() => {
    if (query.data) setEnabled(query.data.events.filter((e) => e.enabled).map((e) => e.type));
  }, [query.data]);
  const save = useMutation({
    mutationFn: (body: { enabled: MailedType[] }) =>
      unwrap(api.PUT("/api/v1/auth/me/preferences", { body })),
    onSuccess: (updated) => queryClient.setQueryData(emailPreferencesKey, updated),
  });
  if (query.isPending) return <Loading />;
  if (!query.data) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  const prefs = query.data;
  const toggle = (type: MailedType, on: boolean) =>
    setEnabled((current) => (on ? [...current, type] : current.filter((x) => x !== type)));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ enabled });
  };
  return (
    <form className="panel" aria-labelledby="email-preferences-title" onSubmit={onSubmit}>
      <h2 id="email-preferences-title">{t("profile.emailPrefs.title")}</h2>
      {!prefs.email_available ? (
        <p className="status status-warn">{t("profile.emailPrefs.off")}</p>
      ) : !prefs.email ? (
        <p className="status status-warn">{t("profile.emailPrefs.noAddress")}</p>
      ) : (
        <p>{t("profile.emailPrefs.sentTo", { email: prefs.email })}</p>
      )}
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      {save.isSuccess ? (
        <p className="status status-ok" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      <fieldset>
        <legend>{t("profile.emailPrefs.legend")}</legend>
        {prefs.events.map((choice) => (
          <label key={choice.type} className="checkbox">
            <input
              type="checkbox"
              name="enabled"
              value={choice.type}
              checked={enabled.includes(choice.type)}
              onChange={(e) => toggle(choice.type, e.target.checked)}
            />{" "}
            {typeLabel(t, choice.type)}
            {choice.default ? ` (${t("profile.emailPrefs.default")})` : ""}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={save.isPending}>
        {t("profile.emailPrefs.save")}
      </button>
    </form>
  );
}

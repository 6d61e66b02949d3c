import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { codeLabel } from "../../components/labels";
import { FormError } from "../../components/FormError";
import { handOver } from "./CreateOnce";
import { Field } from "./Field";
import { fieldErrors } from "./filters";
import {
  WEBHOOK_EVENTS,
  useCreateWebhook,
  useUpdateWebhook,
  type WebhookCreated,
  type WebhookEventType,
  type WebhookRead,
} from "./webhookQueries";

/** The event type in the reader's language, with its code beside it for integrators. */
export function EventLabel({ type }: { type: string }) {
  const { t } = useTranslation();
  const label = type === "ping" ? t("webhooks.ping") : codeLabel(t, "enum:WebhookEventType", type);
  return (
    <>
      {label} <span className="mono muted small">{type}</span>
    </>
  );
}

function EventsFieldset({
  value,
  onChange,
  errors,
}: {
  value: WebhookEventType[];
  onChange: (next: WebhookEventType[]) => void;
  errors?: string[];
}) {
  const { t } = useTranslation();
  const errorId = useId();
  const toggle = (type: WebhookEventType, on: boolean) =>
    onChange(WEBHOOK_EVENTS.filter((e) => (e === type ? on : value.includes(e))));
  return (
    <fieldset className="checkboxes" aria-describedby={errors ? errorId : undefined}>
      <legend>{t("webhooks.events")}</legend>
      {WEBHOOK_EVENTS.map((type) => (
        <label key={type}>
          <input type="checkbox" checked={value.includes(type)} onChange={(e) => toggle(type, e.target.checked)} />{" "}
          <EventLabel type={type} />
        </label>
      ))}
      {errors ? (
        <ul id={errorId} className="field-error">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

export function CreateWebhookForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (created: WebhookCreated) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateWebhook();
  const [url, setUrl] = useState("https://");
  const [description, setDescription] = useState("");
  const [region, setRegion] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>([]);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const errors = create.error instanceof ApiError ? fieldErrors(create.error) : {};

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { url: url.trim(), description: description.trim(), region: region.trim() || null, events },
      { onSuccess: handOver(create, onCreated) },
    );
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title" tabIndex={-1} ref={headingRef}>
        {t("webhooks.createTitle")}
      </h2>
      {create.isError ? <FormError error={create.error} title={t("webhooks.createFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("webhooks.url")} hint={t("webhooks.urlHint")} errors={errors.url}>
          {(p) => (
            <input {...p} type="url" className="mono" required maxLength={2000} value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
        <Field label={t("webhooks.description")} errors={errors.description}>
          {(p) => <input {...p} type="text" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label={t("webhooks.region")} hint={t("webhooks.regionHint")} errors={errors.region}>
          {(p) => <input {...p} type="text" className="mono" value={region} onChange={(e) => setRegion(e.target.value)} />}
        </Field>
      </div>
      <EventsFieldset value={events} onChange={setEvents} errors={errors.events} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || events.length === 0}
          aria-busy={create.isPending}
        >
          {create.isPending ? t("common.saving") : t("webhooks.createSubmit")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

export function EditWebhookForm({ webhook, onDone }: { webhook: WebhookRead; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateWebhook();
  const [url, setUrl] = useState(webhook.url);
  const [description, setDescription] = useState(webhook.description);
  const [events, setEvents] = useState<WebhookEventType[]>(webhook.events);
  const errors = update.error instanceof ApiError ? fieldErrors(update.error) : {};

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { id: webhook.id, body: { url: url.trim(), description: description.trim(), events } },
      { onSuccess: onDone },
    );
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-label={t("webhooks.editTitle")}>
      <h3>{t("webhooks.editTitle")}</h3>
      {update.isError ? <FormError error={update.error} title={t("webhooks.saveFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("webhooks.url")} hint={t("webhooks.urlHint")} errors={errors.url}>
          {(p) => (
            <input {...p} type="url" className="mono" required maxLength={2000} value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
        <Field label={t("webhooks.description")} errors={errors.description}>
          {(p) => <input {...p} type="text" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
      </div>
      <EventsFieldset value={events} onChange={setEvents} errors={errors.events} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={update.isPending || events.length === 0}
          aria-busy={update.isPending}
        >
          {update.isPending ? t("common.saving") : t("webhooks.save")}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

/** A signing secret, shown once (after creating or rotating), with a copy button. */
export function SecretPanel({ title, secret, note, onDone }: { title: string; secret: string; note?: string; onDone: () => void }) {
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
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      inputRef.current?.select();
      setCopied("no");
    }
  };

  return (
    <div className="panel panel-warn" role="region" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>{title}</h2>
      <p className="status status-warn">
        <strong>{t("webhooks.secretWarning")}</strong>
      </p>
      <div className="field">
        <label htmlFor={inputId}>{t("webhooks.secret")}</label>
        <div className="copy-row">
          <input
            ref={inputRef}
            id={inputId}
            type="text"
            className="mono secret"
            readOnly
            value={secret}
            autoComplete="off"
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button" onClick={() => void copy()}>
            {t("webhooks.copy")}
          </button>
        </div>
        <p className="field-hint" role="status">
          {copied === "yes" ? t("webhooks.copied") : copied === "no" ? t("webhooks.copyFailed") : ""}
        </p>
      </div>
      <p className="small muted">{note ?? t("webhooks.secretUsage")}</p>
      <button type="button" className="button button-primary" onClick={onDone}>
        {t("webhooks.secretDone")}
      </button>
    </div>
  );
}

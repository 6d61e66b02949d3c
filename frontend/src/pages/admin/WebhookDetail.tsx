import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../components/labels";
import { ListResults } from "../../components/ListPage";
import { ErrorMessage } from "../../components/QueryState";
import { formatDateTime } from "../../format";
import { EditWebhookForm, EventLabel, SecretPanel } from "./WebhookForms";
import {
  useDeleteWebhook,
  useRetryDelivery,
  useTestWebhook,
  useUpdateWebhook,
  useWebhookDeliveries,
  type WebhookDeliveryRead,
  type WebhookRead,
} from "./webhookQueries";

const DELIVERY_BADGE: Record<string, string> = {
  delivered: "badge-open",
  pending: "badge-planned",
  failed: "badge-closed",
};

/**
 * One endpoint: what an administrator does with it (pause or resume, a test ping, a new
 * secret, edit, delete) and its delivery log with every attempt and a retry.
 */
export function WebhookDetail({ webhook, onClose }: { webhook: WebhookRead; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const update = useUpdateWebhook();
  const test = useTestWebhook();
  const remove = useDeleteWebhook();
  const [editing, setEditing] = useState(false);
  // The new secret after a rotation, in memory only until dismissed.
  const [rotated, setRotated] = useState<{ secret: string; until: string | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [webhook.id]);
  const dateTime = (iso: string) => formatDateTime(iso, i18n.language);
  const failed = [update, test, remove].find((m) => m.isError);

  const setState = (state: "active" | "paused") => {
    setNotice(null);
    update.mutate(
      { id: webhook.id, body: { state } },
      { onSuccess: () => setNotice(t(state === "paused" ? "webhooks.pausedNotice" : "webhooks.resumedNotice")) },
    );
  };
  const rotate = () => {
    setNotice(null);
    if (!window.confirm(t("webhooks.rotateConfirm"))) return;
    update.mutate(
      { id: webhook.id, body: { rotate_secret: true } },
      {
        onSuccess: (updated) => {
          update.reset(); // the secret is not kept in the mutation cache
          if (updated.secret) setRotated({ secret: updated.secret, until: updated.previous_secret_expires_at });
        },
      },
    );
  };
  const ping = () => {
    setNotice(null);
    test.mutate(webhook.id, { onSuccess: () => setNotice(t("webhooks.testQueued")) });
  };
  const onDelete = () => {
    if (!window.confirm(t("webhooks.deleteConfirm", { url: webhook.url }))) return;
    remove.mutate(webhook.id, { onSuccess: onClose });
  };

  return (
    <section className="panel" aria-labelledby="webhook-detail-title">
      <h2 id="webhook-detail-title" tabIndex={-1} ref={headingRef} className="mono webhook-url">
        {webhook.url}
      </h2>
      {webhook.state === "disabled" ? (
        <p className="status status-warn">
          {t("webhooks.disabledExplain", {
            reason: codeLabel(t, "enum:WebhookDisabledReason", webhook.disabled_reason ?? "failing"),
            when: webhook.disabled_at ? dateTime(webhook.disabled_at) : t("common.none"),
          })}
        </p>
      ) : null}
      {rotated ? (
        <SecretPanel
          title={t("webhooks.rotatedTitle")}
          secret={rotated.secret}
          note={
            rotated.until
              ? t("webhooks.rotatedNote", { when: dateTime(rotated.until) })
              : t("webhooks.rotatedNoGrace")
          }
          onDone={() => setRotated(null)}
        />
      ) : null}
      <div className="toolbar no-print">
        {webhook.state === "active" ? (
          <button type="button" className="button" disabled={update.isPending} onClick={() => setState("paused")}>
            {t("webhooks.pause")}
          </button>
        ) : (
          <button type="button" className="button" disabled={update.isPending} onClick={() => setState("active")}>
            {t("webhooks.resume")}
          </button>
        )}
        <button type="button" className="button" disabled={test.isPending} onClick={ping}>
          {t("webhooks.test")}
        </button>
        <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing((v) => !v)}>
          {t("webhooks.edit")}
        </button>
        <button type="button" className="button" disabled={update.isPending} onClick={rotate}>
          {t("webhooks.rotate")}
        </button>
        <button type="button" className="button button-danger" disabled={remove.isPending} onClick={onDelete}>
          {t("webhooks.delete")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("webhooks.close")}
        </button>
      </div>
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
      {failed ? <ErrorMessage error={failed.error} /> : null}
      {editing ? <EditWebhookForm key={webhook.id} webhook={webhook} onDone={() => setEditing(false)} /> : null}
      <DeliveryLog webhook={webhook} />
    </section>
  );
}

function DeliveryLog({ webhook }: { webhook: WebhookRead }) {
  const { t, i18n } = useTranslation();
  const [offset, setOffset] = useState(0);
  const deliveries = useWebhookDeliveries(webhook.id, offset);
  const retry = useRetryDelivery();
  const dateTime = (iso: string | null | undefined) => (iso ? formatDateTime(iso, i18n.language) : t("common.none"));

  return (
    <section aria-labelledby="delivery-log-title">
      <h3 id="delivery-log-title">{t("webhooks.log")}</h3>
      {retry.isError ? <ErrorMessage error={retry.error} /> : null}
      <ListResults<WebhookDeliveryRead>
        query={deliveries}
        empty={t("webhooks.logEmpty")}
        caption={t("webhooks.log")}
        paging={{ onChange: setOffset, onlyWhenMany: true }}
        head={
          <>
            <th scope="col">{t("webhooks.created")}</th>
            <th scope="col">{t("webhooks.type")}</th>
            <th scope="col">{t("webhooks.webhookId")}</th>
            <th scope="col">{t("webhooks.status")}</th>
            <th scope="col">{t("webhooks.attempts")}</th>
            <th scope="col">{t("users.actions")}</th>
          </>
        }
        rowKey={(d) => d.id}
        row={(d) => (
          <tr>
            <td>{dateTime(d.created_at)}</td>
            <td>
              <EventLabel type={d.type} />
            </td>
            <td className="mono small webhook-url">{d.webhook_id}</td>
            <td>
              <span className={`badge ${DELIVERY_BADGE[d.state] ?? ""}`}>
                {codeLabel(t, "enum:WebhookDeliveryState", d.state)}
              </span>
              {d.state === "pending" && d.next_attempt_at ? (
                <div className="muted small">{t("webhooks.nextAttempt", { when: dateTime(d.next_attempt_at) })}</div>
              ) : null}
            </td>
            <td>
              <Attempts delivery={d} />
            </td>
            <td>
              <button
                type="button"
                className="button button-small"
                disabled={retry.isPending}
                aria-label={`${t("webhooks.retry")} ${d.webhook_id}`}
                onClick={() => retry.mutate({ id: webhook.id, delivery: d.id })}
              >
                {t("webhooks.retry")}
              </button>
            </td>
          </tr>
        )}
      />
    </section>
  );
}

function Attempts({ delivery }: { delivery: WebhookDeliveryRead }) {
  const { t, i18n } = useTranslation();
  if (delivery.attempts.length === 0) return <span className="muted">{t("webhooks.noAttempts")}</span>;
  return (
    <details>
      <summary>{t("webhooks.attemptCount", { count: delivery.attempt_count })}</summary>
      <ol className="small">
        {delivery.attempts.map((a, i) => (
          <li key={`${a.attempted_at}-${i}`}>
            {formatDateTime(a.attempted_at, i18n.language)}:{" "}
            <strong>{a.status_code !== null ? `HTTP ${a.status_code}` : t("webhooks.noAnswer")}</strong>{" "}
            <span className="muted">({t("webhooks.duration", { ms: a.duration_ms })})</span>
            {a.error ? <div className="mono webhook-url">{a.error}</div> : null}
            {a.response_excerpt ? <pre className="mono excerpt">{a.response_excerpt}</pre> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

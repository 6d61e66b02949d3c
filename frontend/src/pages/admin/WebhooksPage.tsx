import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../components/labels";
import { FilterForm, ListPage } from "../../components/ListPage";
import { useUrlFilters } from "../../components/urlFilters";
import { formatDateTime } from "../../format";
import { CreateOnce } from "./CreateOnce";
import { toParams } from "./filters";
import { WebhookDetail } from "./WebhookDetail";
import { CreateWebhookForm, SecretPanel } from "./WebhookForms";
import {
  WEBHOOK_STATES,
  parseWebhookFilters,
  useWebhooks,
  type WebhookCreated,
  type WebhookListParams,
  type WebhookRead,
} from "./webhookQueries";

const STATE_BADGE: Record<string, string> = {
  active: "badge-open",
  paused: "badge-planned",
  disabled: "badge-closed",
};

function webhookSearch(filters: WebhookListParams): URLSearchParams {
  return toParams({ state: filters.state, offset: filters.offset });
}

/**
 * Webhook endpoints of the administrator's scope: Siaga's events sent, signed, to other
 * systems. A new endpoint's secret is shown once; one endpoint at a time opens below
 * the list with its actions and delivery log.
 */
export function WebhooksPage() {
  const { t, i18n } = useTranslation();
  const { filters, apply, setOffset } = useUrlFilters(parseWebhookFilters, webhookSearch);
  const webhooks = useWebhooks(filters);
  const stateId = useId();
  const [selected, setSelected] = useState<number | null>(null);
  const open = webhooks.data?.items.find((w) => w.id === selected) ?? null;
  const dateTime = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : t("common.none"));

  const actions = (
    <CreateOnce<WebhookCreated>
      label={t("webhooks.create")}
      form={(props) => <CreateWebhookForm {...props} />}
      shown={(webhook, dismiss) => (
        <SecretPanel title={t("webhooks.createdTitle", { url: webhook.url })} secret={webhook.secret} onDone={dismiss} />
      )}
    />
  );

  const filterForm = (
    <FilterForm label={t("webhooks.filters")} applyButton={false}>
      <div className="field">
        <label htmlFor={stateId}>{t("webhooks.status")}</label>
        <select
          id={stateId}
          value={filters.state ?? ""}
          onChange={(e) => apply({ state: WEBHOOK_STATES.find((s) => s === e.target.value) })}
        >
          <option value="">{t("webhooks.allStates")}</option>
          {WEBHOOK_STATES.map((state) => (
            <option key={state} value={state}>
              {codeLabel(t, "enum:WebhookState", state)}
            </option>
          ))}
        </select>
      </div>
    </FilterForm>
  );

  return (
    <ListPage
      name="webhooks"
      title={t("webhooks.title")}
      lead={t("webhooks.intro")}
      actions={actions}
      filters={filterForm}
      query={webhooks}
      empty={t("webhooks.empty")}
      caption={t("webhooks.caption")}
      paging={{ onChange: setOffset }}
      head={
        <>
          <th scope="col">{t("webhooks.url")}</th>
          <th scope="col">{t("webhooks.region")}</th>
          <th scope="col">{t("webhooks.events")}</th>
          <th scope="col">{t("webhooks.status")}</th>
          <th scope="col">{t("webhooks.pending")}</th>
          <th scope="col">{t("webhooks.lastSuccess")}</th>
          <th scope="col">{t("users.actions")}</th>
        </>
      }
      rowKey={(w) => w.id}
      row={(w: WebhookRead) => (
        <tr aria-current={w.id === selected ? "true" : undefined}>
          <td>
            <span className="mono webhook-url">{w.url}</span>
            {w.description ? <div className="muted small">{w.description}</div> : null}
          </td>
          <td className="mono">{w.region_code ?? <span className="sans">{t("auth.national")}</span>}</td>
          <td>{t("webhooks.eventCount", { count: w.events.length })}</td>
          <td>
            <span className={`badge ${STATE_BADGE[w.state] ?? ""}`}>{codeLabel(t, "enum:WebhookState", w.state)}</span>
            {w.consecutive_failures > 0 ? (
              <div className="muted small">{t("webhooks.failures", { count: w.consecutive_failures })}</div>
            ) : null}
          </td>
          <td>{w.pending_deliveries}</td>
          <td>{dateTime(w.last_success_at)}</td>
          <td>
            <button
              type="button"
              className="button button-small"
              aria-label={`${t("webhooks.manage")} ${w.url}`}
              onClick={() => setSelected(w.id === selected ? null : w.id)}
            >
              {t("webhooks.manage")}
            </button>
          </td>
        </tr>
      )}
    >
      {open ? <WebhookDetail key={open.id} webhook={open} onClose={() => setSelected(null)} /> : null}
    </ListPage>
  );
}

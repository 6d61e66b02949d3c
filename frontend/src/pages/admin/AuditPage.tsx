import { Fragment, useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { AuditEventRead } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";
import { usePageTitle } from "../../components/Layout";
import { Pager } from "../../components/Pager";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { formatDateTime } from "../../format";
import { AUDIT_OUTCOMES, parseAuditFilters, toParams } from "./filters";
import { useAudit, type AuditOutcome } from "./queries";

const OUTCOME_BADGE: Record<string, string> = {
  success: "badge-open",
  failure: "badge-required",
  denied: "badge-cat-kurang_siap",
  rate_limited: "badge-cat-kurang_siap",
};

export function AuditPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("audit.title"));
  const [searchParams, setSearchParams] = useSearchParams();
  const { sinceLocal, ...filters } = parseAuditFilters(searchParams);
  const events = useAudit(filters);
  const ids = { actor: useId(), action: useId(), outcome: useId(), since: useId() };
  const [form, setForm] = useState({ actor: filters.actor ?? "", action: filters.action ?? "", since: sinceLocal ?? "" });
  const urlKey = searchParams.toString();
  useEffect(() => {
    setForm({ actor: filters.actor ?? "", action: filters.action ?? "", since: sinceLocal ?? "" });
    // Only when the URL changes (back/forward, reset), not on every render.
  }, [urlKey]);
  const [open, setOpen] = useState<Set<number>>(new Set());

  const apply = (patch: { outcome?: AuditOutcome; offset?: number } = {}) => {
    const outcome = "outcome" in patch ? patch.outcome : filters.outcome;
    setSearchParams(
      toParams({
        actor: form.actor.trim(),
        action: form.action.trim(),
        outcome,
        since: form.since,
        offset: patch.offset ?? 0,
      }),
    );
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply();
  };
  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const hasFilters = Boolean(filters.actor || filters.action || filters.outcome || sinceLocal);

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t("audit.title")}</h1>
      <p className="lead">{t("audit.intro")}</p>

      <form className="filters no-print" role="search" aria-label={t("audit.filters")} onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={ids.actor}>{t("audit.actor")}</label>
          <input id={ids.actor} type="search" value={form.actor} onChange={(e) => setForm((f) => ({ ...f, actor: e.target.value }))} />
        </div>
        <div className="field">
          <label htmlFor={ids.action}>{t("audit.action")}</label>
          <input
            id={ids.action}
            type="search"
            placeholder="user.create"
            value={form.action}
            onChange={(e) => setForm((f) => ({ ...f, action: e.target.value }))}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.outcome}>{t("audit.outcome")}</label>
          <select
            id={ids.outcome}
            value={filters.outcome ?? ""}
            onChange={(e) => apply({ outcome: (e.target.value || undefined) as AuditOutcome | undefined })}
          >
            <option value="">{t("audit.allOutcomes")}</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`audit.outcomes.${o}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.since}>{t("audit.since")}</label>
          <input
            id={ids.since}
            type="datetime-local"
            value={form.since}
            onChange={(e) => setForm((f) => ({ ...f, since: e.target.value }))}
          />
        </div>
        <div className="field field-actions">
          <button type="submit" className="button button-primary">
            {t("regions.apply")}
          </button>
          {hasFilters ? (
            <button type="button" className="button" onClick={() => setSearchParams(new URLSearchParams())}>
              {t("regions.reset")}
            </button>
          ) : null}
        </div>
      </form>

      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorMessage error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.items.length === 0 ? (
        <Empty>{t("audit.empty")}</Empty>
      ) : (
        <>
          <div className="table-wrap" aria-busy={events.isFetching}>
            <table className="audit">
              <caption className="visually-hidden">{t("audit.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("audit.time")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.outcome")}</th>
                  <th scope="col">{t("audit.entity")}</th>
                  <th scope="col">{t("audit.region")}</th>
                  <th scope="col">{t("audit.changes")}</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((event) => {
                  const expandable = event.before !== null || event.after !== null;
                  const isOpen = open.has(event.id);
                  const detailsId = `audit-${event.id}-details`;
                  return (
                    <Fragment key={event.id}>
                      <tr>
                        <td>
                          <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at, i18n.language)}</time>
                        </td>
                        <td className="mono">{event.actor}</td>
                        <td className="mono">{event.action}</td>
                        <td>
                          <span className={`badge ${OUTCOME_BADGE[event.outcome] ?? "badge-closed"}`}>
                            {t(`audit.outcomes.${event.outcome}`, { defaultValue: event.outcome })}
                          </span>
                        </td>
                        <td className="mono">{entityLabel(event) ?? t("common.none")}</td>
                        <td className="mono">{event.region_code ?? t("common.none")}</td>
                        <td>
                          {expandable ? (
                            <button
                              type="button"
                              className="button button-small"
                              aria-expanded={isOpen}
                              aria-controls={isOpen ? detailsId : undefined}
                              onClick={() => toggle(event.id)}
                              aria-label={`${isOpen ? t("audit.hide") : t("audit.show")} #${event.id}`}
                            >
                              {isOpen ? t("audit.hide") : t("audit.show")}
                            </button>
                          ) : (
                            t("common.none")
                          )}
                        </td>
                      </tr>
                      {isOpen ? (
                        <tr className="audit-details" id={detailsId}>
                          <td colSpan={7}>
                            <div className="two-col">
                              <JsonBlock title={t("audit.before")} value={event.before} />
                              <JsonBlock title={t("audit.after")} value={event.after} />
                            </div>
                            {event.client_addr || event.request_id ? (
                              <p className="small muted">
                                {event.client_addr ? `${t("audit.clientAddr")}: ${event.client_addr}` : null}
                                {event.client_addr && event.request_id ? " · " : null}
                                {event.request_id ? `${t("audit.requestId")}: ${event.request_id}` : null}
                              </p>
                            ) : null}
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            total={events.data.total}
            limit={events.data.limit || PAGE_SIZE}
            offset={events.data.offset}
            onChange={(offset) =>
              setSearchParams(
                toParams({ actor: filters.actor, action: filters.action, outcome: filters.outcome, since: sinceLocal, offset }),
              )
            }
          />
        </>
      )}
    </section>
  );
}

function entityLabel(event: AuditEventRead): string | null {
  if (!event.entity_type && !event.entity_id) return null;
  return [event.entity_type, event.entity_id].filter(Boolean).join(" ");
}

function JsonBlock({ title, value }: { title: string; value: Record<string, unknown> | null }) {
  const { t } = useTranslation();
  return (
    <div>
      <h3 className="json-title">{title}</h3>
      {value === null ? <p className="muted">{t("common.none")}</p> : <pre className="json">{JSON.stringify(value, null, 2)}</pre>}
    </div>
  );
}

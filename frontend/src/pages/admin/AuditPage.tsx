import { Fragment, useEffect, useId, useState, type FormEvent } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { AuditEventRead } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";
import { CardTable } from "../../components/CardTable";
import { usePageTitle } from "../../components/Layout";
import { Pager } from "../../components/Pager";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { codeLabel } from "../../components/labels";
import { formatDateTime, formatNumber } from "../../format";
import codes from "../../i18n/codes.json";
import { csvLocale } from "../../i18n/csvLocale";
import {
  AUDIT_EXPORT_LIMIT,
  AUDIT_OUTCOMES,
  auditExportUrl,
  formatLocalInput,
  parseAuditFilters,
  parseLocalInput,
  toParams,
} from "./filters";
import { useAudit, type AuditOutcome } from "./queries";

// Every action the trail can hold (from the backend's registry, via the inventory).
const ACTIONS = codes.filter((c) => c.kind === "auditAction").map((c) => c.code);

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
  const { sinceLocal, untilLocal, ...filters } = parseAuditFilters(searchParams);
  const events = useAudit(filters);
  const ids = {
    actor: useId(),
    action: useId(),
    outcome: useId(),
    since: useId(),
    until: useId(),
    hint: useId(),
    exportTitle: useId(),
  };
  const lng = i18n.language;
  const fromUrl = () => ({
    actor: filters.actor ?? "",
    action: filters.action ?? "",
    since: formatLocalInput(sinceLocal, lng),
    until: formatLocalInput(untilLocal, lng),
  });
  const [form, setForm] = useState(fromUrl);
  const [dateErrors, setDateErrors] = useState<{ since?: boolean; until?: boolean }>({});
  const urlKey = searchParams.toString();
  useEffect(() => {
    setForm(fromUrl());
    setDateErrors({});
    // Only when the URL or the language changes (back/forward, reset), not on every render.
  }, [urlKey, lng]);
  const [open, setOpen] = useState<Set<number>>(new Set());

  const apply = (patch: { outcome?: AuditOutcome; action?: string; offset?: number } = {}) => {
    const outcome = "outcome" in patch ? patch.outcome : filters.outcome;
    const since = parseLocalInput(form.since);
    const until = parseLocalInput(form.until);
    if (since === undefined || until === undefined) {
      setDateErrors({ since: since === undefined, until: until === undefined });
      return;
    }
    setDateErrors({});
    setSearchParams(
      toParams({
        actor: form.actor.trim(),
        action: ("action" in patch ? patch.action : form.action)?.trim(),
        outcome,
        since,
        until,
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
  const hasFilters = Boolean(filters.actor || filters.action || filters.outcome || sinceLocal || untilLocal);
  const total = events.data?.total;
  const tooMany = total !== undefined && total > AUDIT_EXPORT_LIMIT;
  // The exact filters of the list (not the unsent form), so the file holds what is shown.
  const exportFilters = { actor: filters.actor, action: filters.action, outcome: filters.outcome, since: filters.since, until: filters.until };

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
          <select
            id={ids.action}
            value={form.action}
            onChange={(e) => {
              setForm((f) => ({ ...f, action: e.target.value }));
              apply({ action: e.target.value });
            }}
          >
            <option value="">{t("audit.allActions")}</option>
            {/* A prefix from an older link (`user.`) stays selectable as it was sent. */}
            {form.action && !ACTIONS.includes(form.action) ? <option value={form.action}>{form.action}</option> : null}
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {codeLabel(t, "auditAction", a)}
              </option>
            ))}
          </select>
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
        {(["since", "until"] as const).map((name) => (
          <div className="field" key={name}>
            <label htmlFor={ids[name]}>{t(`audit.${name}`)}</label>
            <input
              id={ids[name]}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("audit.datePlaceholder")}
              aria-describedby={ids.hint}
              aria-invalid={dateErrors[name] ? true : undefined}
              value={form[name]}
              onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
            />
            {dateErrors[name] ? (
              <p className="field-error" role="alert">
                {t("audit.dateInvalid")}
              </p>
            ) : null}
          </div>
        ))}
        <p id={ids.hint} className="field-hint audit-date-hint">
          {t("audit.dateHint")}
        </p>
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

      <section className="panel export-links no-print" aria-labelledby={ids.exportTitle} data-testid="audit-export">
        <h2 id={ids.exportTitle} className="export-title">
          {t("audit.exportTitle")}
        </h2>
        {tooMany ? (
          <p className="small" role="status">
            {t("audit.exportTooMany", {
              total: formatNumber(total, lng),
              limit: formatNumber(AUDIT_EXPORT_LIMIT, lng),
            })}
          </p>
        ) : (
          <p className="small muted">{t("audit.exportHint")}</p>
        )}
        {tooMany ? null : (
          <ul className="export-list">
            <li>
              {(["csv", "xlsx"] as const).map((fmt) => (
                <a
                  key={fmt}
                  className="button button-small"
                  href={auditExportUrl(fmt, exportFilters, csvLocale(lng))}
                  download
                >
                  {t(`exports.${fmt}`)}
                  <span className="visually-hidden"> — {t("audit.exportTitle")}</span>
                </a>
              ))}
            </li>
          </ul>
        )}
      </section>

      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorMessage error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.items.length === 0 ? (
        <Empty>{t("audit.empty")}</Empty>
      ) : (
        <>
          <div className="table-wrap" aria-busy={events.isFetching}>
            <CardTable className="audit">
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
                        <td title={event.action} data-action={event.action}>
                          {codeLabel(t, "auditAction", event.action)}
                        </td>
                        <td>
                          <span className={`badge ${OUTCOME_BADGE[event.outcome] ?? "badge-closed"}`}>
                            {codeLabel(t, "auditOutcome", event.outcome)}
                          </span>
                        </td>
                        <td>{entityLabel(t, event) ?? t("common.none")}</td>
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
            </CardTable>
          </div>
          <Pager
            total={events.data.total}
            limit={events.data.limit || PAGE_SIZE}
            offset={events.data.offset}
            onChange={(offset) =>
              setSearchParams(
                toParams({
                  actor: filters.actor,
                  action: filters.action,
                  outcome: filters.outcome,
                  since: sinceLocal,
                  until: untilLocal,
                  offset,
                }),
              )
            }
          />
        </>
      )}
    </section>
  );
}

function entityLabel(t: TFunction, event: AuditEventRead): React.ReactNode {
  if (!event.entity_type && !event.entity_id) return null;
  return (
    <>
      {event.entity_type ? codeLabel(t, "auditEntity", event.entity_type) : null}{" "}
      {event.entity_id ? <span className="mono">{event.entity_id}</span> : null}
    </>
  );
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

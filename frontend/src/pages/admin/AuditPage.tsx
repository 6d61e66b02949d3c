import { useEffect, useId, useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { AuditEventRead } from "../../api/client";
import { FilterForm, ListPage } from "../../components/ListPage";
import { codeLabel } from "../../components/labels";
import { useUrlFilters } from "../../components/urlFilters";
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
import { useAudit, type AuditListParams, type AuditOutcome } from "./queries";

// Every action the trail can hold (from the backend's registry, via the inventory).
const ACTIONS = codes.filter((c) => c.kind === "auditAction").map((c) => c.code);

const OUTCOME_BADGE: Record<string, string> = {
  success: "badge-open",
  failure: "badge-required",
  denied: "badge-cat-kurang_siap",
  rate_limited: "badge-cat-kurang_siap",
};

type AuditFilters = ReturnType<typeof parseAuditFilters>;

/** `since` and `until` go back to the URL as the local date-times they were read from. */
function auditSearch(filters: AuditFilters): URLSearchParams {
  const { actor, action, outcome, sinceLocal, untilLocal, offset } = filters;
  return toParams({ actor, action, outcome, since: sinceLocal, until: untilLocal, offset });
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const url = useUrlFilters(parseAuditFilters, auditSearch);
  const { sinceLocal, untilLocal, ...filters } = url.filters;
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
  const urlKey = auditSearch(url.filters).toString();
  useEffect(() => {
    setForm(fromUrl());
    setDateErrors({});
    // Only when the URL or the language changes (back/forward, reset), not on every render.
  }, [urlKey, lng]);
  const [open, setOpen] = useState<Set<number>>(new Set());

  const apply = (patch: { outcome?: AuditOutcome; action?: string } = {}) => {
    const since = parseLocalInput(form.since);
    const until = parseLocalInput(form.until);
    if (since === undefined || until === undefined) {
      setDateErrors({ since: since === undefined, until: until === undefined });
      return;
    }
    setDateErrors({});
    url.apply({
      actor: form.actor.trim() || undefined,
      action: ("action" in patch ? patch.action : form.action)?.trim() || undefined,
      outcome: "outcome" in patch ? patch.outcome : filters.outcome,
      sinceLocal: since || undefined,
      untilLocal: until || undefined,
    });
  };
  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const hasFilters = Boolean(filters.actor || filters.action || filters.outcome || sinceLocal || untilLocal);

  const filterForm = (
    <FilterForm label={t("audit.filters")} onApply={apply} onReset={url.reset} hasFilters={hasFilters}>
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
    </FilterForm>
  );

  return (
    <ListPage
      name="audit"
      title={t("audit.title")}
      lead={t("audit.intro")}
      filters={filterForm}
      query={events}
      empty={t("audit.empty")}
      caption={t("audit.caption")}
      tableClassName="audit"
      paging={{ onChange: url.setOffset }}
      head={
        <>
          <th scope="col">{t("audit.time")}</th>
          <th scope="col">{t("audit.actor")}</th>
          <th scope="col">{t("audit.action")}</th>
          <th scope="col">{t("audit.outcome")}</th>
          <th scope="col">{t("audit.entity")}</th>
          <th scope="col">{t("audit.region")}</th>
          <th scope="col">{t("audit.changes")}</th>
        </>
      }
      rowKey={(event) => event.id}
      row={(event) => <AuditRow event={event} open={open.has(event.id)} onToggle={() => toggle(event.id)} />}
    >
      <AuditExport filters={filters} total={events.data?.total} headingId={ids.exportTitle} />
    </ListPage>
  );
}

/** The export links, with the exact filters of the list (not the unsent form), so the file holds what is shown. */
function AuditExport({
  filters,
  total,
  headingId,
}: {
  filters: Omit<AuditListParams, "offset">;
  total: number | undefined;
  headingId: string;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const tooMany = total !== undefined && total > AUDIT_EXPORT_LIMIT;
  const { actor, action, outcome, since, until } = filters;
  const exportFilters = { actor, action, outcome, since, until };
  return (
    <section className="panel export-links no-print" aria-labelledby={headingId} data-testid="audit-export">
      <h2 id={headingId} className="export-title">
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
              <a key={fmt} className="button button-small" href={auditExportUrl(fmt, exportFilters, csvLocale(lng))} download>
                {t(`exports.${fmt}`)}
                <span className="visually-hidden"> — {t("audit.exportTitle")}</span>
              </a>
            ))}
          </li>
        </ul>
      )}
    </section>
  );
}

/** One event, and its before/after under it once opened. */
function AuditRow({ event, open, onToggle }: { event: AuditEventRead; open: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  const expandable = event.before !== null || event.after !== null;
  const detailsId = `audit-${event.id}-details`;
  return (
    <>
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
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              onClick={onToggle}
              aria-label={`${open ? t("audit.hide") : t("audit.show")} #${event.id}`}
            >
              {open ? t("audit.hide") : t("audit.show")}
            </button>
          ) : (
            t("common.none")
          )}
        </td>
      </tr>
      {open ? (
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
    </>
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

import { useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { BulkVerifyResult, SubmissionSummary } from "../../api/client";
import { FilterForm, ListPage } from "../../components/ListPage";
import { useDraft, useUrlFilters } from "../../components/urlFilters";
import { formatDateTime, formatNumber } from "../../format";
import { toParams } from "../admin/filters";
import { LateBadge, actionErrorMessage, formatValue } from "../answers/common";
import { useOpenPeriods, useQueue, useVerifyBulk, type QueueParams } from "../answers/queries";

const rowKey = (row: { period: string; region: string; indicator: string }) =>
  `${row.period}/${row.region}/${row.indicator}`;

export function reviewPath(row: { period: string; region: string; indicator: string }): string {
  const enc = encodeURIComponent;
  return `/verifikasi/${enc(row.period)}/${enc(row.region)}/${enc(row.indicator)}`;
}

// Waiting longer than this many days: the choices of the age filter.
export const AGE_DAYS = [7, 14, 30, 90] as const;

/** ?period=&region=&agency=&dimension=&indicator=&age=&offset=; no period is the open
 * periods, `period=all` every period. */
export function parseQueueFilters(params: URLSearchParams): QueueParams {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const offset = Number(params.get("offset"));
  const region = text("region");
  const age = Number(params.get("age"));
  return {
    period: text("period"),
    region: region && /^\d{2}(\.\d{2,4}){0,3}$/.test(region) ? region : undefined,
    agency: text("agency"),
    dimension: text("dimension"),
    indicator: text("indicator"),
    older_than_days: Number.isInteger(age) && age > 0 ? age : undefined,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

export function queueSearch(filters: QueueParams): URLSearchParams {
  const { older_than_days, ...rest } = filters;
  return toParams({ ...rest, age: older_than_days });
}

/** /verifikasi — submitted answers waiting for review in open periods, oldest first. */
export function ReviewQueuePage() {
  const { t, i18n } = useTranslation();
  const url = useUrlFilters(parseQueueFilters, queueSearch);
  const { filters } = url;
  const queue = useQueue(filters);
  const bulk = useVerifyBulk();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<BulkVerifyResult | null>(null);

  const rows = useMemo(() => queue.data?.items ?? [], [queue.data]);
  // Forget selections of rows that left the page (verified, filtered out).
  useEffect(() => {
    setSelected((old) => {
      const present = new Set(rows.map(rowKey));
      const next = new Set([...old].filter((k) => present.has(k)));
      return next.size === old.size ? old : next;
    });
  }, [rows]);

  const apply = (patch: Partial<QueueParams>) => {
    url.apply(patch);
    setResult(null);
  };
  const hasFilters = Boolean(
    filters.period || filters.region || filters.agency || filters.dimension || filters.indicator || filters.older_than_days,
  );
  const byRegion = queue.data?.by_region ?? [];

  const toggle = (row: SubmissionSummary) =>
    setSelected((old) => {
      const next = new Set(old);
      const k = rowKey(row);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(rowKey(r)));

  const verifySelected = () => {
    const items = rows
      .filter((r) => selected.has(rowKey(r)))
      .map((r) => ({ period: r.period, region: r.region, indicator: r.indicator, etag: r.etag }));
    if (items.length === 0) return;
    setResult(null);
    bulk.mutate(items, {
      onSuccess: (data) => {
        setResult(data);
        setSelected(new Set());
      },
    });
  };

  const failures = result?.items.filter((i) => i.code !== "verified") ?? [];

  return (
    <ListPage
      name="review"
      title={t("review.title")}
      lead={t("review.intro")}
      filters={<QueueFilters filters={filters} apply={apply} onReset={url.reset} hasFilters={hasFilters} />}
      query={queue}
      empty={hasFilters ? t("review.emptyFiltered") : t("review.empty")}
      caption={t("review.caption")}
      paging={{ onChange: (offset) => apply({ offset }) }}
      toolbar={
        <div className="toolbar no-print">
          <button
            type="button"
            className="button button-primary"
            disabled={selected.size === 0 || bulk.isPending}
            aria-busy={bulk.isPending}
            onClick={verifySelected}
          >
            {t("review.verifySelected", { count: selected.size })}
          </button>
        </div>
      }
      head={
        <>
          <th scope="col">
            <input
              type="checkbox"
              checked={allSelected}
              aria-label={t("review.selectAll")}
              onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map(rowKey)))}
            />
          </th>
          <th scope="col">{t("tasks.indicator")}</th>
          <th scope="col">{t("tasks.region")}</th>
          <th scope="col">{t("tasks.value")}</th>
          <th scope="col">{t("tasks.evidence")}</th>
          <th scope="col">{t("review.submittedAt")}</th>
        </>
      }
      rowKey={rowKey}
      row={(row) => (
        <tr data-key={rowKey(row)}>
          <td>
            <input
              type="checkbox"
              checked={selected.has(rowKey(row))}
              onChange={() => toggle(row)}
              aria-label={t("review.select", { indicator: row.indicator, region: row.region_name })}
            />
          </td>
          <td>
            <Link to={reviewPath(row)}>
              <span className="mono">{row.indicator}</span> {row.indicator_name}
            </Link>
            <div className="muted small mono">{row.period}</div>
          </td>
          <td>
            {row.region_name} <span className="mono muted">{row.region}</span>
            {row.agency ? <div className="muted small mono">{row.agency}</div> : null}
          </td>
          <td>{formatValue(t, i18n.language, row.answer_type, row.value)}</td>
          <td>{formatNumber(row.evidence_count, i18n.language)}</td>
          <td>
            {row.submitted_at ? formatDateTime(row.submitted_at, i18n.language) : t("common.none")}{" "}
            {row.is_late ? <LateBadge /> : null}
          </td>
        </tr>
      )}
    >
      {byRegion.length > 0 ? (
        <nav className="toolbar region-counts no-print" aria-label={t("review.byRegion")}>
          {byRegion.map((c) => (
            <button
              key={c.region}
              type="button"
              className="button button-small"
              aria-pressed={filters.region === c.region}
              onClick={() => apply({ region: filters.region === c.region ? undefined : c.region })}
            >
              {t("review.regionCount", { name: c.region_name, n: formatNumber(c.count, i18n.language) })}
            </button>
          ))}
        </nav>
      ) : null}

      {result ? (
        <div className={`status ${result.failed > 0 ? "status-warn" : "status-ok"}`} role="status">
          <p>
            {t("review.bulkResult", {
              verified: formatNumber(result.verified, i18n.language),
              failed: formatNumber(result.failed, i18n.language),
            })}
          </p>
          {failures.length > 0 ? (
            <ul>
              {failures.map((f) => (
                <li key={rowKey(f)}>
                  <span className="mono">{rowKey(f)}</span>: {t(`answerErrors.${f.code}`, { defaultValue: f.code })}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {bulk.isError ? (
        <div className="status status-error" role="alert">
          <p>{actionErrorMessage(t, bulk.error)}</p>
        </div>
      ) : null}
    </ListPage>
  );
}

/** The queue's filters: period and age apply at once, the typed codes on "Apply". */
function QueueFilters({
  filters,
  apply,
  onReset,
  hasFilters,
}: {
  filters: QueueParams;
  apply: (patch: Partial<QueueParams>) => void;
  onReset: () => void;
  hasFilters: boolean;
}) {
  const { t } = useTranslation();
  const periods = useOpenPeriods();
  const ids = { period: useId(), region: useId(), agency: useId(), dimension: useId(), indicator: useId(), age: useId() };
  const [region, setRegion] = useDraft(filters.region);
  const [agency, setAgency] = useDraft(filters.agency);
  const [dimension, setDimension] = useDraft(filters.dimension);
  const [indicator, setIndicator] = useDraft(filters.indicator);
  const onApply = () =>
    apply({
      region: region.trim() || undefined,
      agency: agency.trim() || undefined,
      dimension: dimension.trim() || undefined,
      indicator: indicator.trim() || undefined,
    });
  return (
    <FilterForm label={t("review.filters")} onApply={onApply} onReset={onReset} hasFilters={hasFilters}>
      <div className="field">
        <label htmlFor={ids.period}>{t("tasks.period")}</label>
        <select id={ids.period} value={filters.period ?? ""} onChange={(e) => apply({ period: e.target.value || undefined })}>
          <option value="">{t("review.openPeriods")}</option>
          <option value="all">{t("review.allPeriods")}</option>
          {(periods.data?.items ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {p.name} ({p.code})
            </option>
          ))}
          {filters.period && filters.period !== "all" && !periods.data?.items.some((p) => p.code === filters.period) ? (
            <option value={filters.period}>{filters.period}</option>
          ) : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.region}>{t("tasks.region")}</label>
        <input id={ids.region} type="text" placeholder="64.72" value={region} onChange={(e) => setRegion(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.agency}>{t("review.agency")}</label>
        <input id={ids.agency} type="text" placeholder="64.72.kesbangpol" value={agency} onChange={(e) => setAgency(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.dimension}>{t("review.dimension")}</label>
        <input id={ids.dimension} type="text" placeholder="K1" value={dimension} onChange={(e) => setDimension(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.indicator}>{t("tasks.indicator")}</label>
        <input id={ids.indicator} type="text" placeholder="K1.01" value={indicator} onChange={(e) => setIndicator(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.age}>{t("review.age")}</label>
        <select
          id={ids.age}
          value={filters.older_than_days ?? ""}
          onChange={(e) => apply({ older_than_days: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">{t("review.anyAge")}</option>
          {AGE_DAYS.map((days) => (
            <option key={days} value={days}>
              {t("review.olderThan", { count: days })}
            </option>
          ))}
          {filters.older_than_days && !(AGE_DAYS as readonly number[]).includes(filters.older_than_days) ? (
            <option value={filters.older_than_days}>{t("review.olderThan", { count: filters.older_than_days })}</option>
          ) : null}
        </select>
      </div>
    </FilterForm>
  );
}

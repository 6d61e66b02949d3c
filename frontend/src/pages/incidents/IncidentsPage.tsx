import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useRegions } from "../../api/queries";
import { useMe } from "../../auth/session";
import { FilterForm, ListPage } from "../../components/ListPage";
import { useUrlFilters } from "../../components/urlFilters";
import { formatDateTimeInZone } from "../../format";
import { csvLocale } from "../../i18n/csvLocale";
import { toParams } from "../admin/filters";
import {
  CATEGORIES,
  LevelBadge,
  OverdueBadge,
  SEVERITIES,
  STATES,
  SeverityBadge,
  StateBadge,
  categoryLabel,
  incidentPath,
  mayFileIncident,
  severityLabel,
  stateLabel,
} from "./common";
import {
  incidentsExportUrl,
  useIncidents,
  type IncidentCategory,
  type IncidentFilters,
  type IncidentSeverity,
  type IncidentState,
} from "./queries";

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

function day(value: string | null): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

/** ?region=&category=&severity=&state=&since=&until=&overdue=1&all=1&offset=; junk is ignored. */
export function parseIncidentFilters(params: URLSearchParams): IncidentFilters & { offset: number } {
  const region = params.get("region")?.trim();
  const offset = Number(params.get("offset"));
  return {
    region: region && /^\d{2}(\.\d{2,4}){0,3}$/.test(region) ? region : undefined,
    category: oneOf(CATEGORIES, params.get("category")),
    severity: oneOf(SEVERITIES, params.get("severity")),
    state: oneOf(STATES, params.get("state")),
    since: day(params.get("since")),
    until: day(params.get("until")),
    overdue: params.get("overdue") === "1" ? true : undefined,
    all: params.get("all") === "1" ? true : undefined,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

export function incidentSearch(filters: IncidentFilters): URLSearchParams {
  return toParams({
    region: filters.region,
    category: filters.category,
    severity: filters.severity,
    state: filters.state,
    since: filters.since,
    until: filters.until,
    overdue: filters.overdue ? "1" : undefined,
    all: filters.all ? "1" : undefined,
    offset: filters.offset,
  });
}

/** /laporan-cepat — the quick incident reports in the reader's scope, newest first. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const url = useUrlFilters(parseIncidentFilters, incidentSearch);
  const { filters } = url;
  const { data: me } = useMe({ fetch: false });
  const incidents = useIncidents(filters);
  const { offset: _offset, ...rest } = filters;
  const hasFilters = Object.values(rest).some((v) => v !== undefined);
  const locale = csvLocale(i18n.language);
  return (
    <ListPage
      name="incidents"
      title={t("incidents.title")}
      lead={t("incidents.intro")}
      actions={
        <div className="incident-list-actions no-print">
          {mayFileIncident(me) ? (
            <Link to="/laporan-cepat/baru" className="button button-primary" data-testid="new-incident">
              {t("incidents.new")}
            </Link>
          ) : null}
          <a className="button button-small" href={incidentsExportUrl("csv", filters, locale)} download>
            {t("exports.csv")}
          </a>
          <a className="button button-small" href={incidentsExportUrl("xlsx", filters)} download>
            {t("exports.xlsx")}
          </a>
        </div>
      }
      filters={<Filters filters={filters} apply={url.apply} onReset={url.reset} hasFilters={hasFilters} />}
      query={incidents}
      empty={hasFilters ? t("incidents.emptyFiltered") : t("incidents.empty")}
      caption={t("incidents.caption")}
      paging={{ onChange: url.setOffset }}
      tableTestId="incidents-table"
      head={
        <>
          <th scope="col">{t("incidents.incident")}</th>
          <th scope="col">{t("incidents.severity")}</th>
          <th scope="col">{t("incidents.state")}</th>
          <th scope="col">{t("incidents.occurredAt")}</th>
        </>
      }
      rowKey={(row) => row.number}
      row={(row) => (
        <tr>
          <th scope="row">
            <Link to={incidentPath(row.number)}>{row.title}</Link>
            <div className="muted small">
              <span className="mono">{row.number}</span> · {row.region_name} · {categoryLabel(t, row.category)}
            </div>
          </th>
          <td>
            <SeverityBadge severity={row.severity} />
          </td>
          <td>
            <StateBadge state={row.state} /> <OverdueBadge overdue={row.overdue} /> <LevelBadge level={row.level} />
          </td>
          <td>
            <time dateTime={row.occurred_at}>{formatDateTimeInZone(row.occurred_at, i18n.language, row.time_zone)}</time>
          </td>
        </tr>
      )}
    />
  );
}

function Filters({
  filters,
  apply,
  onReset,
  hasFilters,
}: {
  filters: IncidentFilters;
  apply: (patch: Partial<IncidentFilters>) => void;
  onReset: () => void;
  hasFilters: boolean;
}) {
  const { t } = useTranslation();
  const { data: me } = useMe({ fetch: false });
  const ownPemda = me?.role === "coordinator" || me?.role === "operator";
  const national = Boolean(me && !me.region_code);
  const regions = useRegions({ limit: 500, parent: me?.region_code ?? undefined });
  const ids = {
    region: useId(), category: useId(), severity: useId(), state: useId(), since: useId(), until: useId(),
  };  // prettier-ignore
  return (
    <FilterForm label={t("incidents.filters")} onReset={onReset} hasFilters={hasFilters} applyButton={false}>
      {ownPemda ? null : (
        <div className="field">
          <label htmlFor={ids.region}>{t("incidents.region")}</label>
          <select id={ids.region} value={filters.region ?? ""} onChange={(e) => apply({ region: e.target.value || undefined })}>
            <option value="">{t("incidents.allRegions")}</option>
            {me?.region_code ? <option value={me.region_code}>{me.region_name ?? me.region_code}</option> : null}
            {(regions.data?.items ?? []).map((r) => (
              <option key={r.code} value={r.code}>
                {r.name} ({r.code})
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.category}>{t("incidents.category")}</label>
        <select
          id={ids.category}
          value={filters.category ?? ""}
          onChange={(e) => apply({ category: (e.target.value || undefined) as IncidentCategory | undefined })}
        >
          <option value="">{t("incidents.allCategories")}</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(t, c)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.severity}>{t("incidents.severity")}</label>
        <select
          id={ids.severity}
          value={filters.severity ?? ""}
          onChange={(e) => apply({ severity: (e.target.value || undefined) as IncidentSeverity | undefined })}
        >
          <option value="">{t("incidents.allSeverities")}</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {severityLabel(t, s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.state}>{t("incidents.state")}</label>
        <select
          id={ids.state}
          value={filters.state ?? ""}
          onChange={(e) => apply({ state: (e.target.value || undefined) as IncidentState | undefined })}
        >
          <option value="">{t("incidents.allStates")}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(t, s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.since}>{t("incidents.since")}</label>
        <input id={ids.since} type="date" value={filters.since ?? ""} onChange={(e) => apply({ since: e.target.value || undefined })} />
      </div>
      <div className="field">
        <label htmlFor={ids.until}>{t("incidents.until")}</label>
        <input id={ids.until} type="date" value={filters.until ?? ""} onChange={(e) => apply({ until: e.target.value || undefined })} />
      </div>
      <label className="radio">
        <input
          type="checkbox"
          checked={Boolean(filters.overdue)}
          onChange={(e) => apply({ overdue: e.target.checked || undefined })}
        />{" "}
        {t("incidents.onlyOverdue")}
      </label>
      {national ? (
        <label className="radio">
          <input type="checkbox" checked={Boolean(filters.all)} onChange={(e) => apply({ all: e.target.checked || undefined })} />{" "}
          {t("incidents.showAll")}
        </label>
      ) : null}
    </FilterForm>
  );
}

import { useId } from "react";
import { useTranslation } from "react-i18next";
import { usePeriods } from "../../api/queries";
import { FilterForm, ListPage } from "../../components/ListPage";
import { useUrlFilters } from "../../components/urlFilters";
import { toParams } from "../admin/filters";
import { REPORT_STATES, ReportCells, ReportHeadCells, reportStateLabel } from "./common";
import { useReports, type ReportListParams, type ReportState } from "./queries";

/** ?period=&state=&offset=; junk is ignored. */
export function parseReportFilters(params: URLSearchParams): ReportListParams & { offset: number } {
  const period = params.get("period")?.trim() || undefined;
  const state = params.get("state") as ReportState | null;
  const offset = Number(params.get("offset"));
  return {
    period,
    state: state && REPORT_STATES.includes(state) ? state : undefined,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

export function reportSearch(filters: ReportListParams): URLSearchParams {
  return toParams({ period: filters.period, state: filters.state, offset: filters.offset });
}

/** /laporan — the Pemda reports in the reader's scope, newest period first. */
export function ReportsPage() {
  const { t } = useTranslation();
  const url = useUrlFilters(parseReportFilters, reportSearch);
  const { filters } = url;
  const reports = useReports(filters);
  const hasFilters = Boolean(filters.period || filters.state);
  return (
    <ListPage
      name="reports"
      title={t("reports.title")}
      lead={t("reports.intro")}
      filters={<ReportFilters filters={filters} apply={url.apply} onReset={url.reset} hasFilters={hasFilters} />}
      query={reports}
      empty={hasFilters ? t("reports.emptyFiltered") : t("reports.empty")}
      caption={t("reports.caption")}
      paging={{ onChange: url.setOffset }}
      tableTestId="reports-table"
      head={<ReportHeadCells />}
      rowKey={(row) => `${row.region}/${row.period}`}
      row={(row) => (
        <tr>
          <ReportCells row={row} />
        </tr>
      )}
    />
  );
}

function ReportFilters({
  filters,
  apply,
  onReset,
  hasFilters,
}: {
  filters: ReportListParams;
  apply: (patch: Partial<ReportListParams>) => void;
  onReset: () => void;
  hasFilters: boolean;
}) {
  const { t } = useTranslation();
  const periods = usePeriods();
  const ids = { period: useId(), state: useId() };
  const items = periods.data?.items ?? [];
  return (
    <FilterForm label={t("reports.filters")} onReset={onReset} hasFilters={hasFilters} applyButton={false}>
      <div className="field">
        <label htmlFor={ids.period}>{t("tasks.period")}</label>
        <select id={ids.period} value={filters.period ?? ""} onChange={(e) => apply({ period: e.target.value || undefined })}>
          <option value="">{t("reports.allPeriods")}</option>
          {items.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name} ({p.code})
            </option>
          ))}
          {filters.period && !items.some((p) => p.code === filters.period) ? (
            <option value={filters.period}>{filters.period}</option>
          ) : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.state}>{t("reports.state")}</label>
        <select
          id={ids.state}
          value={filters.state ?? ""}
          onChange={(e) => apply({ state: (e.target.value || undefined) as ReportState | undefined })}
        >
          <option value="">{t("reports.allStates")}</option>
          {REPORT_STATES.map((s) => (
            <option key={s} value={s}>
              {reportStateLabel(t, s)}
            </option>
          ))}
        </select>
      </div>
    </FilterForm>
  );
}

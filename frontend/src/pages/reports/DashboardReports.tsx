import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { useRegions } from "../../api/queries";
import { formatNumber } from "../../format";
import { formatPercent } from "../dashboard/readiness";
import { ReportStateBadge, ReportTimelinessBadge, reportPath } from "./common";
import { useAllReports, type ReportState } from "./queries";

/** A Pemda has reported once its report is sent and not back with it (returned or draft). */
const SENT = new Set<string>(["submitted", "accepted"]);

/** One Pemda's report as the dashboard shows it: its state (null: not written) and timeliness. */
export interface PemdaReportRow {
  region: string;
  name: string;
  state: ReportState | null;
  /** On time by its first submission; null: never submitted. */
  onTime: boolean | null;
}

/** The score table's rows carry each Pemda's report (GET /scores): no second request. */
export function reportRowsOf(
  items: readonly Pick<Schemas["PemdaScore"], "region" | "name" | "report_state" | "report_on_time">[],
): PemdaReportRow[] {
  return items.map((i) => ({ region: i.region, name: i.name, state: i.report_state, onTime: i.report_on_time }));
}

/**
 * Which Pemda have sent their report for the period, and on time: the Pemda of the
 * dashboard's view (a province and its regencies and cities, or the provinces), each
 * with its report's state.
 */
export function DashboardReports({
  period,
  national = false,
  rows,
}: {
  period: string;
  /** The nation's view, whose Pemda are the provinces. */
  national?: boolean;
  rows: readonly PemdaReportRow[];
}) {
  const { t, i18n } = useTranslation();
  if (rows.length === 0) return null;
  const sent = rows.filter((r) => r.state !== null && SENT.has(r.state));
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <section aria-labelledby="dash-reports-title" className="panel" data-testid="dashboard-reports">
      <h2 id="dash-reports-title">{t("reports.dashboardTitle")}</h2>
      <p>
        {t(national ? "reports.dashboardProvinces" : "reports.dashboardSummary", {
          sent: n(sent.length),
          total: n(rows.length),
          accepted: n(sent.filter((r) => r.state === "accepted").length),
          late: n(sent.filter((r) => r.onTime === false).length),
        })}
      </p>
      <ul className="report-chips">
        {rows.map((row) => (
          <li key={row.region}>
            <Link to={reportPath({ region: row.region, period })}>{row.name}</Link>
            {row.state ? (
              <>
                <ReportStateBadge state={row.state} />
                {row.onTime !== null ? <ReportTimelinessBadge onTime={row.onTime} /> : null}
              </>
            ) : (
              <span className="badge badge-report-draft">{t("reports.dashboardNone")}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The national view before a province is chosen: which provinces have reported. */
export function NationalReports({ period }: { period: string }) {
  const provinces = useRegions({ level: "province", limit: 100 });
  // Unwritten reports are simply absent from the API's list.
  const reports = useAllReports(period);
  if (!reports.isSuccess) return null;
  const byRegion = new Map(reports.data.map((r) => [r.region, r]));
  const rows = (provinces.data?.items ?? []).map((p): PemdaReportRow => {
    const report = byRegion.get(p.code);
    return {
      region: p.code,
      name: p.name,
      state: report?.state ?? null,
      onTime: report?.first_submitted_at ? !report.late : null,
    };
  });
  return <DashboardReports period={period} national rows={rows} />;
}

/**
 * The subtree's report timeliness among the dashboard's summary figures (scoring.md):
 * whose report's first submission arrived on time, late, or not at all yet.
 */
export function ReportTimelinessStat({ summary }: { summary: Schemas["SubtreeSummary"] }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <div className="stat" data-testid="report-timeliness">
      <dt>{t("dashboard.reportsOnTime")}</dt>
      <dd>
        <span className="stat-value num">
          {t("dashboard.reportsOnTimeOf", { onTime: n(summary.reports_on_time), total: n(summary.count) })}
        </span>
        {summary.report_timeliness !== null ? (
          <span className="stat-text num">{formatPercent(summary.report_timeliness, i18n.language)}</span>
        ) : null}
        <span className="stat-note">
          {t("dashboard.reportsLate", { value: n(summary.reports_late) })} ·{" "}
          {t("dashboard.notReported", { value: n(summary.not_reported) })}
        </span>
      </dd>
    </div>
  );
}

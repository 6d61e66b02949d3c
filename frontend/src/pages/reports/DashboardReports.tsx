import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useRegions } from "../../api/queries";
import { formatNumber } from "../../format";
import { ReportLateBadge, ReportStateBadge, reportPath } from "./common";
import { useAllReports, type ReportSummary } from "./queries";

/** A Pemda has reported once its report is sent and not back with it (returned or draft). */
const SENT = new Set(["submitted", "accepted"]);

/**
 * Which Pemda have sent their report for the period, and on time: the Pemda of the
 * dashboard's view (a province and its regencies and cities, or the provinces), each
 * with its report's state. Unwritten reports are simply absent from the API's list.
 */
export function DashboardReports({
  period,
  root,
  pemda,
}: {
  period: string;
  /** The subtree asked for; none: the nation, whose Pemda are the provinces. */
  root?: string;
  pemda: readonly { region: string; name: string }[];
}) {
  const { t, i18n } = useTranslation();
  const reports = useAllReports(period, root);
  if (!reports.isSuccess || pemda.length === 0) return null;
  const byRegion = new Map<string, ReportSummary>(reports.data.map((r) => [r.region, r]));
  const rows = pemda.map((p) => ({ ...p, report: byRegion.get(p.region) }));
  const sent = rows.filter((r) => r.report && SENT.has(r.report.state));
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <section aria-labelledby="dash-reports-title" className="panel" data-testid="dashboard-reports">
      <h2 id="dash-reports-title">{t("reports.dashboardTitle")}</h2>
      <p>
        {t(root ? "reports.dashboardSummary" : "reports.dashboardProvinces", {
          sent: n(sent.length),
          total: n(rows.length),
          accepted: n(sent.filter((r) => r.report?.state === "accepted").length),
          late: n(sent.filter((r) => r.report?.late).length),
        })}
      </p>
      <ul className="report-chips">
        {rows.map((row) => (
          <li key={row.region}>
            <Link to={reportPath({ region: row.region, period })}>{row.name}</Link>
            {row.report ? (
              <>
                <ReportStateBadge state={row.report.state} />
                {row.report.first_submitted_at ? <ReportLateBadge late={row.report.late} /> : null}
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
  const pemda = (provinces.data?.items ?? []).map((p) => ({ region: p.code, name: p.name }));
  return <DashboardReports period={period} pemda={pemda} />;
}

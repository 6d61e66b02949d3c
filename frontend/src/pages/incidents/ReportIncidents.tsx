import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { formatNumber } from "../../format";
import { CATEGORIES, SEVERITIES, SeverityBadge, categoryLabel } from "./common";

type PeriodIncidents = Schemas["PeriodIncidents"];

/**
 * A report's quarter in quick incident reports (the Pemda's own; a province's with its
 * regencies' and cities'), as the report GET carries it: how many, how many still
 * open or escalated, by category and by severity.
 */
export function ReportIncidents({
  incidents,
  region,
  since,
  until,
}: {
  incidents: PeriodIncidents;
  region: string;
  since?: string;
  until?: string;
}) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatNumber(value, i18n.language);
  const query = new URLSearchParams({ region, ...(since ? { since } : {}), ...(until ? { until } : {}) });
  return (
    <section aria-labelledby="report-incidents-title" className="panel" data-testid="report-incidents">
      <h2 id="report-incidents-title">{t("incidents.report.title")}</h2>
      {incidents.total === 0 ? (
        <p className="muted">{t("incidents.report.none")}</p>
      ) : (
        <>
          <p>
            {t("incidents.report.summary", {
              total: n(incidents.total),
              open: n(incidents.open),
              escalated: n(incidents.escalated),
            })}{" "}
            <Link to={`/laporan-cepat?${query.toString()}`}>{t("incidents.seeList")}</Link>
          </p>
          <ul className="report-chips">
            {SEVERITIES.filter((s) => incidents.by_severity[s]).map((s) => (
              <li key={s}>
                <SeverityBadge severity={s} /> <strong className="num">{n(incidents.by_severity[s] ?? 0)}</strong>
              </li>
            ))}
          </ul>
          <ul className="report-chips">
            {CATEGORIES.filter((c) => incidents.by_category[c]).map((c) => (
              <li key={c}>
                {categoryLabel(t, c)} <strong className="num">{n(incidents.by_category[c] ?? 0)}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

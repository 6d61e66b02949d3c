import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CardTable } from "../../components/CardTable";
import { Disclosure } from "../../components/Disclosure";
import { QueryView } from "../../components/ListPage";
import { Empty } from "../../components/QueryState";
import { intlLocale } from "../../i18n";
import { formatNumber } from "../../format";
import { CATEGORIES, categoryLabel } from "./common";
import { useIncidentSummary, type IncidentCounts } from "./queries";

/** `2024-02` as "Feb 2024" in the reader's language. */
export function monthLabel(month: string, lng: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return new Intl.DateTimeFormat(intlLocale(lng), { month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}

export interface MonthRow {
  month: string;
  counts: Partial<Record<string, number>>;
  total: number;
}

/** The API's (month, category, count) cells as one row per month, newest first. */
export function byMonth(counts: IncidentCounts["by_month"]): MonthRow[] {
  const rows = new Map<string, MonthRow>();
  for (const cell of counts) {
    const row = rows.get(cell.month) ?? { month: cell.month, counts: {}, total: 0 };
    row.counts[cell.category] = (row.counts[cell.category] ?? 0) + cell.count;
    row.total += cell.count;
    rows.set(cell.month, row);
  }
  return [...rows.values()].sort((a, b) => b.month.localeCompare(a.month));
}

/** The region page's incidents: how many per category and month (the region and below). */
export function RegionIncidents({ code }: { code: string }) {
  const { t, i18n } = useTranslation();
  const summary = useIncidentSummary({ region: code });
  const lng = i18n.language;
  const n = (value: number | undefined) => (value ? formatNumber(value, lng) : "·");
  return (
    <Disclosure title={t("incidents.regionTitle")} headingId="region-incidents-title">
      <QueryView query={summary}>
        {(data) => {
          const rows = byMonth(data.by_month);
          if (rows.length === 0) return <Empty>{t("incidents.regionEmpty")}</Empty>;
          const used = CATEGORIES.filter((c) => rows.some((r) => r.counts[c]));
          return (
            <>
              <p>
                {t("incidents.regionTotal", { total: formatNumber(data.total, lng), overdue: formatNumber(data.overdue, lng) })}{" "}
                <Link to={`/laporan-cepat?region=${encodeURIComponent(code)}`}>{t("incidents.seeList")}</Link>
              </p>
              <div className="table-wrap">
                <CardTable data-testid="region-incidents">
                  <caption className="visually-hidden">{t("incidents.regionTitle")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("incidents.month")}</th>
                      {used.map((c) => (
                        <th key={c} scope="col">
                          {categoryLabel(t, c)}
                        </th>
                      ))}
                      <th scope="col">{t("incidents.total")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.month}>
                        <th scope="row">{monthLabel(row.month, lng)}</th>
                        {used.map((c) => (
                          <td key={c} className="num">
                            {n(row.counts[c])}
                          </td>
                        ))}
                        <td className="num">
                          <strong>{n(row.total)}</strong>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </CardTable>
              </div>
            </>
          );
        }}
      </QueryView>
    </Disclosure>
  );
}

import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CardTable } from "../../components/CardTable";
import { levelLabel } from "../../components/labels";
import { formatNumber } from "../../format";
import { ReportTimelinessBadge } from "../reports/common";
import type { DashboardFilters } from "./filters";
import { defaultDir, formatPercent, formatScore, sortScores, type ScoreTable, type SortKey } from "./readiness";
import { CategoryBadge, ChangeCell } from "./widgets";

// The dashboard's ranking: ranks are within each level (the header says so), changes
// against the previous closed period (named in the header), starred while provisional.

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: "name", label: "dashboard.col.name", numeric: false },
  { key: "readiness", label: "dashboard.col.readiness", numeric: true },
  { key: "completeness", label: "dashboard.col.completeness", numeric: true },
  { key: "verification_rate", label: "dashboard.col.verification", numeric: true },
  // The timeliness the centre judges: the Pemda report's (scoring.md); the answers' own
  // timeliness is the agencies' measure, shown on the region page.
  { key: "timeliness", label: "dashboard.col.report", numeric: false },
];

export function RankingTable({
  table,
  filters,
  query,
  onChange,
}: {
  table: ScoreTable;
  filters: DashboardFilters;
  query: string;
  onChange: (change: Partial<DashboardFilters>) => void;
}) {
  const { t, i18n } = useTranslation();
  const { items, provisional, previous_period: previous } = table;
  const rows = useMemo(
    () => sortScores(items, filters.sort, filters.dir, i18n.language),
    [items, filters.sort, filters.dir, i18n.language],
  );
  const sortBy = (key: SortKey) => {
    if (key === filters.sort) onChange({ dir: filters.dir === "asc" ? "desc" : "asc" });
    else onChange({ sort: key, dir: defaultDir(key) });
  };
  const header = (column: (typeof COLUMNS)[number]) => {
    const active = column.key === filters.sort;
    return (
      <th
        key={column.key}
        scope="col"
        className={column.numeric ? "num" : undefined}
        aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : undefined}
      >
        <button type="button" className="sort-button" onClick={() => sortBy(column.key)}>
          {t(column.label)}
          <span aria-hidden="true" className="sort-icon">
            {active ? (filters.dir === "asc" ? " ↑" : " ↓") : " ↕"}
          </span>
        </button>
      </th>
    );
  };
  const [nameCol, rCol, ...rest] = COLUMNS;
  return (
    <section aria-labelledby="ranking-title">
      <h2 id="ranking-title">{t("dashboard.ranking")}</h2>
      <div className="table-wrap">
        <CardTable className="ranking" data-testid="ranking">
          <caption className="visually-hidden">
            {t("dashboard.rankingCaption", { column: t(COLUMNS.find((c) => c.key === filters.sort)!.label) })}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="num col-rank">{t("dashboard.col.rank")}</th>
              {header(nameCol!)}
              <th scope="col">{t("dashboard.col.level")}</th>
              {header(rCol!)}
              <th scope="col">{t("dashboard.col.category")}</th>
              <th scope="col" className="num col-change">
                <ChangeHeader previous={previous} provisional={provisional} />
              </th>
              {rest.map(header)}
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <tr key={item.region} data-region={item.region}>
                <td className="num">{formatNumber(item.rank, i18n.language)}</td>
                <th scope="row">
                  <Link to={`/wilayah/${encodeURIComponent(item.region)}${query}`}>{item.name}</Link>
                  {item.level === "province" ? (
                    <span className="own-tag small muted" data-testid="own-tag">
                      {" "}
                      ({t("dashboard.ownTag")})
                    </span>
                  ) : null}
                </th>
                <td>{levelLabel(t, item.level)}</td>
                <td className="num strong">{formatScore(item.readiness, i18n.language)}</td>
                <td>
                  <CategoryBadge category={item.category} />
                </td>
                <td className="num">
                  <ChangeCell item={item} provisional={provisional} />
                </td>
                <td className="num">{formatPercent(item.completeness, i18n.language)}</td>
                <td className="num">{formatPercent(item.verification_rate, i18n.language)}</td>
                <td className="col-report">
                  <ReportTimelinessBadge onTime={item.report_on_time} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </CardTable>
      </div>
      <p className="muted small">
        {t("dashboard.rankNote")} {t("dashboard.reportNote")}{" "}
        {previous ? t("dashboard.changeNote", { period: previous }) : t("dashboard.changeNoteNone")}
        {provisional && previous ? ` ${t("dashboard.changeNoteProvisional")}` : ""}
      </p>
    </section>
  );
}

/** "Perubahan sejak 2023-Q3*": the period code (and the provisional star) never broken at its hyphen. */
function ChangeHeader({ previous, provisional }: { previous: string | null; provisional: boolean }) {
  const { t } = useTranslation();
  if (!previous) return <>{t("dashboard.col.change")}</>;
  const mark = "\u0001";
  const [before = "", after = ""] = t("dashboard.col.changeSince", { period: mark }).split(mark);
  return (
    <>
      {before}
      <span style={{ whiteSpace: "nowrap" }}>
        {previous}
        {provisional ? "*" : ""}
      </span>
      {after}
    </>
  );
}

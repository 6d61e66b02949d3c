import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useFramework, usePeriods, useRegions } from "../../api/queries";
import { useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { formatNumber } from "../../format";
import { ExportLinks } from "../exports/ExportLinks";
import { DashboardReports, NationalReports, ReportTimelinessStat, reportRowsOf } from "../reports/DashboardReports";
import { IncidentMapLayer } from "../incidents/IncidentMapLayer";
import { ChoroplethMap } from "./ChoroplethMap";
import {
  dashboardFiltersToParams,
  parseDashboardFilters,
  periodViewQuery,
  type DashboardFilters,
} from "./filters";
import { useBoundaries, useScoreTable, useScoreTrend } from "./queries";
import {
  CATEGORIES,
  defaultPeriod,
  dimensionCodes,
  formatScore,
  meanDimensions,
  ownScoreLabel,
  scoredPeriods,
  VIEWS,
  type PemdaScore,
  type ScoreTable,
} from "./readiness";
import { RankingTable } from "./RankingTable";
import { CategoryBadge, CategoryLegend, ProvisionalNotice, ScoreBar, TileGrid, TrendBars } from "./widgets";
import "./scores.css";

/** The category whose threshold the value reaches (the thresholds of the table's framework). */
export function categoryOf(value: number | null, categories: ScoreTable["summary"]["categories"]): string | null {
  if (value === null) return null;
  return [...categories].sort((a, b) => b.min_score - a.min_score).find((c) => value >= c.min_score)?.category ?? null;
}

export function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t("dashboard.title"));
  const [params, setParams] = useSearchParams();
  const filters = parseDashboardFilters(params);
  const { data: me } = useMe();
  const periods = usePeriods();
  const national = Boolean(me && !me.region_code);
  const root = filters.region ?? me?.region_code ?? undefined;
  const choices = useMemo(() => scoredPeriods(periods.data?.items ?? []), [periods.data]);
  const period = filters.period ?? defaultPeriod(choices);
  const table = useScoreTable(root ? period : undefined, root, filters.view);

  const update = (change: Partial<DashboardFilters>) => {
    setParams(dashboardFiltersToParams({ ...filters, ...change }), { replace: false });
  };

  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <h1 id="dashboard-title">{t("dashboard.title")}</h1>
      <p className="muted">
        {t("dashboard.intro")} <Link to="/tentang">{t("dashboard.about")}</Link>
      </p>

      <form className="filters" aria-label={t("dashboard.filters")} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="dash-period">{t("dashboard.period")}</label>
          <select
            id="dash-period"
            value={period ?? ""}
            disabled={choices.length === 0}
            onChange={(e) => update({ period: e.target.value, pemda: undefined })}
          >
            {choices.length === 0 ? <option value="">{t("common.loading")}</option> : null}
            {choices.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({t(`state.${p.state}`)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dash-view">{t("dashboard.view")}</label>
          <select
            id="dash-view"
            value={filters.view}
            onChange={(e) => update({ view: e.target.value === "provisional" ? "provisional" : "official" })}
            aria-describedby="dash-view-hint"
          >
            {VIEWS.map((v) => (
              <option key={v} value={v}>
                {t(`dashboard.views.${v}`)}
              </option>
            ))}
          </select>
          <span id="dash-view-hint" className="field-hint">
            {t(`dashboard.viewHint.${filters.view}`)}
          </span>
        </div>
        {national ? <ProvinceSelect value={filters.region} onChange={(region) => update({ region, pemda: undefined })} /> : null}
      </form>
      {period ? <ExportLinks period={period} region={root} view={filters.view} /> : null}

      {periods.isError ? <ErrorMessage error={periods.error} onRetry={() => void periods.refetch()} /> : null}
      {!root ? (
        national ? (
          <>
            <Empty>{t("dashboard.chooseProvince")}</Empty>
            {period ? <NationalReports period={period} /> : null}
          </>
        ) : (
          <Loading />
        )
      ) : periods.isSuccess && choices.length === 0 ? (
        <Empty>{t("dashboard.noPeriods")}</Empty>
      ) : table.isPending ? (
        <Loading />
      ) : table.isError ? (
        <ErrorMessage error={table.error} onRetry={() => void table.refetch()} />
      ) : (
        <DashboardBody
          table={table.data}
          root={root}
          filters={filters}
          period={period!}
          frameworkCode={periods.data?.items.find((p) => p.code === period)?.framework_code}
          busy={table.isPlaceholderData}
          onChange={update}
        />
      )}
    </section>
  );
}

function ProvinceSelect({ value, onChange }: { value?: string; onChange: (region: string | undefined) => void }) {
  const { t } = useTranslation();
  const provinces = useRegions({ level: "province", limit: 100 });
  return (
    <div className="field">
      <label htmlFor="dash-region">{t("dashboard.province")}</label>
      <select id="dash-region" value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{provinces.isPending ? t("common.loading") : t("dashboard.chooseProvinceOption")}</option>
        {provinces.data?.items.map((p) => (
          <option key={p.code} value={p.code}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function DashboardBody({
  table,
  root,
  filters,
  period,
  frameworkCode,
  busy,
  onChange,
}: {
  table: ScoreTable;
  root: string;
  filters: DashboardFilters;
  period: string;
  frameworkCode?: string;
  busy: boolean;
  onChange: (change: Partial<DashboardFilters>) => void;
}) {
  const { t, i18n } = useTranslation();
  const { summary, items } = table;
  const query = periodViewQuery(filters.period, filters.view);
  const nothingVerified = filters.view === "official" && items.length > 0 && items.every((i) => i.verified === 0);
  const nothingAnswered = items.length > 0 && items.every((i) => i.answered === 0);
  const mapItems = useMemo(() => {
    const children = items.filter((i) => i.region !== root);
    return children.length > 0 ? children : items;
  }, [items, root]);
  const reportRows = useMemo(() => reportRowsOf(items), [items]);
  const rootItem = items.find((i) => i.region === root);
  const meanCategory = categoryOf(summary.mean, summary.categories);
  // The root's own R is shown apart from the mean over its subtree, each named for what it is.
  const ownLabel = rootItem ? ownScoreLabel(t, rootItem) : root;

  if (items.length === 0) return <Empty>{t("dashboard.noPemda")}</Empty>;

  return (
    <div aria-busy={busy} className={busy ? "is-busy" : undefined}>
      {table.provisional ? <ProvisionalNotice period={table.period} /> : null}
      {nothingAnswered ? (
        <div className="status status-empty" role="status">
          <p>{t("dashboard.nothingAnswered")}</p>
        </div>
      ) : nothingVerified ? (
        <div className="status status-empty" role="status">
          <p>{t("dashboard.nothingVerified")}</p>
          <button type="button" className="button" onClick={() => onChange({ view: "provisional" })}>
            {t("dashboard.showProvisional")}
          </button>
        </div>
      ) : null}

      <h2 className="visually-hidden">{t("dashboard.summary")}</h2>
      <dl className="stats summary-cards" aria-label={t("dashboard.summary")}>
        <div className="stat">
          <dt data-testid="mean-label">{t("dashboard.mean", { region: rootItem?.name ?? root })}</dt>
          <dd>
            <span className="stat-value num" data-testid="mean">{formatScore(summary.mean, i18n.language)}</span>
            <CategoryBadge category={meanCategory} />
            <span className="stat-note">
              {t("dashboard.pemdaCount", { count: summary.count })} · {t("dashboard.meanNote")}
            </span>
          </dd>
        </div>
        {rootItem && summary.count > 1 ? (
          <div className="stat">
            <dt data-testid="own-label">{ownLabel}</dt>
            <dd>
              <span className="stat-value num" data-testid="own">{formatScore(rootItem.readiness, i18n.language)}</span>
              <CategoryBadge category={rootItem.category} />
              {rootItem.level === "province" ? <span className="stat-note">{t("dashboard.ownNote")}</span> : null}
            </dd>
          </div>
        ) : null}
        <div className="stat">
          <dt>{t("dashboard.perCategory")}</dt>
          <dd>
            <ul className="category-counts">
              {CATEGORIES.map((category) => {
                const entry = summary.categories.find((c) => c.category === category);
                return (
                  <li key={category}>
                    <CategoryBadge category={category} />{" "}
                    <strong className="num">{formatNumber(entry?.count ?? 0, i18n.language)}</strong>
                  </li>
                );
              })}
            </ul>
          </dd>
        </div>
        <div className="stat">
          <dt>{t("dashboard.range")}</dt>
          <dd>
            <span className="stat-text">
              {t("dashboard.min")}: <strong className="num">{formatScore(summary.min, i18n.language)}</strong>
            </span>
            <span className="stat-text">
              {t("dashboard.max")}: <strong className="num">{formatScore(summary.max, i18n.language)}</strong>
            </span>
          </dd>
        </div>
        <ReportTimelinessStat summary={summary} />
      </dl>

      <DashboardReports period={period} rows={reportRows} />

      <div className="dash-grid">
        <section aria-labelledby="map-title" className="panel">
          <h2 id="map-title">{t("dashboard.map")}</h2>
          <RegionMap root={root} items={mapItems} categories={summary.categories} query={query} period={period} />
          <CategoryLegend thresholds={summary.categories} />
        </section>
        <section aria-labelledby="trend-title" className="panel">
          <h2 id="trend-title">{t("dashboard.trend", { region: ownLabel })}</h2>
          <RootTrend root={root} view={filters.view} />
        </section>
      </div>

      <RankingTable table={table} filters={filters} query={query} onChange={onChange} />

      <DimensionComparison
        items={items}
        selected={filters.pemda}
        period={period}
        frameworkCode={frameworkCode}
        onSelect={(pemda) => onChange({ pemda })}
      />
    </div>
  );
}

function RegionMap({
  root,
  items,
  categories,
  query,
  period,
}: {
  root: string;
  items: readonly PemdaScore[];
  categories: ScoreTable["summary"]["categories"];
  query: string;
  period: string | undefined;
}) {
  const { t } = useTranslation();
  const boundaries = useBoundaries(root);
  const label = t("dashboard.mapLabel");
  if (boundaries.isPending) return <Loading />;
  // No outlines loaded (or no endpoint yet, or it failed): one square per Pemda.
  if (!boundaries.data) return <TileGrid items={items} query={query} label={label} />;
  return (
    <ChoroplethMap boundaries={boundaries.data} items={items} categories={categories} query={query} label={label}>
      <IncidentMapLayer boundaries={boundaries.data} root={root} period={period} />
    </ChoroplethMap>
  );
}

function RootTrend({ root, view }: { root: string; view: DashboardFilters["view"] }) {
  const { t } = useTranslation();
  const trend = useScoreTrend(root, view);
  if (trend.isPending) return <Loading />;
  if (trend.isError) return <ErrorMessage error={trend.error} onRetry={() => void trend.refetch()} />;
  return <TrendBars items={trend.data.items} title={t("dashboard.trendLabel")} />;
}

function DimensionComparison({
  items,
  selected,
  period,
  frameworkCode,
  onSelect,
}: {
  items: readonly PemdaScore[];
  selected?: string;
  period: string;
  frameworkCode?: string;
  onSelect: (pemda: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const framework = useFramework(frameworkCode ?? "");
  const names = new Map(framework.data?.dimensions.map((d) => [d.code, d.name]) ?? []);
  const mean = meanDimensions(items);
  const pemda = items.find((i) => i.region === selected);
  const codes = dimensionCodes(items);
  return (
    <section aria-labelledby="dimensions-title" className="panel">
      <h2 id="dimensions-title">{t("dashboard.dimensions")}</h2>
      <div className="field">
        <label htmlFor="dash-pemda">{t("dashboard.comparePemda")}</label>
        <select id="dash-pemda" value={pemda?.region ?? ""} onChange={(e) => onSelect(e.target.value || undefined)}>
          <option value="">{t("dashboard.subtreeMean")}</option>
          {items.map((item) => (
            <option key={item.region} value={item.region}>
              {item.name}
            </option>
          ))}
        </select>
      </div>
      <p className="muted small">
        {pemda ? t("dashboard.dimensionsPemda", { name: pemda.name, period }) : t("dashboard.dimensionsMean", { period })}
      </p>
      {codes.length === 0 ? (
        <p className="muted">{t("dashboard.noDimensions")}</p>
      ) : (
        <ul className="dimension-bars">
          {codes.map((code) => {
            const label = names.get(code) ? `${code} · ${names.get(code)}` : code;
            const value = pemda ? pemda.dimensions[code] : mean[code];
            return (
              <li key={code}>
                <span className="dimension-label">{label}</span>
                <ScoreBar
                  value={value}
                  label={label}
                  marker={pemda ? mean[code] : undefined}
                  markerLabel={t("dashboard.subtreeMean")}
                />
              </li>
            );
          })}
        </ul>
      )}
      {pemda ? (
        <p className="muted small">
          <span className="legend-marker" aria-hidden="true" /> {t("dashboard.markerNote")}
        </p>
      ) : null}
    </section>
  );
}

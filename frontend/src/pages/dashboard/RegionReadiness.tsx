import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useFramework, usePeriods } from "../../api/queries";
import { CardTable } from "../../components/CardTable";
import { Disclosure } from "../../components/Disclosure";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { formatNumber } from "../../format";
import { ExportLinks } from "../exports/ExportLinks";
import { LateBadge, StatusBadge, formatValue } from "../answers/common";
import { parseRegionScoreFilters, regionScoreFiltersToParams, type RegionScoreFilters } from "./filters";
import { useScoreExplanation, useScoreTrend } from "./queries";
import {
  defaultPeriod,
  formatPercent,
  formatScore,
  orderExplanation,
  ownScoreLabel,
  scoredPeriods,
  VIEWS,
  type AgencyProgress,
  type ScoreExplanation,
} from "./readiness";
import { CategoryBadge, ProvisionalNotice, ScoreBar, TrendBars } from "./widgets";
import "./scores.css";

/** The region page's readiness part: why the Pemda scores what it scores, who has not answered, the trend. */
export function RegionReadiness({ code }: { code: string }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = parseRegionScoreFilters(params);
  const periods = usePeriods();
  const choices = useMemo(() => scoredPeriods(periods.data?.items ?? []), [periods.data]);
  const period = filters.period ?? defaultPeriod(choices);
  const explanation = useScoreExplanation(code, period, filters.view);
  const update = (change: Partial<RegionScoreFilters>) =>
    setParams(regionScoreFiltersToParams({ ...filters, ...change }), { replace: true });

  return (
    <section aria-labelledby="readiness-title" className="readiness">
      <h2 id="readiness-title">{t("readiness.title")}</h2>
      <form className="filters" aria-label={t("readiness.filters")} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="rr-period">{t("dashboard.period")}</label>
          <select id="rr-period" value={period ?? ""} onChange={(e) => update({ period: e.target.value })}>
            {choices.length === 0 ? <option value="">{t("common.loading")}</option> : null}
            {choices.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({t(`state.${p.state}`)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rr-view">{t("dashboard.view")}</label>
          <select
            id="rr-view"
            value={filters.view}
            onChange={(e) => update({ view: e.target.value === "provisional" ? "provisional" : "official" })}
          >
            {VIEWS.map((v) => (
              <option key={v} value={v}>
                {t(`dashboard.views.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-check">
          <label>
            <input
              type="checkbox"
              checked={filters.weakestFirst}
              onChange={(e) => update({ weakestFirst: e.target.checked })}
            />{" "}
            {t("readiness.weakestFirst")}
          </label>
        </div>
      </form>
      {period ? <ExportLinks period={period} region={code} view={filters.view} headingLevel={3} evidenceZip /> : null}
      {periods.isError ? <ErrorMessage error={periods.error} onRetry={() => void periods.refetch()} /> : null}
      {periods.isSuccess && choices.length === 0 ? (
        <Empty>{t("dashboard.noPeriods")}</Empty>
      ) : explanation.isPending ? (
        <Loading />
      ) : explanation.isError ? (
        <ErrorMessage error={explanation.error} onRetry={() => void explanation.refetch()} />
      ) : (
        <div aria-busy={explanation.isPlaceholderData}>
          <Explanation
            data={explanation.data}
            code={code}
            weakestFirst={filters.weakestFirst}
            frameworkCode={periods.data?.items.find((p) => p.code === period)?.framework_code}
            onProvisional={() => update({ view: "provisional" })}
          />
        </div>
      )}
      <section aria-labelledby="region-trend-title" className="panel">
        <h3 id="region-trend-title">
          {explanation.data ? t("readiness.trendOf", { name: ownScoreLabel(t, explanation.data.score) }) : t("readiness.trend")}
        </h3>
        <PemdaTrend code={code} view={filters.view} />
      </section>
    </section>
  );
}

function PemdaTrend({ code, view }: { code: string; view: RegionScoreFilters["view"] }) {
  const { t } = useTranslation();
  const trend = useScoreTrend(code, view);
  if (trend.isPending) return <Loading />;
  if (trend.isError) return <ErrorMessage error={trend.error} onRetry={() => void trend.refetch()} />;
  return <TrendBars items={trend.data.items} title={t("dashboard.trendLabel")} />;
}

function Explanation({
  data,
  code,
  weakestFirst,
  frameworkCode,
  onProvisional,
}: {
  data: ScoreExplanation;
  code: string;
  weakestFirst: boolean;
  frameworkCode?: string;
  onProvisional: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const framework = useFramework(frameworkCode ?? "");
  const rubric = framework.data?.level_rubric;
  const { score } = data;
  const dimensions = orderExplanation(data.dimensions, weakestFirst ? "weakest" : "framework");
  const answerQuery = data.view === "provisional" ? "?view=provisional" : "";
  return (
    <>
      {data.provisional ? <ProvisionalNotice period={data.period} /> : null}
      {data.view === "official" && score.verified === 0 ? (
        <div className="status status-empty" role="status">
          <p>{t("dashboard.nothingVerified")}</p>
          <button type="button" className="button" onClick={onProvisional}>
            {t("dashboard.showProvisional")}
          </button>
        </div>
      ) : null}
      <dl className="stats" aria-label={t("readiness.summary")}>
        <div className="stat">
          <dt>{t("readiness.readiness")}</dt>
          <dd>
            <span className="stat-value num" data-testid="readiness">{formatScore(score.readiness, lng)}</span>
            <CategoryBadge category={score.category} />
            {score.level === "province" ? (
              <span className="stat-note" data-testid="own-note">
                {ownScoreLabel(t, score)} · {t("dashboard.ownNote")}
              </span>
            ) : null}
          </dd>
        </div>
        <div className="stat">
          <dt>{t("dashboard.col.completeness")}</dt>
          <dd>
            <span className="stat-value num">{formatPercent(score.completeness, lng)}</span>
            <span className="stat-note">
              {t("readiness.answeredOf", { answered: score.answered, applicable: score.applicable })}
            </span>
          </dd>
        </div>
        <div className="stat">
          <dt>{t("dashboard.col.verification")}</dt>
          <dd>
            <span className="stat-value num">{formatPercent(score.verification_rate, lng)}</span>
            <span className="stat-note">
              {t("readiness.statusCounts", {
                verified: score.verified,
                submitted: score.submitted,
                draft: score.draft,
                returned: score.returned,
              })}
            </span>
          </dd>
        </div>
        <div className="stat">
          <dt>{t("dashboard.col.timeliness")}</dt>
          <dd>
            <span className="stat-value num">{formatPercent(score.timeliness, lng)}</span>
          </dd>
        </div>
      </dl>

      <h3>{t("readiness.explanation")}</h3>
      <p className="muted small">{t("readiness.explanationHint")}</p>
      {dimensions.length === 0 ? (
        <Empty>{t("readiness.noIndicators")}</Empty>
      ) : (
        <div className="explanation" data-testid="explanation">
          {dimensions.map((dim) => (
            <Disclosure
              key={dim.dimension}
              level={4}
              className="dimension-block"
              data-dimension={dim.dimension}
              title={
                <span className="dimension-head">
                  <span>
                    <span className="mono">{dim.dimension}</span> · {dim.name}
                  </span>
                  <span className="muted small">
                    {t("readiness.weight")} {formatNumber(dim.weight, lng)}
                  </span>
                </span>
              }
              summary={<ScoreBar value={dim.score} label={`${dim.dimension} · ${dim.name}`} />}
            >
              <div className="table-wrap">
                <CardTable className="indicators-table">
                  <caption className="visually-hidden">{`${dim.dimension} · ${dim.name}`}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("readiness.indicator")}</th>
                      <th scope="col">{t("readiness.status")}</th>
                      <th scope="col">{t("readiness.value")}</th>
                      <th scope="col" className="num">{t("readiness.weight")}</th>
                      <th scope="col" className="num">
                        <abbr title={t("readiness.sTitle")}>s</abbr>
                      </th>
                      <th scope="col" className="num">{t("readiness.evidence")}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t("readiness.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {dim.indicators.map((ind) => (
                      <tr key={ind.indicator} data-indicator={ind.indicator} className={ind.counts ? undefined : "not-counted"}>
                        <th scope="row">
                          <span className="mono small">{ind.indicator}</span> {ind.name}
                        </th>
                        <td>
                          <StatusBadge status={ind.status ?? "not_started"} />
                          {ind.is_late ? (
                            <>
                              {" "}
                              <LateBadge />
                            </>
                          ) : null}
                          {ind.status && !ind.counts ? (
                            <span className="muted small block">{t("readiness.notCounted")}</span>
                          ) : null}
                        </td>
                        <td>{formatValue(t, lng, ind.answer_type, ind.value, { rubric, target: ind.target })}</td>
                        <td className="num">{formatNumber(ind.weight, lng)}</td>
                        <td className="num strong">{formatScore(ind.score, lng)}</td>
                        <td className="num">{formatNumber(ind.evidence_count, lng)}</td>
                        <td>
                          {ind.status ? (
                            <Link
                              to={`/wilayah/${encodeURIComponent(code)}/jawaban/${encodeURIComponent(data.period)}/${encodeURIComponent(ind.indicator)}${answerQuery}`}
                              aria-label={t("readiness.openAnswerOf", { indicator: ind.indicator })}
                            >
                              {t("readiness.openAnswer")}
                            </Link>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </CardTable>
              </div>
            </Disclosure>
          ))}
        </div>
      )}

      <AgencyTable agencies={data.agencies} />
    </>
  );
}

function AgencyTable({ agencies }: { agencies: readonly AgencyProgress[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  // Offices that still owe answers first.
  const rows = [...agencies].sort((a, b) => b.not_started - a.not_started || a.completeness - b.completeness || a.name.localeCompare(b.name));
  return (
    <Disclosure level={3} title={t("readiness.agencies")} headingId="agency-progress-title">
      {rows.length === 0 ? (
        <Empty>{t("readiness.noAgencies")}</Empty>
      ) : (
        <div className="table-wrap">
          <CardTable data-testid="agency-progress">
            <caption className="visually-hidden">{t("readiness.agencies")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("readiness.agency")}</th>
                <th scope="col" className="num">{t("readiness.applicable")}</th>
                <th scope="col" className="num">{t("readiness.notStarted")}</th>
                <th scope="col" className="num">{t("readiness.returned")}</th>
                <th scope="col" className="num">{t("readiness.verified")}</th>
                <th scope="col">{t("dashboard.col.completeness")}</th>
                <th scope="col" className="num">{t("dashboard.col.verification")}</th>
                <th scope="col" className="num">{t("dashboard.col.timeliness")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.agency} data-agency={a.agency}>
                  <th scope="row">{a.name}</th>
                  <td className="num">{formatNumber(a.applicable, lng)}</td>
                  <td className="num">
                    {a.not_started > 0 ? (
                      <span className="badge badge-status-not_started">
                        <span aria-hidden="true">! </span>
                        {formatNumber(a.not_started, lng)}
                      </span>
                    ) : (
                      formatNumber(0, lng)
                    )}
                  </td>
                  <td className="num">{formatNumber(a.returned, lng)}</td>
                  <td className="num">{formatNumber(a.verified, lng)}</td>
                  <td>
                    <ScoreBar value={a.completeness} label={`${a.name} · ${t("dashboard.col.completeness")}`} />
                  </td>
                  <td className="num">{formatPercent(a.verification_rate, lng)}</td>
                  <td className="num">{formatPercent(a.timeliness, lng)}</td>
                </tr>
              ))}
            </tbody>
          </CardTable>
        </div>
      )}
    </Disclosure>
  );
}

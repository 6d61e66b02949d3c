import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import type { FrameworkRead } from "../../api/client";
import { useFramework } from "../../api/queries";
import { CardTable } from "../../components/CardTable";
import { Disclosure } from "../../components/Disclosure";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { answerTypeLabel, levelLabel } from "../../components/labels";
import { formatNumber } from "../../format";
import { categoryStyle } from "../dashboard/readiness";
import { FrameworkActions } from "./FrameworkActions";

type Dimension = FrameworkRead["dimensions"][number];

export function FrameworkDetailPage() {
  const { code = "" } = useParams();
  const { t, i18n } = useTranslation();
  const framework = useFramework(code);
  const justPublished = (useLocation().state as { notice?: string } | null)?.notice === "published";
  usePageTitle(framework.data?.name ?? code);
  const n = (v: number) => formatNumber(v, i18n.language);

  return (
    <section aria-labelledby="framework-title">
      <p className="breadcrumb no-print">
        <Link to="/kerangka">‹ {t("framework.backToList")}</Link>
      </p>
      {framework.isPending ? (
        <>
          <h1 id="framework-title" className="mono">{code}</h1>
          <Loading />
        </>
      ) : framework.isError ? (
        <>
          <h1 id="framework-title" className="mono">{code}</h1>
          <ErrorMessage error={framework.error} onRetry={() => void framework.refetch()} />
        </>
      ) : (
        <>
          <h1 id="framework-title">
            {framework.data.name} <span className="muted mono">{framework.data.code}</span>
          </h1>
          {framework.data.description ? <p className="lead">{framework.data.description}</p> : null}
          <p>
            <span className={`badge ${framework.data.is_active ? "badge-open" : "badge-closed"}`}>
              {framework.data.is_active ? t("frameworks.isActive") : t("frameworks.isInactive")}
            </span>{" "}
            <span className={`badge ${framework.data.status === "draft" ? "badge-draft" : "badge-open"}`}>
              {t(`codes.enum.FrameworkStatus.${framework.data.status}`)}
            </span>{" "}
            {t("framework.summary", {
              dimensions: n(framework.data.dimension_count),
              indicators: n(framework.data.indicator_count),
            })}
          </p>

          {justPublished ? (
            <p className="status status-ok" role="status">
              {t("frameworkEditor.published")}
            </p>
          ) : null}
          {framework.data.copied_from ? (
            <p className="muted">{t("frameworks.copiedFrom", { code: framework.data.copied_from })}</p>
          ) : null}
          <FrameworkActions framework={framework.data} />

          <h2>{t("framework.dimensionsTitle")}</h2>
          {[...framework.data.dimensions]
            .sort((a, b) => a.position - b.position)
            .map((dimension) => (
              <DimensionSection key={dimension.code} dimension={dimension} />
            ))}

          <div className="two-col">
            <section aria-labelledby="thresholds-title">
              <h2 id="thresholds-title">{t("framework.thresholdsTitle")}</h2>
              <CardTable>
                <caption className="visually-hidden">{t("framework.thresholdsCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("framework.category")}</th>
                    <th scope="col" className="num">{t("framework.minScore")}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...framework.data.thresholds]
                    .sort((a, b) => b.min_score - a.min_score)
                    .map((th) => (
                      <tr key={th.category}>
                        <td>
                          <span
                            className={`badge badge-cat-${th.category}`}
                            style={{ background: categoryStyle(th.category).color, color: categoryStyle(th.category).text }}
                          >
                            {th.label}
                          </span>
                        </td>
                        <td className="num">{t("framework.minScoreValue", { score: n(th.min_score) })}</td>
                      </tr>
                    ))}
                </tbody>
              </CardTable>
            </section>
            <section aria-labelledby="rubric-title">
              <h2 id="rubric-title">{t("framework.rubricTitle")}</h2>
              <CardTable>
                <caption className="visually-hidden">{t("framework.rubricCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">{t("framework.rubricLevel")}</th>
                    <th scope="col">{t("framework.rubricLabel")}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...framework.data.level_rubric]
                    .sort((a, b) => a.level - b.level)
                    .map((r) => (
                      <tr key={r.level}>
                        <td className="num">{r.level}</td>
                        <td>{r.label}</td>
                      </tr>
                    ))}
                </tbody>
              </CardTable>
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function DimensionSection({ dimension }: { dimension: Dimension }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const headingId = `dim-${dimension.code}`;
  return (
    <Disclosure
      className="dimension"
      level={3}
      headingId={headingId}
      title={
        <>
          <span className="mono">{dimension.code}</span> {dimension.name}
          <span className="dimension-weight">{t("framework.dimensionWeight", { weight: n(dimension.weight) })}</span>
        </>
      }
    >
      {dimension.indicators.length === 0 ? (
        <Empty>{t("framework.noIndicators")}</Empty>
      ) : (
        <div className="table-wrap">
          <CardTable className="indicators">
            <caption className="visually-hidden">
              {t("framework.indicatorsCaption", { code: dimension.code })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("framework.code")}</th>
                <th scope="col">{t("framework.name")}</th>
                <th scope="col">{t("framework.answerType")}</th>
                <th scope="col" className="num">{t("framework.weight")}</th>
                <th scope="col">{t("framework.agencyType")}</th>
                <th scope="col">{t("framework.levels")}</th>
                <th scope="col">{t("framework.evidence")}</th>
              </tr>
            </thead>
            <tbody>
              {dimension.indicators.map((ind) => (
                <tr key={ind.code}>
                  <td className="mono">{ind.code}</td>
                  <td>
                    {ind.name}
                    {ind.guidance ? <div className="muted small">{ind.guidance}</div> : null}
                  </td>
                  <td>
                    {answerTypeLabel(t, ind.answer_type)}
                    {ind.target != null ? (
                      <div className="muted small">
                        {t("framework.target")}: {n(ind.target)}
                      </div>
                    ) : null}
                  </td>
                  <td className="num">{n(ind.weight)}</td>
                  <td className="mono">{ind.agency_type}</td>
                  <td>{ind.levels.map((l) => levelLabel(t, l)).join(", ")}</td>
                  <td>
                    <span className={`badge ${ind.evidence_required ? "badge-required" : "badge-optional"}`}>
                      {ind.evidence_required ? t("framework.evidenceRequired") : t("framework.evidenceOptional")}
                    </span>
                    {ind.evidence_guidance ? <div className="muted small">{ind.evidence_guidance}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </CardTable>
        </div>
      )}
    </Disclosure>
  );
}

import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../api/client";
import { usePeriods } from "../../api/queries";
import { Disclosure } from "../../components/Disclosure";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatDate } from "../../format";
import { scoredPeriods } from "../dashboard/readiness";
import { reportPath } from "./common";
import { useRecommendations } from "./recommendationQueries";
import { RecommendationFlags } from "./Recommendations";

/**
 * The region page's open recommendations: those not done, as the newest period's report
 * sees them (its own and every earlier one carried into it), so nothing still open is
 * missed. Nothing is shown where the region is no Pemda (the API's 404).
 */
export function RegionRecommendations({ code }: { code: string }) {
  const { t, i18n } = useTranslation();
  const periods = usePeriods();
  const latest = useMemo(() => scoredPeriods(periods.data?.items ?? [])[0]?.code ?? "", [periods.data]);
  const list = useRecommendations({ region: code, period: latest });
  if (!latest) return null;
  if (list.isError && list.error instanceof ApiError && list.error.status === 404) return null;
  const open = (list.data?.items ?? []).filter((rec) => rec.status !== "done");

  return (
    <Disclosure title={t("recommendations.regionTitle")} headingId="region-recommendations-title">
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : open.length === 0 ? (
        <p className="muted">{t("recommendations.regionEmpty")}</p>
      ) : (
        <ul className="rec-list rec-list-compact" data-testid="region-recommendations">
          {open.map((rec) => (
            <li key={rec.id} className="rec-item-compact">
              <RecommendationFlags rec={rec} />
              <p className="rec-text">{rec.text}</p>
              <p className="small muted">
                {rec.agency_name} · {t("recommendations.due")}{" "}
                <time dateTime={rec.due_on}>{formatDate(rec.due_on, i18n.language)}</time> ·{" "}
                <Link to={reportPath(rec)}>{t("recommendations.openReport", { period: rec.period })}</Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Disclosure>
  );
}

import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useFramework } from "../../api/queries";
import { hasCapability, mayReview, useMe, withinScope } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { formatDateTime } from "../../format";
import { HistoryList, LateBadge, StatusBadge, formatValue } from "../answers/common";
import { AnswerComments } from "../answers/Comments";
import { EvidenceList } from "../answers/Evidence";
import { useAnswer, useHistory, usePeriod, type AnswerKey } from "../answers/queries";
import { NotFoundPage } from "../NotFoundPage";

/**
 * One answer, read-only, for anyone who may read it: value, narrative,
 * evidence (download links) and history. Operators and verifiers get a link
 * to their own workspace for it.
 */
export function AnswerViewPage() {
  const { code = "", period = "", indicator = "" } = useParams();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const key: AnswerKey = { period, region: code, indicator };
  const answer = useAnswer(key);
  const history = useHistory(key, Boolean(answer.data));
  const periodInfo = usePeriod(period);
  const framework = useFramework(periodInfo.data?.framework_code ?? "");
  const { data: me } = useMe();
  usePageTitle(answer.data?.indicator_name ?? indicator);
  const back = `/wilayah/${encodeURIComponent(code)}?period=${encodeURIComponent(period)}${params.get("view") === "provisional" ? "&view=provisional" : ""}`;
  const path = `${encodeURIComponent(period)}/${encodeURIComponent(code)}/${encodeURIComponent(indicator)}`;

  // The API says 404 both for an answer not given yet and for one outside the reader's
  // scope (another Pemda's, for a coordinator): the latter is not there for this reader,
  // so it gets the not-found page rather than "not answered yet", which would be untrue.
  if (answer.data === null && me && !withinScope(me, code)) return <NotFoundPage />;

  return (
    <section aria-labelledby="answer-view-title">
      <p className="breadcrumb no-print">
        <Link to={back}>‹ {t("readiness.backToRegion")}</Link>
      </p>
      {answer.isPending ? (
        <>
          <h1 id="answer-view-title" className="mono">{indicator}</h1>
          <Loading />
        </>
      ) : answer.isError ? (
        <>
          <h1 id="answer-view-title" className="mono">{indicator}</h1>
          <ErrorMessage error={answer.error} onRetry={() => void answer.refetch()} />
        </>
      ) : answer.data === null ? (
        <>
          <h1 id="answer-view-title" className="mono">{indicator}</h1>
          <Empty>{t("readiness.noAnswer")}</Empty>
        </>
      ) : (
        <>
          <h1 id="answer-view-title">{answer.data.indicator_name}</h1>
          <p className="muted">
            <span className="mono">{answer.data.indicator}</span> · {answer.data.region_name} · {answer.data.period}
          </p>
          <dl className="details">
            <div>
              <dt>{t("readiness.status")}</dt>
              <dd>
                <StatusBadge status={answer.data.status} /> {answer.data.is_late ? <LateBadge /> : null}
              </dd>
            </div>
            <div>
              <dt>{t("readiness.value")}</dt>
              <dd>
                {formatValue(t, lng, answer.data.answer_type, answer.data.value, {
                  rubric: framework.data?.level_rubric,
                  target: answer.data.target,
                })}
              </dd>
            </div>
            <div>
              <dt>{t("readiness.updated")}</dt>
              <dd>{formatDateTime(answer.data.updated_at, lng)}</dd>
            </div>
          </dl>
          {answer.data.narrative ? (
            <section aria-labelledby="answer-view-narrative">
              <h2 id="answer-view-narrative">{t("readiness.narrative")}</h2>
              <p className="pre-wrap">{answer.data.narrative}</p>
            </section>
          ) : null}
          <section aria-labelledby="answer-view-evidence">
            <h2 id="answer-view-evidence">{t("readiness.evidenceTitle")}</h2>
            <EvidenceList answerKey={key} evidence={answer.data.evidence} />
          </section>
          <p className="row-actions no-print">
            {hasCapability(me, "answer") && me?.region_code && code.startsWith(me.region_code) ? (
              <Link className="button" to={`/tugas/${path}`}>
                {t("readiness.openInTasks")}
              </Link>
            ) : null}
            {mayReview(me, code) ? (
              <Link className="button" to={`/verifikasi/${path}`}>
                {t("readiness.openInReview")}
              </Link>
            ) : null}
          </p>
          <section aria-labelledby="answer-view-history">
            <h2 id="answer-view-history">{t("readiness.history")}</h2>
            {history.isPending ? (
              <Loading />
            ) : history.isError ? (
              <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
            ) : (
              <HistoryList
                items={history.data.items}
                type={answer.data.answer_type}
                rubric={framework.data?.level_rubric}
                target={answer.data.target}
              />
            )}
          </section>
          <AnswerComments answerKey={key} />
        </>
      )}
    </section>
  );
}

import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { SubmissionRead } from "../../api/client";
import { useFramework } from "../../api/queries";
import { useRegionTimeZone } from "../../api/timeZones";
import { mayReview, useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatDateTime, formatDateTimeInZone } from "../../format";
import {
  HistoryList,
  LateBadge,
  ReturnedNotice,
  StatusBadge,
  actionErrorMessage,
  findIndicator,
  formatValue,
  isStale,
  returnedReview,
} from "../answers/common";
import { EvidenceList } from "../answers/Evidence";
import { useAnswer, useAnswerKey, useHistory, usePeriod, useReasonTransition, useTransition } from "../answers/queries";
import { ReasonForm, reasonFieldError } from "./ReasonForm";
import { AnswerComments } from "../answers/Comments";

/** /verifikasi/:period/:region/:indicator — review one answer. */
export function ReviewDetailPage() {
  const { t, i18n } = useTranslation();
  const key = useAnswerKey();
  const period = usePeriod(key.period);
  const framework = useFramework(period.data?.framework_code ?? "");
  const answer = useAnswer(key);
  const history = useHistory(key, Boolean(answer.data));
  const verify = useTransition(key, "verify");
  const sendBack = useReasonTransition(key, "return");
  const reopen = useReasonTransition(key, "reopen");
  // Separation of duties: the own region's answers are reviewed one level up, so no
  // button is offered that the API would refuse (403 own_region).
  const { data: me } = useMe({ fetch: false });
  const reviewable = mayReview(me, key.region);
  // Times on the Pemda's clock (WITA in Kaltim), named, wherever the verifier is.
  const timeZone = useRegionTimeZone(key.region);
  const at = (iso: string) => (timeZone ? formatDateTimeInZone(iso, i18n.language, timeZone) : formatDateTime(iso, i18n.language));
  const [mode, setMode] = useState<"return" | "reopen" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const found = findIndicator(framework.data, key.indicator);
  usePageTitle(t("review.detailTitle", { indicator: key.indicator }));

  const back = (
    <p className="no-print">
      <Link to="/verifikasi">‹ {t("review.backToQueue")}</Link>
    </p>
  );
  if (answer.isError) {
    return (
      <>
        {back}
        <ErrorMessage error={answer.error} onRetry={() => void answer.refetch()} />
      </>
    );
  }
  if (answer.isPending) return <Loading />;
  if (answer.data === null) {
    return (
      <>
        {back}
        <p className="status status-empty" role="status">
          {t("review.notAnswered")}
        </p>
      </>
    );
  }
  const data: SubmissionRead = answer.data;
  const lng = i18n.language;
  const rubric = framework.data?.level_rubric;
  const error = verify.error ?? sendBack.error ?? reopen.error;
  // A refused reason belongs next to the reason, in the form; other errors above.
  const reasonError = mode ? reasonFieldError(t, mode === "reopen" ? reopen.error : sendBack.error) : undefined;
  const returned = returnedReview(data);
  const busy = verify.isPending || sendBack.isPending || reopen.isPending;
  const resetAll = () => {
    verify.reset();
    sendBack.reset();
    reopen.reset();
    setNotice(null);
  };

  const onVerify = () => {
    resetAll();
    verify.mutate(data.etag, { onSuccess: () => setNotice(t("review.verified")) });
  };

  const onReason = (reason: string) => {
    resetAll();
    const mutation = mode === "reopen" ? reopen : sendBack;
    mutation.mutate(
      { etag: data.etag, reason },
      {
        onSuccess: () => {
          setNotice(t(mode === "reopen" ? "review.reopened" : "review.returned"));
          setMode(null);
        },
      },
    );
  };
  const toggle = (next: "return" | "reopen") => {
    sendBack.reset();
    reopen.reset();
    setMode(mode === next ? null : next);
  };

  return (
    <article aria-labelledby="review-detail-title">
      {back}
      <p className="muted">
        <span className="mono">{data.indicator}</span> · {period.data?.name ?? data.period} · {data.region_name}{" "}
        <span className="mono">{data.region}</span>
        {data.agency ? <> · <span className="mono">{data.agency}</span></> : null}
      </p>
      <h1 id="review-detail-title">{data.indicator_name}</h1>
      <p className="answer-meta">
        <StatusBadge status={data.status} /> {data.is_late ? <LateBadge /> : null}{" "}
        <span className="muted">
          {t("history.version", { version: data.version })}
          {data.submitted_at ? ` · ${t("review.submittedAt")}: ${at(data.submitted_at)}` : ""}
        </span>
      </p>

      {error && !reasonError ? (
        <div className="status status-error" role="alert">
          <p>{actionErrorMessage(t, error)}</p>
          {isStale(error) ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                resetAll();
                void answer.refetch();
              }}
            >
              {t("answer.reload")}
            </button>
          ) : null}
        </div>
      ) : null}
      {notice ? (
        <p className="status status-ok" role="status">
          {notice} <Link to="/verifikasi">{t("review.backToQueue")}</Link>
        </p>
      ) : null}

      <div className="two-col review-cols">
        <section aria-labelledby="review-answer-title">
          <h2 id="review-answer-title">{t("review.answer")}</h2>
          <dl className="details">
            <div>
              <dt>{t("answer.value")}</dt>
              <dd className="review-value">
                {formatValue(t, lng, data.answer_type, data.value, { rubric, target: data.target })}
              </dd>
            </div>
            <div>
              <dt>{t("answer.narrative")}</dt>
              <dd className="pre-wrap">{data.narrative || t("common.none")}</dd>
            </div>
            {found ? (
              <div>
                <dt>{t("answer.guidance")}</dt>
                <dd>{found.indicator.guidance || t("common.none")}</dd>
              </div>
            ) : null}
            {data.last_review && !returned ? (
              <div>
                <dt>{t("review.lastReview")}</dt>
                <dd>
                  {t(`history.actions.${data.last_review.decision}`)} · {data.last_review.reviewer ?? t("common.none")} ·{" "}
                  {at(data.last_review.at)}
                  {data.last_review.reason ? <div>“{data.last_review.reason}”</div> : null}
                </dd>
              </div>
            ) : null}
          </dl>

          <div className="review-actions no-print">
            {!reviewable && (data.status === "submitted" || data.status === "verified") ? (
              <p className="status status-warn" role="note">
                {t("review.ownRegion")}
              </p>
            ) : data.status === "submitted" ? (
              <>
                <button type="button" className="button button-primary" disabled={busy} onClick={onVerify}>
                  {t("review.verify")}
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-expanded={mode === "return"}
                  onClick={() => toggle("return")}
                >
                  {t("review.return")}
                </button>
              </>
            ) : data.status === "verified" ? (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-expanded={mode === "reopen"}
                onClick={() => toggle("reopen")}
              >
                {t("review.reopen")}
              </button>
            ) : returned ? (
              // Back with the agency: say so, and why, rather than "not submitted yet".
              <ReturnedNotice review={returned} title={t("review.returnedTitle")} note={t("review.returnedWaiting")} />
            ) : (
              <p className="muted">{t("review.nothingToDo")}</p>
            )}
          </div>
          {mode ? (
            <ReasonForm
              key={mode}
              label={mode === "reopen" ? t("review.reopenReason") : t("review.returnReason")}
              submitLabel={mode === "reopen" ? t("review.confirmReopen") : t("review.confirmReturn")}
              busy={busy}
              serverError={reasonError}
              onSubmit={onReason}
              onCancel={() => setMode(null)}
            />
          ) : null}
        </section>

        <section aria-labelledby="review-evidence-title">
          <h2 id="review-evidence-title">{t("evidence.title")}</h2>
          {data.evidence_required && data.evidence.length === 0 ? (
            <p className="status status-warn">{t("review.evidenceMissing")}</p>
          ) : null}
          <EvidenceList answerKey={key} evidence={data.evidence} preview />
        </section>
      </div>

      <section aria-labelledby="review-history-title">
        <h2 id="review-history-title">{t("history.title")}</h2>
        {history.isPending ? (
          <Loading />
        ) : history.isError ? (
          <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
        ) : (
          <HistoryList items={history.data.items} type={data.answer_type} rubric={rubric} target={data.target} />
        )}
      </section>

      <AnswerComments answerKey={key} />
    </article>
  );
}

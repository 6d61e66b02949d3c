import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { FrameworkRead, IndicatorRead, PeriodRead, SubmissionRead } from "../../api/client";
import { useFramework } from "../../api/queries";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatDate, formatNumber } from "../../format";
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
} from "./common";
import { EvidenceList, EvidenceUpload } from "./Evidence";
import {
  isEditable,
  useAnswer,
  useAnswerKey,
  useHistory,
  usePeriod,
  useSaveAnswer,
  useTransition,
  type AnswerKey,
} from "./queries";
import { ValueInput, parseValue, rawFromValue, type RawValue } from "./ValueInput";

/** /tugas/:period/:region/:indicator — answer one indicator. */
export function AnswerPage() {
  const { t } = useTranslation();
  const key = useAnswerKey();
  const period = usePeriod(key.period);
  const framework = useFramework(period.data?.framework_code ?? "");
  const answer = useAnswer(key);
  const found = findIndicator(framework.data, key.indicator);
  usePageTitle(found?.indicator.name ?? key.indicator);

  const backLink = (
    <p className="no-print">
      <Link to={`/tugas?period=${encodeURIComponent(key.period)}`}>‹ {t("answer.backToTasks")}</Link>
    </p>
  );
  const failed = [period, framework, answer].find((q) => q.isError);
  if (failed) {
    return (
      <>
        {backLink}
        <ErrorMessage error={failed.error} onRetry={() => void failed.refetch()} />
      </>
    );
  }
  if (!period.data || !framework.data || answer.data === undefined) return <Loading />;
  if (!found) {
    return (
      <>
        {backLink}
        <div className="status status-error" role="alert">
          <p>{t("answer.unknownIndicator", { indicator: key.indicator })}</p>
        </div>
      </>
    );
  }
  return (
    <>
      {backLink}
      <AnswerEditor
        answerKey={key}
        period={period.data}
        framework={framework.data}
        dimensionName={found.dimension.name}
        indicator={found.indicator}
        answer={answer.data}
        reload={() => answer.refetch()}
      />
    </>
  );
}

function AnswerEditor({
  answerKey,
  period,
  framework,
  dimensionName,
  indicator,
  answer,
  reload,
}: {
  answerKey: AnswerKey;
  period: PeriodRead;
  framework: FrameworkRead;
  dimensionName: string;
  indicator: IndicatorRead;
  answer: SubmissionRead | null;
  reload: () => Promise<unknown>;
}) {
  const { t, i18n } = useTranslation();
  const ids = { narrative: useId(), guidance: useId() };
  const save = useSaveAnswer(answerKey);
  const submit = useTransition(answerKey, "submit");
  const history = useHistory(answerKey, answer !== null);
  const type = indicator.answer_type;
  const status = answer?.status ?? "not_started";
  const editable = isEditable(answer?.status) && period.state === "open";

  const [raw, setRaw] = useState<RawValue>(rawFromValue(type, answer?.value));
  const [narrative, setNarrative] = useState(answer?.narrative ?? "");
  const [dirty, setDirty] = useState(false);
  const [valueError, setValueError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloading, setReloading] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  // Follow the server's copy (a new version after an upload, a reload) unless
  // the user has unsaved changes.
  useEffect(() => {
    if (dirty) return;
    setRaw(rawFromValue(type, answer?.value));
    setNarrative(answer?.narrative ?? "");
  }, [answer?.etag, answer?.value, answer?.narrative]);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const error = save.error ?? submit.error;
  const stale = isStale(error);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const change = (apply: () => void) => {
    apply();
    setDirty(true);
    setNotice(null);
    setValueError(null);
  };

  /** Saves the form; resolves to the saved answer or null when invalid or failed. */
  const saveNow = async (): Promise<SubmissionRead | null> => {
    const parsed = parseValue(type, raw);
    if (!parsed.ok) {
      setValueError(t(parsed.error));
      return null;
    }
    submit.reset();
    try {
      const saved = await save.mutateAsync({
        body: { value: parsed.value, narrative: narrative.trim() },
        etag: answer?.etag ?? null,
      });
      setDirty(false);
      return saved;
    } catch {
      return null;
    }
  };

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const saved = await saveNow();
    if (saved) setNotice(t("answer.saved", { version: saved.version }));
  };

  const onSubmitConfirmed = async () => {
    setConfirming(false);
    setNotice(null);
    let current = answer;
    if (dirty || !current) {
      current = await saveNow();
      if (!current) return;
    }
    save.reset();
    try {
      await submit.mutateAsync(current.etag);
      setNotice(t("answer.submitted"));
    } catch {
      // shown below
    }
  };

  const onReload = async () => {
    setReloading(true);
    save.reset();
    submit.reset();
    setDirty(false);
    const result = (await reload()) as { data?: SubmissionRead | null };
    setRaw(rawFromValue(type, result.data?.value));
    setNarrative(result.data?.narrative ?? "");
    setReloading(false);
    setNotice(t("answer.reloaded"));
  };

  const busy = save.isPending || submit.isPending;
  const lng = i18n.language;
  const returned = returnedReview(answer);
  const evidenceMissing = indicator.evidence_required && (answer?.evidence.length ?? 0) === 0;

  return (
    <article aria-labelledby="answer-title">
      <p className="muted">
        <span className="mono">{indicator.code}</span> · {dimensionName} · {period.name}
      </p>
      <h1 id="answer-title">{indicator.name}</h1>
      <p className="answer-meta">
        <StatusBadge status={status} /> {answer?.is_late ? <LateBadge /> : null}{" "}
        <span className="muted">
          {answer?.region_name ?? answerKey.region} · {t("tasks.deadline")}: {formatDate(period.deadline, lng)}
          {answer ? ` · ${t("history.version", { version: answer.version })}` : ""}
        </span>
      </p>

      {returned ? <ReturnedNotice review={returned} title={t("answer.returnedTitle")} role="alert" /> : null}

      <section className="panel" aria-labelledby={ids.guidance}>
        <h2 id={ids.guidance}>{t("answer.guidance")}</h2>
        <p>{indicator.guidance || t("common.none")}</p>
        <h3>{t("answer.evidenceGuidance")}</h3>
        <p>
          {indicator.evidence_guidance || t("common.none")}{" "}
          <span className={`badge ${indicator.evidence_required ? "badge-required" : "badge-optional"}`}>
            {indicator.evidence_required ? t("framework.evidenceRequired") : t("framework.evidenceOptional")}
          </span>
        </p>
        {type === "count" && indicator.target !== null ? (
          <p>
            {t("framework.target")}: <strong>{formatNumber(indicator.target, lng)}</strong>
          </p>
        ) : null}
      </section>

      {error ? (
        <div className="status status-error" role="alert" tabIndex={-1} ref={errorRef}>
          <p>{actionErrorMessage(t, error)}</p>
          {stale ? (
            <button type="button" className="button" onClick={() => void onReload()} disabled={reloading}>
              {t("answer.reload")}
            </button>
          ) : null}
        </div>
      ) : null}
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}

      <section aria-labelledby="answer-form-title">
        <h2 id="answer-form-title">{t("answer.formTitle")}</h2>
        {editable ? (
          <form className="answer-form" onSubmit={(e) => void onSave(e)} noValidate>
            <ValueInput
              type={type}
              value={raw}
              onChange={(v) => change(() => setRaw(v))}
              rubric={framework.level_rubric}
              target={indicator.target}
              error={valueError ?? undefined}
              disabled={busy}
            />
            <div className="field">
              <label htmlFor={ids.narrative}>{t("answer.narrative")}</label>
              <textarea
                id={ids.narrative}
                rows={5}
                maxLength={5000}
                value={narrative}
                disabled={busy}
                onChange={(e) => change(() => setNarrative(e.target.value))}
                aria-describedby={`${ids.narrative}-hint`}
              />
              <p id={`${ids.narrative}-hint`} className="field-hint">
                {t("answer.narrativeHint")}
              </p>
            </div>
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy} aria-busy={save.isPending}>
                {save.isPending ? t("common.saving") : t("answer.saveDraft")}
              </button>
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                aria-expanded={confirming}
                onClick={() => {
                  setNotice(null);
                  setConfirming(true);
                }}
              >
                {t("answer.submit")}
              </button>
              {dirty ? <span className="muted small">{t("answer.unsaved")}</span> : null}
            </div>
            {confirming ? (
              <div
                className="panel panel-warn confirm"
                role="alertdialog"
                aria-labelledby="confirm-submit-title"
                aria-describedby="confirm-submit-body"
                tabIndex={-1}
                ref={confirmRef}
                onKeyDown={(e) => {
                  if (e.key === "Escape") setConfirming(false);
                }}
              >
                <h3 id="confirm-submit-title">{t("answer.confirmTitle")}</h3>
                <p id="confirm-submit-body">
                  {t("answer.confirmBody")}
                  {evidenceMissing ? ` ${t("answer.confirmNoEvidence")}` : ""}
                </p>
                <div className="form-actions">
                  <button type="button" className="button button-primary" onClick={() => void onSubmitConfirmed()}>
                    {t("answer.confirmSubmit")}
                  </button>
                  <button type="button" className="button" onClick={() => setConfirming(false)}>
                    {t("common.cancel")}
                  </button>
                </div>
              </div>
            ) : null}
          </form>
        ) : (
          <>
            <p className="status status-empty" role="status">
              {period.state !== "open"
                ? t("answer.periodClosed")
                : status === "verified"
                  ? t("answer.lockedVerified")
                  : t("answer.lockedSubmitted")}
            </p>
            <dl className="details">
              <div>
                <dt>{t("answer.value")}</dt>
                <dd>{formatValue(t, lng, type, answer?.value, { rubric: framework.level_rubric, target: indicator.target })}</dd>
              </div>
              <div>
                <dt>{t("answer.narrative")}</dt>
                <dd className="pre-wrap">{answer?.narrative || t("common.none")}</dd>
              </div>
            </dl>
          </>
        )}
      </section>

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t("evidence.title")}</h2>
        {evidenceMissing ? <p className="muted">{t("evidence.requiredHint")}</p> : null}
        {answer ? <EvidenceList answerKey={answerKey} evidence={answer.evidence} canDelete={editable} /> : null}
        {editable ? (
          answer ? (
            <EvidenceUpload answerKey={answerKey} />
          ) : (
            <p className="muted">{t("evidence.saveFirst")}</p>
          )
        ) : null}
      </section>

      {answer ? (
        <section aria-labelledby="history-title">
          <h2 id="history-title">{t("history.title")}</h2>
          {history.isPending ? (
            <Loading />
          ) : history.isError ? (
            <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
          ) : (
            <HistoryList items={history.data.items} type={type} rubric={framework.level_rubric} target={indicator.target} />
          )}
        </section>
      ) : null}
    </article>
  );
}

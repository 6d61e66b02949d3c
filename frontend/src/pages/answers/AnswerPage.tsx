import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { FrameworkRead, IndicatorRead, PeriodRead, SubmissionRead } from "../../api/client";
import { useFramework } from "../../api/queries";
import { useRegionTimeZone } from "../../api/timeZones";
import { useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatDate, formatDeadline, formatNumber } from "../../format";
import {
  HistoryList,
  LateBadge,
  ReturnedNotice,
  StatusBadge,
  actionErrorMessage,
  evidenceGuidanceText,
  findIndicator,
  formatValue,
  isStale,
  returnedReview,
} from "./common";
import { AnswerComments } from "./Comments";
import { EvidenceList, EvidenceUpload } from "./Evidence";
import { ConfirmSubmit, MissingForSubmit } from "./SubmitChecks";
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
  const { data: me } = useMe({ fetch: false });
  // The deadline ends at midnight on the Pemda's clock (WITA in Kaltim), named as such.
  const timeZone = useRegionTimeZone(answerKey.region);
  const ids = { narrative: useId(), guidance: useId(), missing: useId() };
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
  // What a submission still lacks, shown in place of the confirmation.
  const [missing, setMissing] = useState<string[]>([]);
  // A notice belongs to the version it speaks of: an upload or a reload makes it old.
  const [notice, setNotice] = useState<{ text: string; version: number | null } | null>(null);
  const [reloading, setReloading] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  // Follow the server's copy (a new version after an upload, a reload) unless
  // the user has unsaved changes.
  useEffect(() => {
    if (dirty) return;
    setRaw(rawFromValue(type, answer?.value));
    setNarrative(answer?.narrative ?? "");
  }, [answer?.etag, answer?.value, answer?.narrative]);

  // A new version (a file added or removed) may have supplied what was missing.
  useEffect(() => setMissing([]), [answer?.etag]);

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
    setMissing([]);
  };
  const say = (text: string, version: number | null = null) => setNotice({ text, version });

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
    setMissing([]);
    const saved = await saveNow();
    if (saved) say(t("answer.saved", { version: saved.version }), saved.version);
  };

  /** Opens the confirmation, or says what the answer still lacks (the API would refuse it). */
  const onSubmitClicked = () => {
    setNotice(null);
    save.reset();
    submit.reset();
    const parsed = parseValue(type, raw);
    const lacks: string[] = [];
    // One alert naming everything missing; the field's own error would repeat it.
    if (!parsed.ok) lacks.push(t("answer.missingValue"));
    if (evidenceMissing) lacks.push(t("answer.missingEvidence"));
    setMissing(lacks);
    setConfirming(lacks.length === 0);
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
      say(t("answer.submitted"));
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
    say(t("answer.reloaded"));
  };

  const busy = save.isPending || submit.isPending;
  const lng = i18n.language;
  const returned = returnedReview(answer);
  const evidenceMissing = indicator.evidence_required && (answer?.evidence.length ?? 0) === 0;
  const shownNotice = notice && (notice.version === null || notice.version === answer?.version) ? notice.text : null;
  // Whose answer: the agency by name (an operator's own), the Pemda by name.
  const ownPemda = me?.region_code === answerKey.region;
  const regionName = answer?.region_name ?? (ownPemda ? me?.region_name : null) ?? answerKey.region;
  const agencyName = ownPemda && me?.agency_name ? me.agency_name : null;

  return (
    <article aria-labelledby="answer-title">
      <p className="muted">
        <span className="mono">{indicator.code}</span> · {dimensionName} · {period.name}
      </p>
      <h1 id="answer-title">{indicator.name}</h1>
      <p className="answer-meta">
        <StatusBadge status={status} /> {answer?.is_late ? <LateBadge /> : null}{" "}
        <span className="muted">
          {agencyName ? `${agencyName} · ` : ""}
          {regionName} · {t("tasks.deadline")}:{" "}
          {timeZone ? formatDeadline(period.deadline, lng, timeZone) : formatDate(period.deadline, lng)}
        </span>
        {answer ? (
          <span className="badge badge-version" data-testid="answer-version">
            {t("history.version", { version: answer.version })}
          </span>
        ) : null}
      </p>

      {returned ? <ReturnedNotice review={returned} title={t("answer.returnedTitle")} role="alert" /> : null}

      <section className="panel" aria-labelledby={ids.guidance}>
        <h2 id={ids.guidance}>{t("answer.guidance")}</h2>
        <p>{indicator.guidance || t("common.none")}</p>
        <h3>{t("answer.evidenceGuidance")}</h3>
        <p>
          {evidenceGuidanceText(indicator.evidence_guidance, indicator.evidence_required) || t("common.none")}{" "}
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
      {shownNotice ? (
        <p className="status status-ok" role="status">
          {shownNotice}
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
                aria-describedby={missing.length > 0 ? ids.missing : undefined}
                onClick={onSubmitClicked}
              >
                {t("answer.submit")}
              </button>
              {dirty ? <span className="muted small">{t("answer.unsaved")}</span> : null}
            </div>
            <MissingForSubmit id={ids.missing} missing={missing} />
            {confirming ? (
              <ConfirmSubmit onConfirm={() => void onSubmitConfirmed()} onCancel={() => setConfirming(false)} />
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
          <>
            {answer ? null : <p className="muted">{t("evidence.beforeFirstSave")}</p>}
            <EvidenceUpload answerKey={answerKey} />
          </>
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

      <AnswerComments answerKey={answerKey} />
    </article>
  );
}

import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatNumber } from "../../format";
import { usePeriod } from "../answers/queries";
import { ReasonForm, reasonFieldError } from "../review/ReasonForm";
import { RegionTime, ReportLateBadge, ReportStateBadge, mayReviewReport, mayWriteReport, reportStateLabel } from "./common";
import { ReportEditor, SECTIONS } from "./ReportEditor";
import { ReportProblem } from "./ReportProblem";
import { ReportIncidents } from "../incidents/ReportIncidents";
import { Recommendations } from "./Recommendations";
import { useReport, useReportTransition, useSaveReport, type ReportRead } from "./queries";

type ReasonMode = "return" | "unaccept";

/** /laporan/:region/:period — one Pemda's report: read, written, sent, accepted or returned. */
export function ReportPage() {
  const { t, i18n } = useTranslation();
  const { region = "", period: periodCode = "" } = useParams();
  const key = { region, period: periodCode };
  const report = useReport(key);
  const period = usePeriod(periodCode);
  const { data: me } = useMe({ fetch: false });
  const save = useSaveReport(key);
  const submit = useReportTransition(key, "submit");
  const accept = useReportTransition(key, "accept");
  const sendBack = useReportTransition(key, "return");
  const unaccept = useReportTransition(key, "unaccept");
  const [mode, setMode] = useState<ReasonMode | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const onDirty = useCallback((value: boolean) => setDirty(value), []);
  usePageTitle(t("reports.detailTitle", { name: report.data?.region_name ?? region, period: periodCode }));

  const back = (
    <p className="breadcrumb no-print">
      <Link to="/laporan">‹ {t("reports.backToList")}</Link>
    </p>
  );
  if (report.isPending) return <Loading />;
  if (report.isError) {
    return (
      <>
        {back}
        <ErrorMessage error={report.error} onRetry={() => void report.refetch()} />
      </>
    );
  }
  const data: ReportRead = report.data;
  const lng = i18n.language;
  const writer = mayWriteReport(me, data.region);
  const reviewer = mayReviewReport(me, data.region);
  // Writing and sending need an open period (the server's require_open); the reviews do not.
  const periodOpen = period.data?.state === "open";
  const editable = writer && periodOpen && (data.state === "draft" || data.state === "returned");
  const mutations = [save, submit, accept, sendBack, unaccept];
  const busy = mutations.some((m) => m.isPending);
  const reasonMutation = mode === "unaccept" ? unaccept : sendBack;
  const reasonError = mode ? reasonFieldError(t, reasonMutation.error) : undefined;
  const error = reasonError ? null : mutations.find((m) => m.error)?.error;
  const resetAll = () => {
    mutations.forEach((m) => m.reset());
    setNotice(null);
  };
  const reload = () => {
    resetAll();
    void report.refetch();
  };
  const act = (mutation: typeof submit, done: (r: ReportRead) => string, reason?: string) => {
    resetAll();
    mutation.mutate(
      { etag: data.etag, reason },
      {
        onSuccess: (r) => {
          setNotice(done(r));
          setMode(null);
        },
      },
    );
  };

  return (
    <article aria-labelledby="report-title" className="report-page">
      {back}
      <p className="muted">
        {period.data?.name ?? data.period} · <span className="mono">{data.region}</span>
      </p>
      <h1 id="report-title">{t("reports.heading", { name: data.region_name })}</h1>
      <p className="answer-meta">
        <ReportStateBadge state={data.state} />{" "}
        {data.first_submitted_at ? <ReportLateBadge late={data.late} /> : null}{" "}
        <span className="muted">{t("reports.version", { version: data.version })}</span>
      </p>

      <dl className="details" aria-label={t("reports.details")}>
        <div>
          <dt>{t("reports.receipt")}</dt>
          <dd className="mono report-receipt" data-testid="report-receipt">
            {data.receipt_number ?? t("common.none")}
          </dd>
        </div>
        <div>
          <dt>{t("reports.firstSubmittedAt")}</dt>
          <dd>{data.first_submitted_at ? <RegionTime region={data.region} zone={data.time_zone} iso={data.first_submitted_at} /> : t("common.none")}</dd>
        </div>
        {data.submitted_at && data.submitted_at !== data.first_submitted_at ? (
          <div>
            <dt>{t("reports.submittedAgainAt")}</dt>
            <dd>
              <RegionTime region={data.region} zone={data.time_zone} iso={data.submitted_at} />
            </dd>
          </div>
        ) : null}
        {data.accepted_at ? (
          <div>
            <dt>{t("reports.acceptedAt")}</dt>
            <dd>
              <RegionTime region={data.region} zone={data.time_zone} iso={data.accepted_at} /> · {data.accepted_by ?? t("common.none")}
            </dd>
          </div>
        ) : null}
      </dl>

      {data.state === "returned" && data.return_reason ? (
        <div className="status status-warn" role="status">
          <p className="status-title">{t("reports.returnedTitle")}</p>
          <p className="reason-text">“{data.return_reason}”</p>
          <p className="small">
            {data.returned_by ?? t("common.none")}
            {data.returned_at ? <> · <RegionTime region={data.region} zone={data.time_zone} iso={data.returned_at} /></> : null}
          </p>
        </div>
      ) : null}

      <Completeness report={data} />

      <section aria-labelledby="report-narrative-title">
        <h2 id="report-narrative-title">{t("reports.narrative")}</h2>
        {editable ? (
          <ReportEditor
            key={data.etag}
            report={data}
            busy={busy}
            onDirty={onDirty}
            onSave={(body) => {
              resetAll();
              save.mutate({ etag: data.etag, body }, { onSuccess: () => setNotice(t("reports.saved")) });
            }}
          />
        ) : (
          <ReportText report={data} />
        )}
      </section>

      {writer && period.data && !periodOpen && (data.state === "draft" || data.state === "returned") ? (
        <p className="status status-warn" role="note">
          {t("reports.periodClosed")}
        </p>
      ) : null}
      <div className="report-actions no-print">
        {editable ? (
          <>
            <button
              type="button"
              className="button button-primary"
              disabled={busy || dirty || data.version === 0}
              onClick={() =>
                act(submit, (r) =>
                  t(r.late ? "reports.sentLate" : "reports.sentOnTime", { receipt: r.receipt_number ?? t("common.none") }),
                )
              }
            >
              {t("reports.submit")}
            </button>
            {dirty || data.version === 0 ? <span className="muted small">{t("reports.saveFirst")}</span> : null}
          </>
        ) : null}
        {reviewer && data.state === "submitted" ? (
          <>
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => act(accept, () => t("reports.accepted"))}
            >
              {t("reports.accept")}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-expanded={mode === "return"}
              onClick={() => setMode(mode === "return" ? null : "return")}
            >
              {t("reports.return")}
            </button>
          </>
        ) : null}
        {reviewer && data.state === "accepted" ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            aria-expanded={mode === "unaccept"}
            onClick={() => setMode(mode === "unaccept" ? null : "unaccept")}
          >
            {t("reports.unaccept")}
          </button>
        ) : null}
      </div>
      {/* Next to the buttons that caused them: the page above may be a long narrative. */}
      {error ? <ReportProblem error={error} onReload={reload} /> : null}
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
      {mode ? (
        <ReasonForm
          key={mode}
          label={t(mode === "return" ? "reports.returnReason" : "reports.unacceptReason")}
          submitLabel={t(mode === "return" ? "reports.confirmReturn" : "reports.confirmUnaccept")}
          busy={busy}
          serverError={reasonError}
          onSubmit={(reason) =>
            act(reasonMutation, () => t(mode === "return" ? "reports.returned" : "reports.unaccepted"), reason)
          }
          onCancel={() => setMode(null)}
        />
      ) : null}

      <Recommendations report={data} periodOpen={periodOpen} periodStart={period.data?.start_date} onReload={reload} />

      <ReportIncidents incidents={data.incidents} region={data.region} since={period.data?.start_date} until={period.data?.end_date} />

      <section aria-labelledby="report-history-title">
        <h2 id="report-history-title">{t("reports.history")}</h2>
        {data.history.length === 0 ? (
          <p className="muted">{t("reports.historyEmpty")}</p>
        ) : (
          <ol className="history" reversed>
            {[...data.history].reverse().map((item) => (
              <li key={item.version} className="history-item" data-action={item.action}>
                <p className="history-head">
                  <strong className="history-action">
                    {t(`reports.actions.${item.action}`, { defaultValue: item.action })}
                  </strong>{" "}
                  <span className="history-actor">{item.actor}</span>{" "}
                  <span className="muted small">
                    <RegionTime region={data.region} zone={data.time_zone} iso={item.at} />
                  </span>
                </p>
                <p className="small">
                  {t("reports.version", { version: formatNumber(item.version, lng) })} ·{" "}
                  {reportStateLabel(t, item.state)}
                </p>
                {item.reason ? <p className="history-reason">“{item.reason}”</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

/** The narrative as sent, for everyone who reads but does not write it. */
function ReportText({ report }: { report: ReportRead }) {
  const { t } = useTranslation();
  const sig = report.signatory;
  return (
    <dl className="report-text">
      {SECTIONS.map((name) => (
        <div key={name}>
          <dt>
            <strong>{t(`reports.fields.${name}`)}</strong>
          </dt>
          <dd className="report-section-text">{report[name] || t("common.none")}</dd>
        </div>
      ))}
      <div>
        <dt>
          <strong>{t("reports.signatory")}</strong>
        </dt>
        <dd>
          {sig.name || sig.nip || sig.position ? (
            <>
              {sig.name || t("common.none")}
              <br />
              {t("reports.nip")} <span className="mono">{sig.nip || t("common.none")}</span>
              <br />
              {sig.position || t("common.none")}
            </>
          ) : (
            t("common.none")
          )}
        </dd>
      </div>
    </dl>
  );
}

/** The Pemda's applicable answers for the period: what a submission and an acceptance need. */
function Completeness({ report }: { report: ReportRead }) {
  const { t, i18n } = useTranslation();
  const c = report.completeness;
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <section aria-labelledby="report-answers-title" className={`panel${c.complete ? "" : " panel-warn"}`}>
      <h2 id="report-answers-title">{t("reports.answers")}</h2>
      <p data-testid="report-completeness">
        {t(c.complete ? "reports.answersComplete" : "reports.answersOpen", {
          done: n(c.submitted + c.verified),
          total: n(c.applicable),
        })}
      </p>
      <ul className="report-chips">
        {(["not_started", "draft", "returned", "submitted", "verified"] as const).map((status) => (
          <li key={status}>
            <span className={`badge badge-status-${status}`}>{t(`answerStatus.${status}`)}</span>{" "}
            <strong className="num">{n(c[status])}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}

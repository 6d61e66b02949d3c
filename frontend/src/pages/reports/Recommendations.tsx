import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, NETWORK_ERROR, type MeRead } from "../../api/client";
import { useMe } from "../../auth/session";
import { errorText } from "../../components/labels";
import { formatDate } from "../../format";
import { EvidenceFiles, FileDrop } from "../answers/Evidence";
import { AddRecommendation, FollowUpForm, recommendationStatusLabel } from "./RecommendationForms";
import { RegionTime, mayWriteReport } from "./common";
import type { ReportKey, ReportRead } from "./queries";
import {
  uploadRecommendationEvidence,
  useDeleteRecommendationEvidence,
  useRecommendationFilesChanged,
  type RecommendationRead,
} from "./recommendationQueries";

/**
 * Mirrors recommendation_rules.may_follow_up: whoever writes the report, and the operators
 * of the responsible agency. Only to offer the form; the server decides.
 */
export function mayFollowUp(me: MeRead | null | undefined, rec: Pick<RecommendationRead, "region" | "agency">): boolean {
  if (!me) return false;
  if (mayWriteReport(me, rec.region)) return true;
  return me.role === "operator" && me.agency_code === rec.agency;
}

/**
 * Mirrors recommendation_rules.may_create with the report's state and the period: the
 * writer, while the report is a draft or returned and the period open.
 */
export function mayAddRecommendation(
  me: MeRead | null | undefined,
  report: Pick<ReportRead, "region" | "state">,
  periodOpen: boolean,
): boolean {
  return mayWriteReport(me, report.region) && periodOpen && (report.state === "draft" || report.state === "returned");
}

export function RecommendationStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-rec-${status}`}>{recommendationStatusLabel(t, status)}</span>;
}

/** The flags a reader scans for: the state, past due, and brought over from an earlier report. */
export function RecommendationFlags({ rec }: { rec: RecommendationRead }) {
  const { t } = useTranslation();
  return (
    <p className="rec-flags">
      <RecommendationStatusBadge status={rec.status} />
      {rec.overdue ? <span className="badge badge-late">{t("recommendations.overdue")}</span> : null}
      {rec.carried ? (
        <span className="badge badge-rec-carried">{t("recommendations.carried", { period: rec.period })}</span>
      ) : null}
    </p>
  );
}

/** The report's "Rekomendasi" section: this report's items, then the carried ones, each followed up in place. */
export function Recommendations({
  report,
  periodOpen,
  periodStart,
  onReload,
}: {
  report: ReportRead;
  periodOpen: boolean;
  periodStart?: string;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const { data: me } = useMe({ fetch: false });
  const [editing, setEditing] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ id: number; text: string } | null>(null);
  const key = { region: report.region, period: report.period };
  const items = report.recommendations;
  const adder = mayAddRecommendation(me, report, periodOpen);

  return (
    <section aria-labelledby="report-recommendations-title" className="recommendations">
      <h2 id="report-recommendations-title">{t("recommendations.title")}</h2>
      <p className="muted small">{t("recommendations.intro")}</p>
      {items.length === 0 ? (
        <p className="muted">{t("recommendations.empty")}</p>
      ) : (
        <ol className="rec-list" aria-label={t("recommendations.listLabel")} data-testid="recommendations">
          {items.map((rec) => (
            <li key={rec.id} className="panel rec-item" data-status={rec.status} data-overdue={rec.overdue || undefined}>
              <RecommendationFlags rec={rec} />
              <p className="rec-text">{rec.text}</p>
              <RecommendationDetails rec={rec} />
              <FollowUpFiles rec={rec} reportKey={key} editing={editing === rec.id && mayFollowUp(me, rec)} />
              {notice?.id === rec.id ? (
                <p className="status status-ok" role="status">
                  {notice.text}
                </p>
              ) : null}
              {mayFollowUp(me, rec) ? (
                editing === rec.id ? (
                  <FollowUpForm
                    key={rec.etag}
                    reportKey={key}
                    rec={rec}
                    onDone={(text) => {
                      setEditing(null);
                      setNotice({ id: rec.id, text });
                    }}
                    onCancel={() => setEditing(null)}
                    onReload={onReload}
                  />
                ) : (
                  <p className="no-print">
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        setEditing(rec.id);
                        setNotice(null);
                      }}
                    >
                      {t("recommendations.followUpAction")}
                    </button>
                  </p>
                )
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {adder ? (
        <AddRecommendation reportKey={key} periodStart={periodStart} onReload={onReload} />
      ) : mayWriteReport(me, report.region) ? (
        <p className="muted small no-print">{t("recommendations.addClosed")}</p>
      ) : null}
    </section>
  );
}

/** Who answers for it, by when, what has been done, and who last touched it. */
function RecommendationDetails({ rec }: { rec: RecommendationRead }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className="rec-details">
      <div>
        <dt>{t("recommendations.agency")}</dt>
        <dd>{rec.agency_name}</dd>
      </div>
      <div>
        <dt>{t("recommendations.due")}</dt>
        <dd>
          <time dateTime={rec.due_on}>{formatDate(rec.due_on, i18n.language)}</time>
        </dd>
      </div>
      <div className="rec-note">
        <dt>{t("recommendations.note")}</dt>
        <dd className="report-section-text">{rec.follow_up || t("recommendations.noFollowUp")}</dd>
      </div>
      <div>
        <dt>{t("recommendations.updated")}</dt>
        <dd className="small">
          {rec.updated_by ?? t("common.none")} · <RegionTime region={rec.region} iso={rec.updated_at} />
        </dd>
      </div>
    </dl>
  );
}

/** A file upload or removal refused, in the follow-up's words (not an answer's). */
export function followUpFileError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) return t("common.networkError");
    if (error.status === 413) return t("answerErrors.too_large");
    if (error.status === 415) return t("answerErrors.unsupported_media_type");
    if (error.code === "invalid_state") return t("recommendations.evidenceLocked");
  }
  return errorText(t, error);
}

/**
 * The files backing the follow-up: download links for every reader (nothing when there
 * are none); while it is followed up here, an upload area and, unless it is done (its
 * files are then the proof: recommendation_rules.check_evidence_removal), delete buttons.
 */
function FollowUpFiles({ rec, reportKey, editing }: { rec: RecommendationRead; reportKey: ReportKey; editing: boolean }) {
  const { t } = useTranslation();
  const remove = useDeleteRecommendationEvidence(reportKey, rec.id);
  const changed = useRecommendationFilesChanged(reportKey);
  const describe = (error: unknown) => followUpFileError(t, error);
  if (!editing && rec.evidence.length === 0) return null;
  const done = rec.status === "done";
  return (
    <div className="rec-evidence" data-testid="rec-evidence">
      <p className="rec-evidence-title">{t("recommendations.evidence")}</p>
      <EvidenceFiles evidence={rec.evidence} remove={editing && !done ? remove : undefined} errorMessage={describe} />
      {editing ? (
        <>
          <p className="field-hint">{done ? t("recommendations.evidenceLocked") : t("recommendations.evidenceHint")}</p>
          <FileDrop
            send={(file, onProgress) => uploadRecommendationEvidence(rec.id, file, onProgress)}
            onUploaded={(file) => changed(rec.id, (files) => [...files.filter((f) => f.id !== file.id), file])}
            errorMessage={describe}
          />
        </>
      ) : null}
    </div>
  );
}

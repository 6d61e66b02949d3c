import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { errorText } from "../../components/labels";
import { formatDate, formatDateTimeInZone } from "../../format";
import { ReasonForm, reasonFieldError } from "../review/ReasonForm";
import {
  LevelBadge,
  OverdueBadge,
  SeverityBadge,
  StateBadge,
  categoryLabel,
  formatCoordinate,
  levelLabel,
  numberFromPath,
  stateLabel,
} from "./common";
import { FilesInput } from "./FilesInput";
import { useEscalate, useIncident, useIncidentUpdate, type IncidentRead, type IncidentState } from "./queries";
import { uploadIncidentFiles } from "./upload";

type Mode = { kind: "step"; state: IncidentState } | { kind: "note" } | { kind: "escalate" } | null;

/** The words of a step's button: what the person does, not the state's name. */
function stepKey(from: IncidentState, to: IncidentState): string {
  if (from === "resolved" && to === "handling") return "incidents.steps.reopen";
  return `incidents.steps.${to}`;
}

/** /laporan-cepat/:region/:year/:seq — one incident, its timeline and what may be done next. */
export function IncidentPage() {
  const { t, i18n } = useTranslation();
  const { region = "", year = "", seq = "" } = useParams();
  const number = numberFromPath(region, year, seq);
  const { data: me } = useMe({ fetch: false });
  // The Ministry reads any incident it asks for (`all`), not only the escalated ones.
  const all = Boolean(me && me.kind === "user" && !me.region_code);
  const incident = useIncident(number, all);
  const update = useIncidentUpdate(number, all);
  const escalate = useEscalate(number, all);
  const location = useLocation();
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  const [mode, setMode] = useState<Mode>(null);
  usePageTitle(incident.data ? `${incident.data.number} · ${incident.data.title}` : number);

  const back = (
    <p className="breadcrumb no-print">
      <Link to="/laporan-cepat">‹ {t("incidents.backToList")}</Link>
    </p>
  );
  if (incident.isPending) return <Loading />;
  if (incident.isError) {
    return (
      <>
        {back}
        <ErrorMessage error={incident.error} onRetry={() => void incident.refetch()} />
      </>
    );
  }
  const data: IncidentRead = incident.data;
  const lng = i18n.language;
  const at = (iso: string) => formatDateTimeInZone(iso, lng, data.time_zone);
  const busy = update.isPending || escalate.isPending;
  const error = update.error ?? (mode?.kind === "escalate" ? null : escalate.error);
  const done = (message: string) => {
    setNotice(message);
    setMode(null);
  };

  return (
    <article aria-labelledby="incident-title" className="incident-page">
      {back}
      <p className="muted mono" data-testid="incident-number">
        {data.number}
      </p>
      <h1 id="incident-title">{data.title}</h1>
      <p className="answer-meta">
        <SeverityBadge severity={data.severity} /> <StateBadge state={data.state} /> <OverdueBadge overdue={data.overdue} />{" "}
        <LevelBadge level={data.level} />
      </p>
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}

      <dl className="details" aria-label={t("incidents.details")}>
        <div>
          <dt>{t("incidents.category")}</dt>
          <dd>{categoryLabel(t, data.category)}</dd>
        </div>
        <div>
          <dt>{t("incidents.where")}</dt>
          <dd>
            {data.region_name} · {data.location.district}
            {data.location.village ? ` · ${data.location.village}` : ""}
            {data.location.lat !== null && data.location.lon !== null ? (
              <div className="small mono">
                {formatCoordinate(data.location.lat, lng)}, {formatCoordinate(data.location.lon, lng)}
              </div>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t("incidents.occurredAt")}</dt>
          <dd>{at(data.occurred_at)}</dd>
        </div>
        <div>
          <dt>{t("incidents.reportedAt")}</dt>
          <dd>
            {at(data.reported_at)} · {data.reported_by}
          </dd>
        </div>
        <div>
          <dt>{t("incidents.acknowledgeBy")}</dt>
          <dd>
            {data.acknowledged_at
              ? t(data.acknowledged_late ? "incidents.acknowledgedLate" : "incidents.acknowledgedOnTime", {
                  at: at(data.acknowledged_at),
                })
              : at(data.acknowledge_by)}
          </dd>
        </div>
        <div>
          <dt>{t("incidents.level")}</dt>
          <dd>{levelLabel(t, data.level)}</dd>
        </div>
      </dl>

      <section aria-labelledby="incident-what-title">
        <h2 id="incident-what-title">{t("incidents.whatHappened")}</h2>
        <p className="report-section-text">{data.description || t("common.none")}</p>
        <h3>{t("incidents.actionsTaken")}</h3>
        <p className="report-section-text">{data.actions_taken || t("common.none")}</p>
      </section>

      <Actions data={data} busy={busy} mode={mode} setMode={setMode} />
      {error ? (
        <p className="status status-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {mode?.kind === "step" || mode?.kind === "note" ? (
        <NoteForm
          key={mode.kind === "step" ? mode.state : "note"}
          label={mode.kind === "step" ? t(stepKey(data.state, mode.state)) : t("incidents.addNote")}
          busy={busy}
          onCancel={() => setMode(null)}
          onSubmit={(note) =>
            update.mutate(
              { note, state: mode.kind === "step" ? mode.state : undefined },
              {
                onSuccess: (r) =>
                  done(mode.kind === "step" ? t("incidents.stepDone", { state: stateLabel(t, r.state) }) : t("incidents.noteAdded")),
              },
            )
          }
        />
      ) : null}
      {mode?.kind === "escalate" ? (
        <ReasonForm
          label={t("incidents.escalateReason")}
          submitLabel={t("incidents.confirmEscalate")}
          busy={busy}
          serverError={reasonFieldError(t, escalate.error)}
          onCancel={() => setMode(null)}
          onSubmit={(reason) =>
            escalate.mutate(reason, {
              onSuccess: (r) => done(t("incidents.escalated", { level: levelLabel(t, r.level) })),
            })
          }
        />
      ) : null}

      <Files data={data} onDone={(message) => {
        setNotice(message);
        void incident.refetch();
      }} />

      <section aria-labelledby="incident-timeline-title">
        <h2 id="incident-timeline-title">{t("incidents.timeline")}</h2>
        <ol className="history" reversed data-testid="incident-timeline">
          {[...data.timeline].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`} className="history-item" data-kind={entry.kind}>
              <p className="history-head">
                <strong>{t(`incidents.kinds.${entry.kind}`, { defaultValue: entry.kind })}</strong>
                {entry.kind === "step" ? ` · ${stateLabel(t, entry.state)}` : ""}
                {entry.kind === "escalated" ? ` · ${levelLabel(t, entry.level)}` : ""}{" "}
                <span className="history-actor">{entry.actor}</span>{" "}
                <span className="muted small">
                  <time dateTime={entry.at}>{at(entry.at)}</time>
                </span>
              </p>
              {entry.note ? <p className="history-reason">{entry.note}</p> : null}
            </li>
          ))}
        </ol>
        <p className="muted small">
          {t("incidents.occurredOn", { day: formatDate(data.occurred_on, lng) })}
        </p>
      </section>
    </article>
  );
}

function Actions({
  data,
  busy,
  mode,
  setMode,
}: {
  data: IncidentRead;
  busy: boolean;
  mode: Mode;
  setMode: (mode: Mode) => void;
}) {
  const { t } = useTranslation();
  const allowed = data.allowed;
  if (!allowed.states.length && !allowed.note && !allowed.escalate) return null;
  const toggle = (next: Mode) =>
    setMode(mode && next && mode.kind === next.kind && (mode.kind !== "step" || (next.kind === "step" && mode.state === next.state)) ? null : next);
  return (
    <div className="report-actions incident-actions no-print">
      {allowed.states.map((state) => (
        <button
          key={state}
          type="button"
          className="button button-primary"
          disabled={busy}
          aria-expanded={mode?.kind === "step" && mode.state === state}
          onClick={() => toggle({ kind: "step", state })}
        >
          {t(stepKey(data.state, state))}
        </button>
      ))}
      {allowed.escalate ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          aria-expanded={mode?.kind === "escalate"}
          onClick={() => toggle({ kind: "escalate" })}
        >
          {t(allowed.escalate_to === "province" ? "incidents.escalateProvince" : "incidents.escalateMinistry")}
        </button>
      ) : null}
      {allowed.note ? (
        <button type="button" className="button" disabled={busy} aria-expanded={mode?.kind === "note"} onClick={() => toggle({ kind: "note" })}>
          {t("incidents.addNote")}
        </button>
      ) : null}
    </div>
  );
}

const NOTE_MIN = 3;

function NoteForm({
  label,
  busy,
  onSubmit,
  onCancel,
}: {
  label: string;
  busy: boolean;
  onSubmit: (note: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState("");
  const enough = note.trim().length >= NOTE_MIN;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (enough && !busy) onSubmit(note.trim());
  };
  return (
    <form className="panel reason-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id}>{t("incidents.noteFor", { action: label })}</label>
        <textarea id={id} rows={3} value={note} onChange={(e) => setNote(e.target.value)} autoFocus />
        <p className="field-hint">{t("incidents.noteHint", { min: NOTE_MIN })}</p>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!enough || busy}>
          {label}
        </button>{" "}
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function isImage(contentType: string): boolean {
  return contentType === "image/jpeg" || contentType === "image/png";
}

function Files({ data, onDone }: { data: IncidentRead; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [keepLocation, setKeepLocation] = useState(false);
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const send = async () => {
    setSending(true);
    setFailed(null);
    const outcomes = await uploadIncidentFiles(data.number, files, keepLocation);
    setSending(false);
    const bad = outcomes.filter((o) => o.error);
    setFiles([]);
    if (bad.length) setFailed(bad.map((o) => `${o.name}: ${errorText(t, o.error)}`).join("; "));
    if (bad.length < outcomes.length) onDone(t("incidents.filesAdded", { count: outcomes.length - bad.length }));
  };
  return (
    <section aria-labelledby="incident-files-title">
      <h2 id="incident-files-title">{t("incidents.files")}</h2>
      {data.files.length ? (
        <ul className="incident-files" data-testid="incident-file-list">
          {data.files.map((file) => (
            <li key={file.id}>
              {isImage(file.content_type) ? (
                <a href={`${file.url}?inline=true`} target="_blank" rel="noreferrer">
                  <img src={`${file.url}?inline=true`} alt={file.name} className="incident-photo" loading="lazy" />
                </a>
              ) : null}
              <a href={file.url} download>
                {file.name}
              </a>{" "}
              <span className="muted small">
                {file.uploaded_by}
                {file.location_kept ? ` · ${t("incidents.locationKept")}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("incidents.noFiles")}</p>
      )}
      {data.allowed.files ? (
        <div className="no-print">
          <FilesInput files={files} onFiles={setFiles} keepLocation={keepLocation} onKeepLocation={setKeepLocation} disabled={sending} />
          {files.length ? (
            <button type="button" className="button button-primary" disabled={sending} onClick={() => void send()}>
              {sending ? t("incidents.form.sending") : t("incidents.sendFiles", { count: files.length })}
            </button>
          ) : null}
          {failed ? (
            <p className="status status-error" role="alert">
              {failed}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

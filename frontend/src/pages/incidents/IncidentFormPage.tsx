import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ApiError } from "../../api/client";
import { useRegions } from "../../api/queries";
import { useMe } from "../../auth/session";
import { PageFrame } from "../../components/ListPage";
import { errorText } from "../../components/labels";
import { formatNumber } from "../../format";
import {
  ACKNOWLEDGE_HOURS,
  CATEGORIES,
  SEVERITIES,
  categoryLabel,
  incidentPath,
  mayFileIncident,
  severityLabel,
} from "./common";
import { FilesInput } from "./FilesInput";
import { LocationPicker, type Point } from "./LocationPicker";
import { useFileIncident, type IncidentCategory, type IncidentCreate, type IncidentSeverity } from "./queries";
import { uploadIncidentFiles } from "./upload";

/** A `datetime-local` value for the phone's own clock (YYYY-MM-DDTHH:mm). */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The API's instant (with its offset) for what the reporter typed on their own clock. */
export function occurredAt(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Field problems of a 422 as messages, whatever their shape (service or validation). */
function problems(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.status !== 422) return [];
  return error.details.flatMap((item) => {
    if (!item || typeof item !== "object") return [];
    const { field, loc, message } = item as { field?: unknown; loc?: unknown; message?: unknown };
    const name = typeof field === "string" ? field : Array.isArray(loc) ? loc.slice(1).join(".") : "";
    return typeof message === "string" ? [name ? `${name}: ${message}` : message] : [];
  });
}

/**
 * /laporan-cepat/baru — file a quick incident report on a phone in under a minute: what,
 * how severe, when, where (district, village, the phone's position or a tap on the map),
 * what was done, photos (made smaller before they travel).
 */
export function IncidentFormPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data: me } = useMe({ fetch: false });
  const ownRegion = me?.role === "coordinator" || me?.role === "operator" ? (me.region_code ?? "") : "";
  const [region, setRegion] = useState(ownRegion);
  const [category, setCategory] = useState<IncidentCategory | "">("");
  const [severity, setSeverity] = useState<IncidentSeverity | "">("");
  const [occurred, setOccurred] = useState(() => localInputValue(new Date()));
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [actions, setActions] = useState("");
  const [district, setDistrict] = useState("");
  const [village, setVillage] = useState("");
  const [point, setPoint] = useState<Point | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [keepLocation, setKeepLocation] = useState(false);
  const [uploading, setUploading] = useState<string | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const file = useFileIncident();
  const ids = { region: useId(), category: useId(), occurred: useId(), title: useId(), description: useId(),
    actions: useId(), district: useId(), village: useId() };  // prettier-ignore
  const busy = file.isPending || uploading !== null;
  const regions = useRegions({ limit: 500, parent: me?.region_code ?? undefined });

  if (me && !mayFileIncident(me)) {
    return (
      <PageFrame name="incident-new" title={t("incidents.form.title")}>
        <p className="status status-warn">{t("incidents.form.notAllowed")}</p>
      </PageFrame>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocal(null);
    const at = occurredAt(occurred);
    if (!category || !severity || !title.trim() || !district.trim() || !region) {
      setLocal(t("incidents.form.missing"));
      return;
    }
    if (!at || new Date(at).getTime() > Date.now() + 5 * 60_000) {
      setLocal(t("codes.error.occurred_in_future"));
      return;
    }
    const body: IncidentCreate = {
      region,
      category,
      severity,
      occurred_at: at,
      title: title.trim(),
      description: description.trim(),
      actions_taken: actions.trim(),
      location: { district: district.trim(), village: village.trim(), lat: point?.lat ?? null, lon: point?.lon ?? null },
    };
    file.mutate(body, {
      onSuccess: async (incident) => {
        let notice = t("incidents.form.filed", { number: incident.number });
        if (files.length) {
          setUploading(t("incidents.form.uploading", { count: files.length }));
          const outcomes = await uploadIncidentFiles(incident.number, files, keepLocation);
          const failed = outcomes.filter((o) => o.error);
          if (failed.length) {
            notice += ` ${t("incidents.form.someFilesFailed", {
              names: failed.map((o) => `${o.name} (${errorText(t, o.error)})`).join(", "),
            })}`;
          }
          setUploading(null);
        }
        navigate(incidentPath(incident.number), { state: { notice } });
      },
    });
  };

  const fieldErrors = problems(file.error);
  return (
    <PageFrame name="incident-new" title={t("incidents.form.title")} lead={t("incidents.form.lead")} className="incident-form-page">
      <p className="breadcrumb no-print">
        <Link to="/laporan-cepat">‹ {t("incidents.backToList")}</Link>
      </p>
      <form className="incident-form" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="field">
          <label htmlFor={ids.region}>{t("incidents.region")}</label>
          {ownRegion ? (
            <input id={ids.region} value={me?.region_name ? `${me.region_name} (${ownRegion})` : ownRegion} readOnly />
          ) : (
            <select id={ids.region} required value={region} onChange={(e) => setRegion(e.target.value)}>
              <option value="">{t("incidents.form.chooseRegion")}</option>
              {me?.region_code ? <option value={me.region_code}>{me.region_name ?? me.region_code}</option> : null}
              {(regions.data?.items ?? []).map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name} ({r.code})
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.category}>{t("incidents.category")}</label>
          <select id={ids.category} required value={category} onChange={(e) => setCategory(e.target.value as IncidentCategory)}>
            <option value="">{t("incidents.form.chooseCategory")}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(t, c)}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="radio-group severity-choice">
          <legend>{t("incidents.severity")}</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className={`radio severity-option severity-option-${s}`}>
              <input type="radio" name="severity" value={s} checked={severity === s} onChange={() => setSeverity(s)} />
              <span>
                <strong>{severityLabel(t, s)}</strong>{" "}
                <span className="muted small">
                  {t("incidents.form.acknowledgeWithin", { hours: formatNumber(ACKNOWLEDGE_HOURS[s], i18n.language) })}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.occurred}>{t("incidents.occurredAt")}</label>
          <input
            id={ids.occurred}
            type="datetime-local"
            required
            max={localInputValue(new Date())}
            value={occurred}
            onChange={(e) => setOccurred(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.title}>{t("incidents.titleField")}</label>
          <input id={ids.title} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.description}>{t("incidents.description")}</label>
          <textarea id={ids.description} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.district}>{t("incidents.district")}</label>
          <input id={ids.district} required maxLength={100} value={district} onChange={(e) => setDistrict(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.village}>{t("incidents.village")}</label>
          <input id={ids.village} maxLength={100} value={village} onChange={(e) => setVillage(e.target.value)} />
        </div>
        {region ? <LocationPicker region={region} value={point} onChange={setPoint} /> : null}
        <div className="field">
          <label htmlFor={ids.actions}>{t("incidents.actionsTaken")}</label>
          <textarea id={ids.actions} rows={3} value={actions} onChange={(e) => setActions(e.target.value)} />
        </div>
        <FilesInput files={files} onFiles={setFiles} keepLocation={keepLocation} onKeepLocation={setKeepLocation} disabled={busy} />
        {local ? (
          <p className="field-error" role="alert">
            {local}
          </p>
        ) : null}
        {file.error ? (
          <div className="status status-error" role="alert">
            <p>{errorText(t, file.error)}</p>
            {fieldErrors.length ? (
              <ul className="small">
                {fieldErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {uploading ? (
          <p className="status" role="status">
            {uploading}
          </p>
        ) : null}
        <div className="field field-actions">
          <button type="submit" className="button button-primary incident-submit" disabled={busy}>
            {busy ? t("incidents.form.sending") : t("incidents.form.submit")}
          </button>
        </div>
      </form>
    </PageFrame>
  );
}

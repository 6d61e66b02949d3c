import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type RegionDetail, type RegionLevel } from "../../api/client";
import { FormError } from "../../components/FormError";
import { levelLabel } from "../../components/labels";
import { Field } from "../admin/Field";
import { fieldErrors } from "../admin/filters";
import { useCreateRegion, useUpdateRegion, type RegionCreate } from "./queries";

const LEVELS: RegionLevel[] = ["regency", "city", "province"];
const ZONES = ["", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] as const;

function errorsOf(error: unknown): Record<string, string[]> {
  return error instanceof ApiError ? fieldErrors(error) : {};
}

function ZoneSelect({ value, onChange, props }: { value: string; onChange: (v: string) => void; props: object }) {
  const { t } = useTranslation();
  return (
    <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
      {ZONES.map((zone) => (
        <option key={zone} value={zone}>
          {zone ? t(`regionAdmin.zone.${zone}`) : t("regionAdmin.zoneInherited")}
        </option>
      ))}
    </select>
  );
}

/** Add a province (national admin) or a regency or city, e.g. after a split. */
export function CreateRegionForm({ onDone }: { onDone: (code: string) => void }) {
  const { t } = useTranslation();
  const create = useCreateRegion();
  const [form, setForm] = useState({ code: "", name: "", level: "regency" as RegionLevel, bps: "", zone: "" });
  const errors = errorsOf(create.error);
  if (create.error instanceof ApiError && create.error.code === "region_exists")
    (errors.code ??= []).push(t("codes.error.region_exists"));
  const set = (name: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [name]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const code = form.code.trim();
    const body: RegionCreate = {
      code,
      name: form.name.trim(),
      level: form.level,
      // A regency's or city's province is the first part of its code.
      parent: form.level === "province" ? null : code.split(".")[0],
      bps_code: form.bps.trim() || null,
      time_zone: form.zone || null,
    };
    create.mutate(body, { onSuccess: (saved) => onDone(saved.code) });
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="create-region-title">
      <h2 id="create-region-title">{t("regionAdmin.createTitle")}</h2>
      {create.isError ? <FormError error={create.error} title={t("regionAdmin.saveFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("regions.level")} errors={errors.level}>
          {(p) => (
            <select {...p} value={form.level} onChange={(e) => set("level")(e.target.value)}>
              {LEVELS.map((level) => (
                <option key={level} value={level}>
                  {levelLabel(t, level)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("regions.code")} hint={t("regionAdmin.codeHint")} errors={[...(errors.code ?? []), ...(errors.parent ?? [])]}>
          {(p) => (
            <input {...p} type="text" inputMode="decimal" required autoComplete="off" value={form.code} onChange={(e) => set("code")(e.target.value)} />
          )}
        </Field>
        <Field label={t("regions.name")} errors={errors.name}>
          {(p) => <input {...p} type="text" required autoComplete="off" value={form.name} onChange={(e) => set("name")(e.target.value)} />}
        </Field>
        <Field label={t("region.bpsCode")} errors={errors.bps_code}>
          {(p) => <input {...p} type="text" inputMode="numeric" autoComplete="off" value={form.bps} onChange={(e) => set("bps")(e.target.value)} />}
        </Field>
        <Field label={t("region.timeZone")} errors={errors.time_zone}>
          {(p) => <ZoneSelect props={p} value={form.zone} onChange={set("zone")} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t("regionAdmin.save")}
        </button>
      </div>
    </form>
  );
}

/** Rename a region, set its BPS code or its own time zone. */
export function EditRegionForm({ region, onDone }: { region: RegionDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateRegion();
  const [form, setForm] = useState({
    name: region.name,
    bps: region.bps_code ?? "",
    zone: region.own_time_zone ?? "",
  });
  const errors = errorsOf(update.error);
  const set = (name: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [name]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      {
        code: region.code,
        body: { name: form.name.trim(), bps_code: form.bps.trim() || null, time_zone: form.zone || null },
      },
      { onSuccess: onDone },
    );
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="edit-region-title">
      <h2 id="edit-region-title">{t("regionAdmin.editTitle")}</h2>
      {update.isError ? <FormError error={update.error} title={t("regionAdmin.saveFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("regions.name")} errors={errors.name}>
          {(p) => <input {...p} type="text" required autoComplete="off" value={form.name} onChange={(e) => set("name")(e.target.value)} />}
        </Field>
        <Field label={t("region.bpsCode")} errors={errors.bps_code}>
          {(p) => <input {...p} type="text" inputMode="numeric" autoComplete="off" value={form.bps} onChange={(e) => set("bps")(e.target.value)} />}
        </Field>
        <Field label={t("region.timeZone")} errors={errors.time_zone}>
          {(p) => <ZoneSelect props={p} value={form.zone} onChange={set("zone")} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {t("regionAdmin.save")}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t("regionAdmin.cancel")}
        </button>
      </div>
    </form>
  );
}

export { errorsOf };

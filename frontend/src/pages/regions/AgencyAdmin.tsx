import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type AgencyRead } from "../../api/client";
import { Field } from "../admin/Field";
import { FormError } from "../../components/FormError";
import { errorsOf } from "./RegionAdmin";
import { useAgencyTypes } from "../../api/queries";
import { useCreateAgency, useUpdateAgency } from "./queries";

/** Add an agency to a region: its code is `<region>.<type>`, so only the type is chosen. */
export function CreateAgencyForm({ region, onDone }: { region: string; onDone: () => void }) {
  const { t } = useTranslation();
  const types = useAgencyTypes();
  const create = useCreateAgency();
  const [type, setType] = useState("");
  const [name, setName] = useState("");
  const errors = errorsOf(create.error);
  if (create.error instanceof ApiError && create.error.code === "agency_exists")
    (errors.type ??= []).push(t("codes.error.agency_exists"));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ code: `${region}.${type}`, region, type, name: name.trim() }, { onSuccess: onDone });
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="create-agency-title">
      <h3 id="create-agency-title">{t("regionAdmin.agencyCreateTitle")}</h3>
      {create.isError ? <FormError error={create.error} title={t("regionAdmin.saveFailed")} /> : null}
      <div className="form-grid">
        <Field label={t("region.agencyType")} errors={[...(errors.type ?? []), ...(errors.code ?? [])]}>
          {(p) => (
            <select {...p} required value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">{t("regionAdmin.chooseType")}</option>
              {(types.data ?? []).map((item) => (
                <option key={item.code} value={item.code}>
                  {item.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("region.agencyName")} errors={errors.name}>
          {(p) => <input {...p} type="text" required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t("regionAdmin.save")}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t("regionAdmin.cancel")}
        </button>
      </div>
    </form>
  );
}

/** Rename and (de)activate buttons for one agency row. */
export function AgencyActions({ agency }: { agency: AgencyRead }) {
  const { t } = useTranslation();
  const update = useUpdateAgency();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(agency.name);
  const errors = errorsOf(update.error);

  const rename = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ code: agency.code, body: { name: name.trim() } }, { onSuccess: () => setRenaming(false) });
  };

  return (
    <div className="row-actions">
      {renaming ? (
        <form onSubmit={rename} aria-label={t("regionAdmin.rename")}>
          <Field label={t("region.agencyName")} errors={errors.name}>
            {(p) => <input {...p} type="text" required value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <button type="submit" className="button button-primary" disabled={update.isPending}>
            {t("regionAdmin.save")}
          </button>
          <button type="button" className="button" onClick={() => setRenaming(false)}>
            {t("regionAdmin.cancel")}
          </button>
        </form>
      ) : (
        <>
          <button type="button" className="button" onClick={() => setRenaming(true)}>
            {t("regionAdmin.rename")}
          </button>
          <button
            type="button"
            className="button"
            disabled={update.isPending}
            onClick={() => update.mutate({ code: agency.code, body: { is_active: !agency.is_active } })}
          >
            {t(agency.is_active ? "regionAdmin.deactivate" : "regionAdmin.activate")}
          </button>
        </>
      )}
      {update.isError && !renaming ? <FormError error={update.error} title={t("regionAdmin.saveFailed")} /> : null}
    </div>
  );
}

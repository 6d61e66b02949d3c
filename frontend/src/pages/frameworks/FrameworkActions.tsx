import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { FrameworkRead } from "../../api/client";
import { useFrameworks } from "../../api/queries";
import { hasCapability, useMe } from "../../auth/session";
import { ErrorMessage } from "../../components/QueryState";
import { Field } from "../admin/Field";
import { useCopyFramework } from "./queries";

/** Copy a published version as a new draft, edit a draft, compare with another version. */
export function FrameworkActions({ framework }: { framework: FrameworkRead }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const copy = useCopyFramework(framework.code);
  const [target, setTarget] = useState("");
  const [other, setOther] = useState("");
  const versions = useFrameworks();
  const admin = me.data ? hasCapability(me.data, "admin") && me.data.region_code == null : false;
  const others = (versions.data?.items ?? []).filter((f) => f.code !== framework.code);
  return (
    <div className="framework-actions no-print">
      {admin && framework.status === "draft" ? (
        <p><Link className="button" to={`/kerangka/${encodeURIComponent(framework.code)}/ubah`}>{t("frameworkEditor.edit")}</Link></p>
      ) : null}
      {admin && framework.status === "published" ? (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          copy.mutate(target, { onSuccess: (created) => void navigate(`/kerangka/${encodeURIComponent(created.code)}/ubah`) });
        }}>
          <Field label={t("frameworkEditor.copyCode")}>
            {(p) => <input {...p} required value={target} onChange={(e) => setTarget(e.target.value)} />}
          </Field>
          <button type="submit" className="button button-primary" disabled={copy.isPending}>{t("frameworkEditor.copy")}</button>
          {copy.error ? <ErrorMessage error={copy.error} /> : null}
        </form>
      ) : null}
      {others.length > 0 ? (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          if (other) void navigate(`/kerangka/${encodeURIComponent(framework.code)}/banding/${encodeURIComponent(other)}`);
        }}>
          <Field label={t("frameworkDiff.with")}>
            {(p) => (
              <select {...p} value={other} onChange={(e) => setOther(e.target.value)}>
                <option value="">—</option>
                {others.map((f) => <option key={f.code} value={f.code}>{f.code}</option>)}
              </select>
            )}
          </Field>
          <button type="submit" className="button">{t("frameworkDiff.compare")}</button>
        </form>
      ) : null}
    </div>
  );
}

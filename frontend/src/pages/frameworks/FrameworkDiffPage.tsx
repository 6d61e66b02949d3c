import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { useFrameworkDiff, type FrameworkDiff } from "./queries";

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

export function FrameworkDiffPage() {
  const { code = "", other = "" } = useParams();
  const { t } = useTranslation();
  const diff = useFrameworkDiff(code, other);
  usePageTitle(t("frameworkDiff.title", { from: code, to: other }));
  return (
    <section aria-labelledby="diff-title">
      <p className="breadcrumb no-print">
        <Link to={`/kerangka/${encodeURIComponent(code)}`}>‹ {code}</Link>
      </p>
      <h1 id="diff-title">{t("frameworkDiff.title", { from: code, to: other })}</h1>
      {diff.isPending ? (
        <Loading />
      ) : diff.isError ? (
        <ErrorMessage error={diff.error} onRetry={() => void diff.refetch()} />
      ) : (
        <DiffView diff={diff.data} />
      )}
    </section>
  );
}

export function DiffView({ diff }: { diff: FrameworkDiff }) {
  const { t } = useTranslation();
  const nothing =
    diff.added.length + diff.removed.length + diff.changed.length + diff.dimensions.length + diff.thresholds.length === 0;
  if (nothing) return <Empty>{t("frameworkDiff.same")}</Empty>;
  return (
    <>
      {diff.added.length > 0 ? (
        <section aria-labelledby="diff-added">
          <h2 id="diff-added">{t("frameworkDiff.added", { count: diff.added.length })}</h2>
          <ul>
            {diff.added.map((i) => (
              <li key={i.code}><span className="mono">{i.code}</span> {i.name}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {diff.removed.length > 0 ? (
        <section aria-labelledby="diff-removed">
          <h2 id="diff-removed">{t("frameworkDiff.removed", { count: diff.removed.length })}</h2>
          <ul>
            {diff.removed.map((i) => (
              <li key={i.code}><span className="mono">{i.code}</span> {i.name}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {diff.changed.length > 0 ? (
        <section aria-labelledby="diff-changed">
          <h2 id="diff-changed">{t("frameworkDiff.changed", { count: diff.changed.length })}</h2>
          {diff.changed.map((i) => (
            <div key={i.code} className="card">
              <h3><span className="mono">{i.code}</span> {i.name}</h3>
              <dl>
                {i.changes.map((c) => (
                  <div key={c.field}>
                    <dt>{t(`frameworkDiff.field.${c.field}`, { defaultValue: c.field })}</dt>
                    <dd>
                      <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </section>
      ) : null}
      {diff.dimensions.length > 0 ? (
        <section aria-labelledby="diff-dimensions">
          <h2 id="diff-dimensions">{t("frameworkDiff.dimensions")}</h2>
          <ul>
            {diff.dimensions.map((d) => (
              <li key={d.code}>
                <span className="mono">{d.code}</span>: <del>{show(d.before)}</del> → <ins>{show(d.after)}</ins>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {diff.thresholds.length > 0 ? (
        <section aria-labelledby="diff-thresholds">
          <h2 id="diff-thresholds">{t("frameworkDiff.thresholds")}</h2>
          <ul>
            {diff.thresholds.map((d) => (
              <li key={d.category}>
                <span className="mono">{d.category}</span>: <del>{show(d.before)}</del> → <ins>{show(d.after)}</ins>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFrameworks } from "../../api/queries";
import { CardTable } from "../../components/CardTable";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { formatNumber } from "../../format";

export function FrameworksPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("frameworks.title"));
  const frameworks = useFrameworks();
  return (
    <section aria-labelledby="frameworks-title">
      <h1 id="frameworks-title">{t("frameworks.title")}</h1>
      <p className="lead">{t("frameworks.intro")}</p>
      {frameworks.isPending ? (
        <Loading />
      ) : frameworks.isError ? (
        <ErrorMessage error={frameworks.error} onRetry={() => void frameworks.refetch()} />
      ) : frameworks.data.items.length === 0 ? (
        <Empty>{t("frameworks.empty")}</Empty>
      ) : (
        <div className="table-wrap">
          <CardTable>
            <caption className="visually-hidden">{t("frameworks.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("frameworks.code")}</th>
                <th scope="col">{t("frameworks.name")}</th>
                <th scope="col">{t("frameworks.active")}</th>
                <th scope="col" className="num">{t("frameworks.dimensions")}</th>
                <th scope="col" className="num">{t("frameworks.indicators")}</th>
              </tr>
            </thead>
            <tbody>
              {frameworks.data.items.map((f) => (
                <tr key={f.code}>
                  <td className="mono">
                    <Link to={`/kerangka/${encodeURIComponent(f.code)}`}>{f.code}</Link>
                  </td>
                  <td>
                    <Link to={`/kerangka/${encodeURIComponent(f.code)}`}>{f.name}</Link>
                    {f.description ? <div className="muted small">{f.description}</div> : null}
                  </td>
                  <td>
                    <span className={`badge ${f.is_active ? "badge-open" : "badge-closed"}`}>
                      {f.is_active ? t("frameworks.isActive") : t("frameworks.isInactive")}
                    </span>
                  </td>
                  <td className="num">{formatNumber(f.dimension_count, i18n.language)}</td>
                  <td className="num">{formatNumber(f.indicator_count, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </CardTable>
        </div>
      )}
    </section>
  );
}

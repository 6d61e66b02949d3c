import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePeriods } from "../api/queries";
import { CardTable } from "../components/CardTable";
import { usePageTitle } from "../components/Layout";
import { Empty, ErrorMessage, Loading } from "../components/QueryState";
import { periodStateLabel } from "../components/labels";
import { formatDate } from "../format";

export function PeriodsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("periods.title"));
  const periods = usePeriods();
  const date = (iso: string) => (
    <time dateTime={iso}>{formatDate(iso, i18n.language)}</time>
  );

  return (
    <section aria-labelledby="periods-title">
      <h1 id="periods-title">{t("periods.title")}</h1>
      <p className="lead">{t("periods.intro")}</p>
      {periods.isPending ? (
        <Loading />
      ) : periods.isError ? (
        <ErrorMessage error={periods.error} onRetry={() => void periods.refetch()} />
      ) : periods.data.items.length === 0 ? (
        <Empty>{t("periods.empty")}</Empty>
      ) : (
        <div className="table-wrap">
          <CardTable>
            <caption className="visually-hidden">{t("periods.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("periods.code")}</th>
                <th scope="col">{t("periods.name")}</th>
                <th scope="col">{t("periods.framework")}</th>
                <th scope="col">{t("periods.start")}</th>
                <th scope="col">{t("periods.end")}</th>
                <th scope="col">{t("periods.deadline")}</th>
                <th scope="col">{t("periods.state")}</th>
              </tr>
            </thead>
            <tbody>
              {periods.data.items.map((period) => (
                <tr key={period.code}>
                  <td className="mono">{period.code}</td>
                  <td>{period.name}</td>
                  <td className="mono">
                    <Link to={`/kerangka/${encodeURIComponent(period.framework_code)}`}>{period.framework_code}</Link>
                  </td>
                  <td>{date(period.start_date)}</td>
                  <td>{date(period.end_date)}</td>
                  <td>{date(period.deadline)}</td>
                  <td>
                    <span className={`badge badge-${period.state}`}>{periodStateLabel(t, period.state)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </CardTable>
        </div>
      )}
    </section>
  );
}

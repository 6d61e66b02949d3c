import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePeriods } from "../api/queries";
import { ListPage } from "../components/ListPage";
import { periodStateLabel } from "../components/labels";
import { formatDate } from "../format";

export function PeriodsPage() {
  const { t, i18n } = useTranslation();
  const date = (iso: string) => <time dateTime={iso}>{formatDate(iso, i18n.language)}</time>;
  const periods = usePeriods();
  return (
    <ListPage
      name="periods"
      title={t("periods.title")}
      lead={t("periods.intro")}
      query={periods}
      empty={t("periods.empty")}
      caption={t("periods.caption")}
      head={
        <>
          <th scope="col">{t("periods.code")}</th>
          <th scope="col">{t("periods.name")}</th>
          <th scope="col">{t("periods.framework")}</th>
          <th scope="col">{t("periods.start")}</th>
          <th scope="col">{t("periods.end")}</th>
          <th scope="col">{t("periods.deadline")}</th>
          <th scope="col">{t("periods.state")}</th>
        </>
      }
      rowKey={(period) => period.code}
      row={(period) => (
        <tr>
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
      )}
    />
  );
}

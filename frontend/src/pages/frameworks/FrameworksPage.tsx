import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFrameworks } from "../../api/queries";
import { ListPage } from "../../components/ListPage";
import { formatNumber } from "../../format";

export function FrameworksPage() {
  const { t, i18n } = useTranslation();
  const frameworks = useFrameworks();
  return (
    <ListPage
      name="frameworks"
      title={t("frameworks.title")}
      lead={t("frameworks.intro")}
      query={frameworks}
      empty={t("frameworks.empty")}
      caption={t("frameworks.caption")}
      head={
        <>
          <th scope="col">{t("frameworks.code")}</th>
          <th scope="col">{t("frameworks.name")}</th>
          <th scope="col">{t("frameworks.active")}</th>
          <th scope="col">{t("frameworks.status")}</th>
          <th scope="col" className="num">
            {t("frameworks.dimensions")}
          </th>
          <th scope="col" className="num">
            {t("frameworks.indicators")}
          </th>
        </>
      }
      rowKey={(f) => f.code}
      row={(f) => (
        <tr>
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
          <td>
            <span className={`badge ${f.status === "draft" ? "badge-draft" : "badge-open"}`}>
              {t(`codes.enum.FrameworkStatus.${f.status}`)}
            </span>
          </td>
          <td className="num">{formatNumber(f.dimension_count, i18n.language)}</td>
          <td className="num">{formatNumber(f.indicator_count, i18n.language)}</td>
        </tr>
      )}
    />
  );
}

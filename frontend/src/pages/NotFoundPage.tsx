import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePageTitle } from "../components/Layout";

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <section aria-labelledby="notfound-title">
      <h1 id="notfound-title">{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </section>
  );
}

import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage } from "../i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t("lang.label")}>
      {LANGUAGES.map((lng, index) => (
        <span key={lng}>
          {index > 0 ? <span aria-hidden="true" className="lang-sep">|</span> : null}
          <button
            type="button"
            lang={lng}
            className="lang-button"
            aria-pressed={i18n.resolvedLanguage === lng}
            title={t(lng === "id" ? "lang.idName" : "lang.enName")}
            onClick={() => void setLanguage(lng)}
          >
            <span aria-hidden="true">{t(`lang.${lng}`)}</span>
            <span className="visually-hidden">{t(lng === "id" ? "lang.idName" : "lang.enName")}</span>
          </button>
        </span>
      ))}
    </div>
  );
}

import { useTranslation } from "react-i18next";
import { errorText } from "./labels";

/** A form's failure above the form, as the API explained it (its fields' errors go beside them). */
export function FormError({ error, title }: { error: unknown; title: string }) {
  const { t } = useTranslation();
  return (
    <div className="status status-error" role="alert">
      <p className="status-title">{title}</p>
      <p>{errorText(t, error)}</p>
    </div>
  );
}

import { useId } from "react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../../format";

// What answers' evidence accepts (core/filetypes.py); other images (WebP, HEIC that the
// phone can decode) are redrawn as JPEG before they leave the phone.
export const ACCEPT = "image/*,application/pdf,.pdf,.xlsx,.docx,.odt";

/**
 * Photos and documents to attach: the phone's camera or gallery, a list to remove
 * from, and whether to keep the photos' location (then they go up as they are).
 */
export function FilesInput({
  files,
  onFiles,
  keepLocation,
  onKeepLocation,
  disabled = false,
}: {
  files: readonly File[];
  onFiles: (files: File[]) => void;
  keepLocation: boolean;
  onKeepLocation: (keep: boolean) => void;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <fieldset className="incident-files-input">
      <legend>{t("incidents.form.files")}</legend>
      <label htmlFor={id} className="button">
        {t("incidents.form.addFiles")}
      </label>
      <input
        id={id}
        type="file"
        multiple
        accept={ACCEPT}
        className="visually-hidden-input"
        data-testid="incident-files"
        disabled={disabled}
        onChange={(event) => {
          const chosen = Array.from(event.target.files ?? []);
          if (chosen.length) onFiles([...files, ...chosen]);
          event.target.value = "";
        }}
      />
      <p className="field-hint">{t("incidents.form.filesHint")}</p>
      {files.length ? (
        <ul className="incident-file-list">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              <span>{file.name}</span>{" "}
              <span className="muted small">{formatNumber(Math.round(file.size / 1024), i18n.language)} KB</span>{" "}
              <button
                type="button"
                className="button button-small"
                disabled={disabled}
                onClick={() => onFiles(files.filter((_, i) => i !== index))}
              >
                {t("incidents.form.removeFile")}
                <span className="visually-hidden"> {file.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label className="radio">
        <input
          type="checkbox"
          checked={keepLocation}
          disabled={disabled}
          onChange={(event) => onKeepLocation(event.target.checked)}
        />{" "}
        {t("incidents.form.keepLocation")}
      </label>
      <p className="field-hint">{t(keepLocation ? "incidents.form.keepLocationOn" : "incidents.form.keepLocationOff")}</p>
    </fieldset>
  );
}

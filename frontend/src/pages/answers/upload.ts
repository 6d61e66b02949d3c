import { postFile, type UploadHandle as Handle, type UploadProgress } from "../../api/upload";
import type { EvidenceUploadRead } from "../../api/client";
import type { AnswerKey } from "./queries";

export type { UploadProgress };
export { UPLOAD_ABORTED } from "../../api/upload";
export type UploadHandle = Handle<EvidenceUploadRead>;

/** Files the API accepts (it decides by content; this only guides the file picker). */
export const ACCEPTED_TYPES =
  ".pdf,.jpg,.jpeg,.png,.xlsx,.docx,.odt,application/pdf,image/jpeg,image/png," +
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet," +
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document," +
  "application/vnd.oasis.opendocument.text";

export function evidenceUploadUrl(key: AnswerKey): string {
  const enc = encodeURIComponent;
  return `/api/v1/submissions/${enc(key.period)}/${enc(key.region)}/${enc(key.indicator)}/evidence`;
}

/** Uploads one evidence file to the answer, reporting progress (see `postFile`). */
export function uploadEvidence(
  key: AnswerKey,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): UploadHandle {
  return postFile<EvidenceUploadRead>(evidenceUploadUrl(key), file, onProgress);
}

import {
  ApiError,
  CSRF_COOKIE,
  CSRF_HEADER,
  NETWORK_ERROR,
  notifyUnauthorized,
  readCookie,
  toApiError,
  type EvidenceUploadRead,
} from "../../api/client";
import type { AnswerKey } from "./queries";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle {
  promise: Promise<EvidenceUploadRead>;
  abort: () => void;
}

export const UPLOAD_ABORTED = "upload_aborted";

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

/**
 * Uploads one evidence file as multipart field `file`. XMLHttpRequest rather
 * than fetch, because only it reports upload progress. Sends the CSRF cookie
 * as X-CSRF-Token like the API client; failures reject with an ApiError
 * (413 too_large, 415 unsupported_media_type, 409 …).
 */
export function uploadEvidence(
  key: AnswerKey,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<EvidenceUploadRead>((resolve, reject) => {
    xhr.open("POST", evidenceUploadUrl(key));
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === "object") {
        onProgress({ loaded: file.size, total: file.size });
        resolve(body as EvidenceUploadRead);
      } else if (xhr.status === 413 && !(body && typeof body === "object")) {
        // A proxy in front of the API may refuse the size with its own page.
        reject(new ApiError("Request Entity Too Large", 413, "too_large"));
      } else {
        if (xhr.status === 401) notifyUnauthorized();
        reject(toApiError(body, xhr.status, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new ApiError("Network error", 0, NETWORK_ERROR));
    xhr.onabort = () => reject(new ApiError("Aborted", 0, UPLOAD_ABORTED));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

import { ApiError } from "../../api/client";
import { postFile } from "../../api/upload";
import { downscalePhoto } from "./photos";
import { evidenceUrl, type IncidentFileUpload } from "./queries";

export interface UploadOutcome {
  name: string;
  error?: ApiError;
}

/**
 * The chosen files, one after the other (a weak signal carries one well, not five at
 * once): photos made smaller first, unless the reporter keeps their location, which
 * only the original carries. Returns what happened to each, in order.
 */
export async function uploadIncidentFiles(
  number: string,
  files: readonly File[],
  keepLocation: boolean,
  onProgress: (index: number, fraction: number) => void = () => {},
): Promise<UploadOutcome[]> {
  const outcomes: UploadOutcome[] = [];
  for (const [index, original] of files.entries()) {
    const file = keepLocation ? original : await downscalePhoto(original);
    try {
      await postFile<IncidentFileUpload>(evidenceUrl(number, keepLocation), file, ({ loaded, total }) =>
        onProgress(index, total ? loaded / total : 0),
      ).promise;
      outcomes.push({ name: original.name });
    } catch (error) {
      outcomes.push({
        name: original.name,
        error: error instanceof ApiError ? error : new ApiError(String(error), 0, "error"),
      });
    }
  }
  return outcomes;
}

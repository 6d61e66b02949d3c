// Reading a chosen GeoJSON file in the browser, before anything is sent: enough to draw a
// preview and to name the features the server would refuse. The server checks everything
// again (regions/geojson.py) and its answer is what counts.

export interface FeatureProblem {
  /** Index of the feature in the file (0-based), or null for the file as a whole. */
  feature: number | null;
  code: string;
  message: string;
}

export interface ReadBoundaries {
  collection: { type: "FeatureCollection"; features: unknown[] } | null;
  codes: string[];
  problems: FeatureProblem[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readBoundaries(text: string): ReadBoundaries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { collection: null, codes: [], problems: [{ feature: null, code: "invalid_json", message: "not JSON" }] };
  }
  if (!isObject(parsed) || parsed.type !== "FeatureCollection" || !Array.isArray(parsed.features)) {
    return {
      collection: null,
      codes: [],
      problems: [{ feature: null, code: "not_a_feature_collection", message: "not a FeatureCollection" }],
    };
  }
  const problems: FeatureProblem[] = [];
  const codes: string[] = [];
  parsed.features.forEach((feature, index) => {
    if (!isObject(feature)) {
      problems.push({ feature: index, code: "invalid_feature", message: "not a GeoJSON Feature" });
      return;
    }
    const code = isObject(feature.properties) ? feature.properties.code : undefined;
    if (typeof code !== "string" || !code) {
      problems.push({ feature: index, code: "missing_code", message: "properties.code is missing" });
    } else {
      codes.push(code);
    }
    const geometry = feature.geometry;
    if (!isObject(geometry) || (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon") || !Array.isArray(geometry.coordinates)) {
      problems.push({ feature: index, code: "invalid_geometry", message: "not a Polygon or MultiPolygon" });
    }
  });
  if (parsed.features.length === 0) problems.push({ feature: null, code: "no_features", message: "no features" });
  return { collection: { type: "FeatureCollection", features: parsed.features }, codes, problems };
}

/** The server's refusal details (feature, code, message), or none when it sent another shape. */
export function serverProblems(details: unknown[]): FeatureProblem[] {
  const out: FeatureProblem[] = [];
  for (const item of details) {
    if (!isObject(item) || typeof item.code !== "string") continue;
    out.push({
      feature: typeof item.feature === "number" ? item.feature : null,
      code: item.code,
      message: typeof item.message === "string" ? item.message : "",
    });
  }
  return out;
}

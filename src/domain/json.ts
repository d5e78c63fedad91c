/** A value that came back from Slack (a button's value, a view's metadata), read as JSON. */

/** The JSON object `text` holds, when it is one and no longer than `max`; otherwise null. */
export function jsonObject(text: string | undefined, max: number): Record<string, unknown> | null {
  if (!text || text.length > max) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

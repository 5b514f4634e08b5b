/** The first error of an OCI Distribution JSON error body: {"errors":[{"code","message","detail"}]}. */
export function ociError(body: string): { code: string; message: string } | null {
  try {
    const doc = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const e = doc.errors?.[0];
    if (e && typeof e.code === "string") return { code: e.code, message: typeof e.message === "string" ? e.message.slice(0, 200) : "" };
  } catch {
    // not JSON: no OCI error to report
  }
  return null;
}

import type { Metadata } from "next";
import type { OverallStatus } from "../../monitors/queries/overall-status";
import { OVERALL_LABEL } from "../../monitors/queries/overall-status";

/** Title and favicon that follow the overall status, so a pinned tab shows an outage. */
export function statusMetadata(overall: OverallStatus, title?: string): Metadata {
  const label = OVERALL_LABEL[overall];
  return {
    title: title ? `${title} · OpenRegistry status` : `OpenRegistry status: ${label}`,
    icons: { icon: { url: `/favicon-${overall}.svg`, type: "image/svg+xml" } },
  };
}

import { badgeRoute } from "@/monitors/badges/badge-route";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return badgeRoute(request, null, "status.json");
}

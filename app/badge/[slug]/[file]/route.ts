import { badgeRoute } from "@/monitors/badges/badge-route";

export const dynamic = "force-dynamic";

export async function GET(request: Request, ctx: { params: Promise<{ slug: string; file: string }> }) {
  const { slug, file } = await ctx.params;
  return badgeRoute(request, slug, file);
}

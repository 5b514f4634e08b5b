import { sharedDb } from "@/monitors/queries/shared-db";
import { handleAdminPost } from "@/monitors/admin/handle-admin-post";

export const dynamic = "force-dynamic";

// Cached public pages are dropped by the web server when it sees this answer succeed (README,
// "When a change reaches the page"), not here.
export async function POST(req: Request, ctx: { params: Promise<{ command: string }> }) {
  const { command } = await ctx.params;
  return handleAdminPost(command, req, await sharedDb(), process.env);
}

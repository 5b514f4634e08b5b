import { sharedDb } from "../../../../monitors/queries/shared-db";
import { handleAdminPost } from "../../../../monitors/admin/handle-admin-post";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ command: string }> }) {
  const { command } = await ctx.params;
  return handleAdminPost(command, req, await sharedDb());
}

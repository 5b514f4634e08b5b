import { revalidatePath } from "next/cache";
import { sharedDb } from "../../../../monitors/queries/shared-db";
import { clearTtlCaches } from "../../../../monitors/queries/ttl-cache";
import { handleAdminPost } from "../../../../monitors/admin/handle-admin-post";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ command: string }> }) {
  const { command } = await ctx.params;
  return handleAdminPost(command, req, await sharedDb(), process.env, {
    // After a commit, this process's cached public pages go at once (the next visit renders from
    // the database). It is done here because the engine (monitors/) never imports Next.js; other
    // web nodes hear of the change through the database (monitors/store/change-feed.ts).
    onCommitted: () => {
      revalidatePath("/", "layout");
      clearTtlCaches();
    },
  });
}

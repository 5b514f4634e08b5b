import { sharedDb } from "@/monitors/queries/shared-db";
import { handleManagementApi } from "@/monitors/management-api/handle-request";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ path: string[] }> };

/** The management API (monitors/management-api): this file only hands the request over. */
async function handle(req: Request, ctx: Ctx): Promise<Response> {
  const { path } = await ctx.params;
  return handleManagementApi(req.method, `/${path.join("/")}`, req, await sharedDb(), process.env);
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const DELETE = handle;
export const PATCH = handle;

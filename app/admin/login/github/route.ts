import { sharedDb } from "@/monitors/queries/shared-db";
import { startGithubSignIn } from "@/monitors/admin/handle-github-sign-in";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return startGithubSignIn(req, await sharedDb(), process.env);
}

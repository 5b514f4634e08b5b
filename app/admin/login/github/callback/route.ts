import { sharedDb } from "@/monitors/queries/shared-db";
import { finishGithubSignIn } from "@/monitors/admin/handle-github-sign-in";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return finishGithubSignIn(req, await sharedDb(), process.env);
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { runAdminCli } from "../helpers/admin-cli";
import { createSession } from "@/monitors/auth/sessions";

// PASSWORD_LOGIN=0 and GitHub settings in the environment change nothing on the command line:
// it is the operator's way back in (README, "Maintainers' area").
const admin = (url: string, args: string[], input = "") =>
  runAdminCli(url, args, input, { PASSWORD_LOGIN: "0", GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "y" });

describe("link-github and unlink-github on the command line", () => {
  let t: TempDb;
  beforeAll(async () => {
    t = await createTempDb();
  });
  afterAll(async () => t?.cleanup());

  it("creates an account with password sign-in off, links it by login and by id, and unlinks it", async () => {
    expect(admin(t.url, ["create-user", "--email", "op@example.test", "--role", "admin"], "a long enough password\n").status).toBe(0);
    const byLogin = admin(t.url, ["link-github", "--email", "op@example.test", "--github", "@Op-Name"]);
    expect(byLogin).toMatchObject({ status: 0, stdout: "op@example.test (id 1) can sign in with GitHub as @Op-Name\n" });
    expect(await t.db.user.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ githubLogin: "op-name", githubId: null });
    expect(admin(t.url, ["list-users"]).stdout).toMatch(/@op-name \(not yet signed in\)/);

    const byId = admin(t.url, ["link-github", "--email", "op@example.test", "--github-id", "583231"]);
    expect(byId.status).toBe(0);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ githubLogin: null, githubId: "583231" });
    expect(await t.db.auditLog.count({ where: { action: "user.link_github" } })).toBe(2);

    await createSession(t.db, 1);
    const un = admin(t.url, ["unlink-github", "--email", "op@example.test"]);
    expect(un).toMatchObject({ status: 0, stdout: "op@example.test (id 1) is no longer linked to GitHub; 1 session ended\n" });
    expect(await t.db.user.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ githubLogin: null, githubId: null });
  }, 60_000);

  it("refuses bad input with the flag named", async () => {
    await t.db.user.create({ data: { email: "two@example.test", role: "responder", passwordHash: "x", githubId: "42" } });
    const cases: Array<[string[], string]> = [
      [["link-github", "--email", "op@example.test"], "admin: give one of --github LOGIN or --github-id N\n"],
      [
        ["link-github", "--email", "op@example.test", "--github", "a", "--github-id", "1"],
        "admin: give one of --github LOGIN or --github-id N\n",
      ],
      [
        ["link-github", "--email", "op@example.test", "--github", "no spaces"],
        'admin: --github: must be a GitHub login (letters, digits, dashes; at most 39), got "no spaces"\n',
      ],
      [
        ["link-github", "--email", "op@example.test", "--github-id", "-3"],
        'admin: --github-id: must be a GitHub account\'s numeric id, got "-3"\n',
      ],
      [
        ["link-github", "--email", "op@example.test", "--github-id", "42"],
        "admin: --github-id: 42 is linked to two@example.test already\n",
      ],
      [["link-github", "--email", "nobody@example.test", "--github", "x"], "admin: --email: no user nobody@example.test\n"],
    ];
    for (const [args, stderr] of cases) expect(admin(t.url, args), args.join(" ")).toMatchObject({ status: 1, stderr });
  }, 120_000);
});

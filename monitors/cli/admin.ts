// Accounts and API tokens from the command line: the only way to create the first admin.
// Run as `node --import tsx monitors/cli/admin.ts <command> …`.
import { Prisma } from "@prisma/client";
import { openDatabase, type Db } from "../store/client";
import { audit } from "../auth/audit";
import { normaliseEmail, resetLockout } from "../auth/login";
import { generatePassword, hashPassword, passwordProblem } from "../auth/password";
import { isRole, ROLES } from "../auth/permissions";
import { deleteUserSessions } from "../auth/sessions";
import { insertUser, setAccountDisabled, type AccountChanger } from "../admin/user-commands";
import { FieldError, type Actor, type CommandOutcome } from "../admin/admin-command";
import { adminCommand } from "../admin/command-registry";
import { API_SCOPES, storedScopes } from "../auth/api-scopes";
import { setGithubLink, type GithubLink } from "../admin/github-link-commands";

const USAGE = `Usage: node --import tsx monitors/cli/admin.ts <command> [flags]

Commands:
  create-user --email E --role admin|responder
      Create an account. The password is the first line of stdin when stdin is piped;
      with a terminal (or empty stdin) a password is generated and printed once.
  set-password --email E
      Set a new password (stdin or generated as above), clear the lockout and
      sign the user out everywhere.
  disable-user --email E
      Disable an account and end its sessions (never the last active admin).
  reset-2fa --email E
      Turn off the account's two-factor authentication (a lost phone and lost recovery
      codes) and sign it out everywhere; the owner sets it up again after signing in.
  link-github --email E --github LOGIN | --github-id N
      Let the account sign in with GitHub (README, "Maintainers' area"). A login is pinned to
      its GitHub account's numeric id at the first sign-in; an id is pinned at once.
  unlink-github --email E
      Remove the account's GitHub link (its sessions end).
  list-users
      List accounts (id, email, role, state). Never prints password hashes.
  create-token --name N --scopes S[,S…] [--expires-days D]
      Create a management API token (/api/admin/v1) and print its secret once; only a
      hash is stored. Scopes: ${API_SCOPES.join(", ")}.
  revoke-token --name N
      Revoke a token at once (its requests get 401 from then on).
  list-tokens
      List tokens (id, name, scopes, expiry, last use, state). Never prints secrets.

Reads DATABASE_URL (default file:./data/status.db).
Exit codes: 0 ok, 1 wrong input (message on stderr), 2 unexpected failure.
`;

/** A mistake by the person running the command: one line on stderr, exit 1. */
class UsageError extends Error {}

/** The command line changes accounts through the same functions as /admin, as no user. */
const CLI: AccountChanger = { userId: null, via: "cli" };
/** The actor of registry commands run from here: no user, an admin's rights, audited `via: "cli"`. */
const CLI_ACTOR: Actor = { id: null, email: null, role: "admin", via: "cli" };

/**
 * Runs a command of the admin registry (the one /admin and the management API run), with its zod
 * input; a field's problem is reported under the flag it came from.
 */
async function runRegistryCommand(
  db: Db,
  name: string,
  input: Record<string, unknown>,
  flagOf: Record<string, string>,
): Promise<CommandOutcome> {
  const command = adminCommand(name)!;
  const flag = (field: unknown) => `--${flagOf[String(field)] ?? String(field)}`;
  const parsed = command.input.safeParse(input);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join("; "));
  try {
    return await command.run({ db, actor: CLI_ACTOR, now: new Date(), env: process.env }, parsed.data);
  } catch (e) {
    if (e instanceof FieldError) throw new UsageError(e.field === "form" ? `${name}: ${e.message}` : `${flag(e.field)}: ${e.message}`);
    throw e;
  }
}

const COMMAND_FLAGS: Record<string, string[]> = {
  "create-user": ["email", "role"],
  "set-password": ["email"],
  "disable-user": ["email"],
  "reset-2fa": ["email"],
  "link-github": ["email", "github", "github-id"],
  "unlink-github": ["email"],
  "list-users": [],
  "create-token": ["name", "scopes", "expires-days"],
  "revoke-token": ["name"],
  "list-tokens": [],
};

function parseFlags(command: string, args: string[]): Map<string, string> {
  const allowed = COMMAND_FLAGS[command];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) throw new UsageError(`unexpected argument "${args[i]}" (flags look like --email E)`);
    const [, name, inline] = m;
    if (!allowed.includes(name)) throw new UsageError(`--${name} is not a flag of ${command} (see --help)`);
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

function emailFlag(flags: Map<string, string>): string {
  const raw = flags.get("email");
  if (raw === undefined) throw new UsageError("--email is required");
  const email = normaliseEmail(raw);
  if (email.length > 254 || !EMAIL.test(email)) throw new UsageError(`--email must be an email address, got ${JSON.stringify(raw)}`);
  return email;
}

async function readFirstLine(): Promise<string> {
  let data = "";
  for await (const chunk of process.stdin) {
    data += chunk;
    if (data.includes("\n")) break;
  }
  // Only the line ending is removed: spaces at either end can be part of a password.
  return data.split(/\r?\n/)[0];
}

/** The password from piped stdin, or a generated one (to print once) with a terminal or empty stdin. */
async function newPassword(): Promise<{ password: string; generated: boolean }> {
  if (!process.stdin.isTTY) {
    const line = await readFirstLine();
    if (line !== "") {
      const problem = passwordProblem(line);
      if (problem) throw new UsageError(`password on stdin: ${problem}`);
      return { password: line, generated: false };
    }
  }
  return { password: generatePassword(), generated: true };
}

function printGenerated(password: string): void {
  console.log(`password: ${password}`);
  console.log("(shown once; it is not stored anywhere in readable form)");
}

async function findUser(db: Db, email: string) {
  const user = await db.user.findUnique({ where: { email } });
  if (!user) throw new UsageError(`--email: no user ${email}`);
  return user;
}

async function createUser(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const role = flags.get("role");
  if (role === undefined) throw new UsageError(`--role is required (${ROLES.join(" or ")})`);
  if (!isRole(role)) throw new UsageError(`--role must be ${ROLES.join(" or ")}, got ${JSON.stringify(role)}`);
  // Checked before reading stdin, so a taken email fails fast without asking for a password.
  const taken = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (taken) throw new UsageError(`--email ${email} is already taken (user ${taken.id})`);
  const { password, generated } = await newPassword();
  const passwordHash = await hashPassword(password);
  let id: number;
  try {
    id = await insertUser(db, CLI, { email, role, passwordHash });
  } catch (e) {
    // Someone else created the same email between the check and the insert.
    if (e instanceof FieldError && e.field === "email") throw new UsageError(`--email ${email} is already taken`);
    throw e;
  }
  console.log(`created ${role} ${email} (id ${id})`);
  if (generated) printGenerated(password);
}

async function setPassword(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  const { password, generated } = await newPassword();
  const passwordHash = await hashPassword(password);
  // One transaction: a password never changes without its sessions ending and its audit row.
  const ended = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await resetLockout(tx, email);
    const n = await deleteUserSessions(tx, user.id);
    await audit(tx, { userId: null, action: "user.set_password", target: `user:${user.id}`, details: { via: "cli", email } });
    return n;
  });
  console.log(`password set for ${email} (id ${user.id}); ${ended} session${ended === 1 ? "" : "s"} ended`);
  if (generated) printGenerated(password);
}

async function resetTwoFactor(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  const ended = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { totpSecret: null, totpPending: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    const n = await deleteUserSessions(tx, user.id);
    await audit(tx, { userId: null, action: "user.reset_2fa", target: `user:${user.id}`, details: { via: "cli", email } });
    return n;
  });
  const was = user.totpSecret ? "turned off" : "was not on; nothing to turn off";
  console.log(`two-factor for ${email} (id ${user.id}) ${was}; ${ended} session${ended === 1 ? "" : "s"} ended`);
}

async function disableUser(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  if (user.disabledAt) {
    console.log(`${email} (id ${user.id}) was already disabled on ${user.disabledAt.toISOString()}`);
    return;
  }
  let ended: number;
  try {
    ended = await setAccountDisabled(db, CLI, user.id, true);
  } catch (e) {
    // The last active admin is kept, as in /admin.
    if (e instanceof FieldError) throw new UsageError(`disable-user: ${e.message}`);
    throw e;
  }
  console.log(`disabled ${email} (id ${user.id}); ${ended} session${ended === 1 ? "" : "s"} ended`);
}

async function linkGithubFlag(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const login = flags.get("github")?.trim().replace(/^@/, "");
  const githubId = flags.get("github-id")?.trim();
  if ((login === undefined) === (githubId === undefined)) throw new UsageError("give one of --github LOGIN or --github-id N");
  const user = await findUser(db, email);
  const ended = await githubLinkFromCli(db, user.id, login !== undefined ? { login } : { id: githubId! });
  const as = login ? `@${login}` : `the account with id ${githubId}`;
  console.log(`${email} (id ${user.id}) can sign in with GitHub as ${as}${ended ? `; the previous link's ${ended} session(s) ended` : ""}`);
}

async function unlinkGithubFlag(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  const ended = await githubLinkFromCli(db, user.id, null);
  console.log(`${email} (id ${user.id}) is no longer linked to GitHub; ${ended} session${ended === 1 ? "" : "s"} ended`);
}

/** The shared link function (as /admin/users), with its field errors named by flag. */
async function githubLinkFromCli(db: Db, userId: number, link: GithubLink | null): Promise<number> {
  try {
    return await setGithubLink(db, CLI_ACTOR, userId, link);
  } catch (e) {
    if (e instanceof FieldError) throw new UsageError(e.field === "form" ? e.message : `--${e.field}: ${e.message}`);
    throw e;
  }
}

/** Rows in columns as wide as their widest cell, for a terminal. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
}

async function listUsers(db: Db): Promise<void> {
  // An explicit select, so the password hash is never even loaded.
  const users = await db.user.findMany({
    select: {
      id: true,
      email: true,
      role: true,
      createdAt: true,
      disabledAt: true,
      lockedUntil: true,
      failedLogins: true,
      githubId: true,
      githubLogin: true,
    },
    orderBy: { id: "asc" },
  });
  if (!users.length) {
    console.log("no users yet; create one with create-user --email E --role admin");
    return;
  }
  const now = new Date();
  const rows = users.map((u) => [
    String(u.id),
    u.email,
    u.role,
    u.disabledAt ? "disabled" : u.lockedUntil && u.lockedUntil > now ? `locked until ${u.lockedUntil.toISOString()}` : "active",
    u.createdAt.toISOString().slice(0, 10),
    u.githubLogin ? `@${u.githubLogin}${u.githubId ? "" : " (not yet signed in)"}` : u.githubId ? `id ${u.githubId}` : "-",
  ]);
  const header = ["id", "email", "role", "state", "created", "github"];
  printTable(header, rows);
}

async function createToken(db: Db, flags: Map<string, string>): Promise<void> {
  const name = flags.get("name");
  if (name === undefined) throw new UsageError("--name is required");
  const scopes = flags.get("scopes");
  if (scopes === undefined) throw new UsageError(`--scopes is required (comma-separated: ${API_SCOPES.join(", ")})`);
  const input = {
    name,
    scopes: scopes
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    expiresInDays: flags.get("expires-days"),
  };
  const out = await runRegistryCommand(db, "token.create", input, { name: "name", scopes: "scopes", expiresInDays: "expires-days" });
  const t = out.data as { id: number; name: string; token: string; scopes: string[]; expiresAt: string | null };
  console.log(
    `created token ${t.name} (id ${t.id}) with scopes ${t.scopes.join(", ")}; ${t.expiresAt ? `expires ${t.expiresAt}` : "does not expire"}`,
  );
  console.log(`token: ${t.token}`);
  console.log("(shown once; only its hash is stored)");
}

async function revokeToken(db: Db, flags: Map<string, string>): Promise<void> {
  const name = flags.get("name");
  if (name === undefined) throw new UsageError("--name is required");
  const t = await db.apiToken.findUnique({ where: { name: name.trim() }, select: { id: true } });
  if (!t) throw new UsageError(`--name: no token ${JSON.stringify(name)}`);
  await runRegistryCommand(db, "token.revoke", { id: t.id }, { id: "name" });
  console.log(`revoked token ${name.trim()} (id ${t.id})`);
}

async function listTokens(db: Db): Promise<void> {
  // No hash is selected: nothing secret is even loaded.
  const tokens = await db.apiToken.findMany({
    select: { id: true, name: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
    orderBy: { id: "asc" },
  });
  if (!tokens.length) {
    console.log("no tokens yet; create one with create-token --name N --scopes S");
    return;
  }
  const now = new Date();
  const rows = tokens.map((t) => [
    String(t.id),
    t.name,
    storedScopes(t.scopes).join(","),
    t.expiresAt?.toISOString() ?? "never",
    t.lastUsedAt?.toISOString() ?? "never",
    t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active",
  ]);
  const header = ["id", "name", "scopes", "expires", "last used", "state"];
  printTable(header, rows);
}

function isMissingTable(e: unknown): boolean {
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2021") return true;
  return e instanceof Error && /no such table/i.test(e.message);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (
    command === undefined ||
    command === "--help" ||
    command === "-h" ||
    command === "help" ||
    args.includes("--help") ||
    args.includes("-h")
  ) {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 1 : 0;
  }
  let db: Db | undefined;
  try {
    if (!Object.hasOwn(COMMAND_FLAGS, command)) throw new UsageError(`unknown command ${JSON.stringify(command)} (see --help)`);
    const flags = parseFlags(command, args);
    db = (await openDatabase()).db;
    if (command === "create-user") await createUser(db, flags);
    else if (command === "set-password") await setPassword(db, flags);
    else if (command === "disable-user") await disableUser(db, flags);
    else if (command === "reset-2fa") await resetTwoFactor(db, flags);
    else if (command === "link-github") await linkGithubFlag(db, flags);
    else if (command === "unlink-github") await unlinkGithubFlag(db, flags);
    else if (command === "create-token") await createToken(db, flags);
    else if (command === "revoke-token") await revokeToken(db, flags);
    else if (command === "list-tokens") await listTokens(db);
    else await listUsers(db);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`admin: ${e.message}`);
      return 1;
    }
    if (isMissingTable(e)) {
      console.error("admin: the database has no User table; run npm run migrate first");
      return 1;
    }
    console.error(`admin: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    await db?.$disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));

// Accounts from the command line: the only way to create the first admin.
// Run as `node --import tsx monitors/cli/admin.ts <command> …`.
import { Prisma } from "@prisma/client";
import { openDatabase, type Db } from "../store/client";
import { audit } from "../auth/audit";
import { normaliseEmail, resetLockout } from "../auth/login";
import { generatePassword, hashPassword, passwordProblem } from "../auth/password";
import { isRole, ROLES } from "../auth/permissions";
import { deleteUserSessions } from "../auth/sessions";

const USAGE = `Usage: node --import tsx monitors/cli/admin.ts <command> [flags]

Commands:
  create-user --email E --role admin|responder
      Create an account. The password is the first line of stdin when stdin is piped;
      with a terminal (or empty stdin) a password is generated and printed once.
  set-password --email E
      Set a new password (stdin or generated as above), clear the lockout and
      sign the user out everywhere.
  disable-user --email E
      Disable an account and end its sessions.
  list-users
      List accounts (id, email, role, state). Never prints password hashes.

Reads DATABASE_URL (default file:./data/status.db).
Exit codes: 0 ok, 1 wrong input (message on stderr), 2 unexpected failure.
`;

/** A mistake by the person running the command: one line on stderr, exit 1. */
class UsageError extends Error {}

const COMMAND_FLAGS: Record<string, string[]> = {
  "create-user": ["email", "role"],
  "set-password": ["email"],
  "disable-user": ["email"],
  "list-users": [],
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
    id = (await db.user.create({ data: { email, role, passwordHash }, select: { id: true } })).id;
  } catch (e) {
    // Someone else created the same email between the check and the insert.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new UsageError(`--email ${email} is already taken`);
    throw e;
  }
  await audit(db, { userId: null, action: "user.create", target: `user:${id}`, details: { via: "cli", email, role } });
  console.log(`created ${role} ${email} (id ${id})`);
  if (generated) printGenerated(password);
}

async function setPassword(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  const { password, generated } = await newPassword();
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  await resetLockout(db, email);
  const ended = await deleteUserSessions(db, user.id);
  await audit(db, { userId: null, action: "user.set_password", target: `user:${user.id}`, details: { via: "cli", email } });
  console.log(`password set for ${email} (id ${user.id}); ${ended} session${ended === 1 ? "" : "s"} ended`);
  if (generated) printGenerated(password);
}

async function disableUser(db: Db, flags: Map<string, string>): Promise<void> {
  const email = emailFlag(flags);
  const user = await findUser(db, email);
  if (user.disabledAt) {
    console.log(`${email} (id ${user.id}) was already disabled on ${user.disabledAt.toISOString()}`);
    return;
  }
  await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
  const ended = await deleteUserSessions(db, user.id);
  await audit(db, { userId: null, action: "user.disable", target: `user:${user.id}`, details: { via: "cli", email } });
  console.log(`disabled ${email} (id ${user.id}); ${ended} session${ended === 1 ? "" : "s"} ended`);
}

async function listUsers(db: Db): Promise<void> {
  // An explicit select, so the password hash is never even loaded.
  const users = await db.user.findMany({
    select: { id: true, email: true, role: true, createdAt: true, disabledAt: true, lockedUntil: true, failedLogins: true },
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
  ]);
  const header = ["id", "email", "role", "state", "created"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

function isMissingTable(e: unknown): boolean {
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2021") return true;
  return e instanceof Error && /no such table/i.test(e.message);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help" || args.includes("--help") || args.includes("-h")) {
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

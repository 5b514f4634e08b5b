import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { Permission } from "../auth/permissions";

export interface Actor {
  id: number;
  email: string;
  role: string;
}

export interface CommandContext {
  db: Db;
  actor: Actor;
  now: Date;
  env: Env;
}

export type Tx = Prisma.TransactionClient;

/** What a command tells the form: where to go next, or a message to show (e.g. a generated password, once). */
export interface CommandOutcome {
  redirect?: string;
  message?: string;
}

/**
 * A maintainer's write. The route checks the session, the permission and CSRF before `run`;
 * `run` validates what zod cannot (the incident exists, the lifecycle allows it) and throws
 * FieldError with the field's name, and does its writes, audit row included, in one transaction.
 */
export interface AdminCommand<S extends z.ZodType = z.ZodType> {
  permission: Permission;
  input: S;
  run(ctx: CommandContext, input: z.output<S>): Promise<CommandOutcome>;
}

/** A problem with one field of the form, shown beside that field. Nothing is saved. */
export class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export function defineCommand<S extends z.ZodType>(c: AdminCommand<S>): AdminCommand<S> {
  return c;
}

import type { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { Permission } from "../auth/permissions";

/**
 * Who runs a command: a signed-in maintainer, a management API token (/api/admin/v1), or the
 * command line. Commands record it with `auditedAs` and name it with `actorLabel`.
 */
export interface Actor {
  /** The signed-in user; null for a token or the command line. */
  id: number | null;
  email: string | null;
  role: string;
  apiToken?: { id: number; name: string };
  via?: "cli";
}

/** The actor in words, for notifications and messages. */
export function actorLabel(actor: Actor): string {
  if (actor.apiToken) return `API token ${actor.apiToken.name}`;
  return actor.email ?? "command line";
}

/** The audit row's author columns: a token's writes are filed under the token. */
export function auditedAs(actor: Actor): { userId: number | null; apiTokenId: number | null } {
  return { userId: actor.id, apiTokenId: actor.apiToken?.id ?? null };
}

export interface CommandContext {
  db: Db;
  actor: Actor;
  now: Date;
  env: Env;
}

/** What a command tells the form: where to go next, or a message to show (e.g. a generated password, once). */
export interface CommandOutcome {
  redirect?: string;
  message?: string;
  /** The row a command created, for the API's answer (201 with the resource). */
  createdId?: number;
  /** Values a caller without a page needs (the CLI, the API): a new token's secret, shown once. */
  data?: Record<string, unknown>;
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
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The thing a command acts on does not exist (the API answers 404; a form shows it like any FieldError). */
export class NotFoundError extends FieldError {
  constructor(message: string) {
    super("form", message);
  }
}

export function defineCommand<S extends z.ZodType>(c: AdminCommand<S>): AdminCommand<S> {
  return c;
}

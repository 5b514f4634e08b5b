/** Environment variables as plain strings (tests pass small objects; Next.js narrows NodeJS.ProcessEnv). */
export type Env = Record<string, string | undefined>;

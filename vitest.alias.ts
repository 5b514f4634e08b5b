import { fileURLToPath } from "node:url";

/**
 * `@/x` is `x` from the repository root, as in tsconfig.json's paths (Next.js, esbuild and tsx
 * read those; vitest needs it said). A regular expression, so packages like `@prisma/client` are untouched.
 */
export const repoAlias = [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }];

#!/usr/bin/env node
// Builds the browser bundles of pages that run no React of their own (see pages/): today the
// monitor page's response-time chart, React and recharts in one file, loaded only when the chart
// scrolls into view. Written to public/_island/ (not committed), before `next build`.
import { buildSync } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function buildIslands() {
  buildSync({
    entryPoints: { "response-chart": join(root, "app/_ui/chart-island.tsx") },
    outdir: join(root, "public/_island"),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    logLevel: "warning",
    // "use client" means nothing here: the whole file is client code.
    logOverride: { "unsupported-directive": "silent" },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIslands();

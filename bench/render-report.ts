/** Rewrites BENCHMARKS.md from bench/last-run.json (after editing the report's wording, say). */
import { readFileSync, writeFileSync } from "node:fs";
import { renderBenchmarks } from "./report";

writeFileSync("BENCHMARKS.md", renderBenchmarks(JSON.parse(readFileSync("bench/last-run.json", "utf8"))));

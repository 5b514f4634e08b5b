// Lists import cycles between the folders of monitors/ (admin, store, queries, …; files directly in
// monitors/ count as the folder "(top)"). A folder that imports a folder that (directly or through
// others) imports it back has no single home for its concepts; the refactor of issue 18 aims at
// none. Imports are read with the TypeScript parser (typescript is a devDependency), so comments
// and strings are never mistaken for imports; `import type` counts too (a type is a concept with a
// home), and such edges are marked "types only".
//
//   npm run check:cycles            the list; exit 1 when there is a cycle
//   node scripts/check-import-cycles.mjs --warn   the same list, exit 0 (npm test prints it this way)
//   node scripts/check-import-cycles.mjs --runtime    only imports that load code (no `import type`)
//   node scripts/check-import-cycles.mjs --root DIR   another folder than monitors/
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs", ".js"];
const MAX_CYCLES = 200;

function usage(message) {
  if (message) console.error(`check-import-cycles: ${message}`);
  console.error("usage: node scripts/check-import-cycles.mjs [--warn] [--runtime] [--root DIR]");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { warn: false, runtime: false, root: join(projectRoot, "monitors") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--warn") opts.warn = true;
    else if (a === "--runtime") opts.runtime = true;
    else if (a === "--root") {
      if (argv[i + 1] === undefined) usage("--root needs a folder");
      opts.root = resolve(argv[++i]);
    } else if (a === "--help" || a === "-h") usage();
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!existsSync(opts.root) || !statSync(opts.root).isDirectory()) usage(`${opts.root} is not a folder`);
  return opts;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) out.push(...sourceFiles(path));
    } else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Every module a file imports: static imports and re-exports, import(), import types; with whether only types cross. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = Boolean(c && (c.isTypeOnly || (!c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ spec: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names (TypeScript style: no extension, .js for .ts, or a folder's index). */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
  if (/\.(m?js)$/.test(base)) candidates.push(base.replace(/\.(m?js)$/, ".ts"), base.replace(/\.(m?js)$/, ".mts"));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function folderOf(root, file) {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? parts[0] : "(top)";
}

/** Tarjan's strongly connected components. */
function components(nodes, edges) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) strong(v);
  return out;
}

/** Elementary cycles inside one component, each starting at its smallest folder, shortest first (at most MAX_CYCLES). */
function cyclesIn(comp, edges) {
  const set = new Set(comp);
  const cycles = [];
  for (const start of comp) {
    const path = [start];
    const walk = (v) => {
      if (cycles.length >= MAX_CYCLES) return;
      for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
        if (!set.has(w) || w < start) continue;
        if (w === start) cycles.push([...path]);
        else if (!path.includes(w)) {
          path.push(w);
          walk(w);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return cycles.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = opts.root;
  const files = sourceFiles(root);
  /** folder -> folder -> the file imports that make the edge */
  const edges = new Map();
  const unresolved = [];
  for (const file of files) {
    const from = folderOf(root, file);
    for (const { spec, typeOnly } of importsOf(file)) {
      if (!(spec.startsWith(".") || spec.startsWith("@/")) || (opts.runtime && typeOnly)) continue;
      // `@/x` is x from the repository root (tsconfig.json's paths).
      const target = resolveSpecifier(spec.startsWith("@/") ? join(projectRoot, "_") : file, spec.replace(/^@\//, "./"));
      if (!target) {
        unresolved.push(`${relative(projectRoot, file)}: ${spec}`);
        continue;
      }
      if (relative(root, target).startsWith("..")) continue; // outside the checked folder
      const to = folderOf(root, target);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const list = edges.get(from).get(to) ?? [];
      list.push({ file: relative(projectRoot, file), target: relative(projectRoot, target), typeOnly });
      edges.get(from).set(to, list);
    }
  }
  const nodes = [...new Set([...files.map((f) => folderOf(root, f))])].sort();
  const tangled = components(nodes, edges).filter((c) => c.length > 1);
  const where = `${relative(projectRoot, root) || "."}/${opts.runtime ? " (runtime imports only)" : ""}`;

  for (const u of unresolved) console.log(`unresolved import (not counted): ${u}`);
  if (!tangled.length) {
    console.log(`import cycles between the folders of ${where}: none (${nodes.length} folders, ${files.length} files)`);
    return 0;
  }
  console.log(`import cycles between the folders of ${where} (${nodes.length} folders, ${files.length} files):`);
  for (const comp of tangled) {
    console.log(`\n  tangled together: ${comp.join(", ")}`);
    const cycles = cyclesIn(comp, edges);
    for (const cycle of cycles) console.log(`    cycle: ${[...cycle, cycle[0]].join(" → ")}`);
    if (cycles.length >= MAX_CYCLES) console.log(`    (first ${MAX_CYCLES} cycles shown)`);
    console.log("    imports that make these edges:");
    for (const from of comp) {
      for (const [to, list] of [...(edges.get(from) ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
        if (!comp.includes(to)) continue;
        const types = list.every((i) => i.typeOnly) ? ", types only" : "";
        const shown = list.slice(0, 3).map((i) => `${i.file} → ${i.target}`);
        console.log(
          `      ${from} → ${to} (${list.length} import${list.length === 1 ? "" : "s"}${types}): ${shown.join("; ")}${list.length > 3 ? "; …" : ""}`,
        );
      }
    }
  }
  const total = tangled.reduce((n, c) => n + c.length, 0);
  console.log(`\n${tangled.length} group(s) of folders in cycles (${total} folders). Target (issue 18): none.`);
  return opts.warn ? 0 : 1;
}

process.exitCode = main();

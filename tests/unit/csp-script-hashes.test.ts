// Which inline scripts get a hash in the page's script-src: the framework's data-only forms, and
// nothing that content could smuggle in, however much it looks like them.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { inlineScriptHashes, isFrameworkScript } from "@/scripts/security-headers.mjs";
import { THEME_BOOT_SCRIPT } from "@/scripts/theme-boot.mjs";

const hash = (body: string) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`;

const FRAMEWORK = [
  "(self.__next_f=self.__next_f||[]).push([0])",
  'self.__next_f.push([1,"1:\\"$Sreact.fragment\\"\\n2:I[39756,[],\\"default\\"]\\n"])',
  "self.__next_f.push([2,null])",
  '(globalThis["TURBOPACK"] || (globalThis["TURBOPACK"] = [])).push({"otherChunks":["static/chunks/a.js"],"runtimeModuleIds":[94553]});',
  // The public pages' theme script (pages/_document.tsx), by its exact text.
  THEME_BOOT_SCRIPT,
];

const INJECTED = [
  "alert(1)",
  "window.__injected = 1",
  'self.__next_f.push([1,"x"]);alert(1)',
  'self.__next_f.push([1,"x"]);alert(1);(1)',
  "self.__next_f.push([1,alert(1)])",
  "self.__next_f.push((alert(1),[1]))",
  'self.__next_f.push([1,"x"])//\nalert(1)',
  "(self.__next_f=self.__next_f||[]).push([0]);alert(1)",
  '(globalThis["TURBOPACK"] || (globalThis["TURBOPACK"] = [])).push({"a":1});alert(1);',
  '(globalThis["TURBOPACK"] || (globalThis["TURBOPACK"] = [])).push({get a(){alert(1)}});',
  "self.__next_f.push(`${alert(1)}`)",
  `${THEME_BOOT_SCRIPT};alert(1)`,
  `alert(1);${THEME_BOOT_SCRIPT}`,
  THEME_BOOT_SCRIPT.replace('"theme"', '"x"'),
  'self.__next_f.push(["1"])',
];

describe("CSP hashes for inline scripts", () => {
  it.each(FRAMEWORK)("hashes the framework's script %s", (body) => {
    expect(isFrameworkScript(body)).toBe(true);
    expect(inlineScriptHashes(`<html><body><script>${body}</script></body></html>`)).toEqual([hash(body)]);
  });

  it.each(INJECTED)("gives no hash to %j", (body) => {
    expect(isFrameworkScript(body)).toBe(false);
    expect(inlineScriptHashes(`<html><body><script>${body}</script></body></html>`)).toEqual([]);
  });

  it("hashes the framework's scripts of a page and leaves an injected one out", () => {
    const page = `<html><head><script id="_R_">${FRAMEWORK[3]}</script></head><body><p>hi</p><script>${FRAMEWORK[0]}</script><script>alert(1)</script><script>${FRAMEWORK[1]}</script><script src="/_next/static/chunks/a.js"></script></body></html>`;
    expect(inlineScriptHashes(page).sort()).toEqual([FRAMEWORK[3], FRAMEWORK[0], FRAMEWORK[1]].map(hash).sort());
  });
});

import { describe, expect, it } from "vitest";
import { normalizePlatform, parsePlatform, samePlatform } from "@/monitors/probes/registry/platform";

describe("platform matching as containerd normalises it", () => {
  it("arm64 with v8 or no variant is one platform", () => {
    expect(samePlatform(parsePlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64" })).toBe(true);
    expect(samePlatform(parsePlatform("linux/arm64"), { os: "linux", architecture: "arm64", variant: "v8" })).toBe(true);
    expect(samePlatform(parsePlatform("linux/arm64"), { os: "linux", architecture: "aarch64" })).toBe(true);
  });
  it("arm without a variant is v7; other arm variants stay distinct", () => {
    expect(normalizePlatform({ os: "linux", architecture: "arm" })).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(samePlatform(parsePlatform("linux/arm/v7"), { os: "linux", architecture: "arm" })).toBe(true);
    expect(samePlatform(parsePlatform("linux/arm/v6"), { os: "linux", architecture: "arm" })).toBe(false);
  });
  it("amd64 v1 has no variant; different OS or architecture never match", () => {
    expect(samePlatform(parsePlatform("linux/amd64/v1"), { os: "linux", architecture: "amd64" })).toBe(true);
    expect(samePlatform(parsePlatform("linux/amd64"), { os: "linux", architecture: "x86_64" })).toBe(true);
    expect(samePlatform(parsePlatform("linux/amd64"), { os: "windows", architecture: "amd64" })).toBe(false);
    expect(samePlatform(parsePlatform("linux/amd64"), { os: "linux", architecture: "arm64" })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { checkExpectations } from "@/monitors/probes/http-expectations";

const bytes = { text: "\u001f\ufffd\b", truncated: false, validUtf8: false };

describe("http body expectations on bodies that are not text", () => {
  it("names an unrequested compression instead of calling the body invalid UTF-8", () => {
    expect(checkExpectations({ status: ["2xx"], body_contains: "ok" }, bytes, { "content-encoding": "gzip" })).toBe(
      "body is gzip-encoded although no compression was asked for, so it cannot be checked as text",
    );
  });
  it("says invalid UTF-8 when nothing explains it", () => {
    expect(checkExpectations({ status: ["2xx"], body_contains: "ok" }, bytes, {})).toBe("body is not valid UTF-8");
    expect(checkExpectations({ status: ["2xx"], body_contains: "ok" }, bytes, { "content-encoding": "identity" })).toBe(
      "body is not valid UTF-8",
    );
  });
  it("does not look at the body when nothing is asserted about it", () => {
    expect(checkExpectations({ status: ["2xx"] }, bytes, { "content-encoding": "gzip" })).toBeNull();
  });
});

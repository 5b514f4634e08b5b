import { domainToASCII } from "node:url";

const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The name as RDAP is asked for it: lower-case ASCII (A-labels for IDNs), no trailing dot; null when it is not a domain name. */
export function rdapDomainName(input: string): string | null {
  const ascii = domainToASCII(input.trim()).replace(/\.$/, "");
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LDH_LABEL.test(l))) return null;
  // An IPv4 address is made of LDH labels too; no TLD is all digits.
  if (/^\d+$/.test(labels[labels.length - 1])) return null;
  return ascii;
}

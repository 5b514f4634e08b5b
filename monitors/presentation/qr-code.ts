import QRCode from "qrcode";

/**
 * A QR code as an SVG data: URL, for an <img> (the CSP allows data: images; no markup is inserted
 * into the page). Drawn by `qrcode`, the common maintained encoder; error correction M, as
 * authenticator apps scan it from a screen.
 */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

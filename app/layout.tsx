import type { ReactNode } from "react";
import "./globals.css";

export const metadata = {
  title: "OpenRegistry status",
  description: "Live status and uptime of OpenRegistry's registry, web app and storage.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <main className="container">{children}</main>
      </body>
    </html>
  );
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native SQLite bindings and the Prisma client load at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client", "nodemailer"],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // Regenerated pages stay in this process's memory: web nodes share no disk, and a page
    // built from one database never leaks into another process through .next/.
    isrFlushToDisk: false,
  },
};

export default nextConfig;

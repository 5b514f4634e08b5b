/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native SQLite bindings and the Prisma client load at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;

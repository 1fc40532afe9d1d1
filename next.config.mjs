/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build directory lets two builds (e.g. two test runs) live side by side.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ['@node-rs/argon2', 'pdfkit', 'bullmq', 'ioredis', 'postgres'],
  poweredByHeader: false,
  typedRoutes: false,
  eslint: { ignoreDuringBuilds: true },
  // forbidden() renders app/forbidden.tsx with a real 403 for roles that may not open a page.
  // Schedules of accounts of up to 50,000 lines are uploaded through a server action.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: '20mb' } },
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build directory lets two builds (e.g. two test runs) live side by side.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and Node-only packages stay outside the server bundle. xmlbuilder2 (pain.001 files)
  // too: its DOM (@oozcitak/dom) has an import cycle that only Node's own entry order survives —
  // bundled, Next's preload of every module on start (next-server.js, ascending module ids)
  // entered the cycle at DocumentImpl whenever the ids happened to put it first, and the payout
  // batch action then failed with "Class extends value undefined".
  serverExternalPackages: ['@node-rs/argon2', 'pdfkit', 'bullmq', 'ioredis', 'postgres', 'xmlbuilder2'],
  poweredByHeader: false,
  typedRoutes: false,
  eslint: { ignoreDuringBuilds: true },
  // forbidden() renders app/forbidden.tsx with a real 403 for roles that may not open a page.
  // Schedules of accounts of up to 50,000 lines are uploaded through a server action. The web
  // server (scripts/web.ts) enforces MAX_ACTION_BODY and ALLOWED_ORIGINS first with 413/403;
  // Next gets the same values so it never refuses what the server let through.
  experimental: {
    authInterrupts: true,
    serverActions: {
      bodySizeLimit: process.env.MAX_ACTION_BODY || '20mb',
      allowedOrigins: (process.env.ALLOWED_ORIGINS || '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
        .map((s) => (s.includes('://') ? s.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '') : s)),
    },
  },
};

export default nextConfig;

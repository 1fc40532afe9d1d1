/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ['@node-rs/argon2', 'pdfkit', 'bullmq', 'ioredis', 'postgres'],
  poweredByHeader: false,
  typedRoutes: false,
  eslint: { ignoreDuringBuilds: true },
  // forbidden() renders app/forbidden.tsx with a real 403 for roles that may not open a page.
  experimental: { authInterrupts: true },
};

export default nextConfig;

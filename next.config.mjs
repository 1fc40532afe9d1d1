/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ['@node-rs/argon2', 'pdfkit', 'bullmq', 'ioredis', 'postgres'],
  poweredByHeader: false,
  typedRoutes: false,
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;

import type { Metadata } from 'next';
import './globals.css';
import { HydratedMarker } from './_components/hydrated';

export const metadata: Metadata = {
  title: { default: 'Holdback', template: '%s · Holdback' },
  description: 'Reserve & escrow management for invoice factoring',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <HydratedMarker />
        {children}
      </body>
    </html>
  );
}

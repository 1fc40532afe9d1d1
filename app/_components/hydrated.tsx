'use client';

import { useEffect } from 'react';

/**
 * Marks the page once React has hydrated it (`<html data-hydrated>`): a form whose submit is a
 * client handler (the confirm step, the batch builder's preview) only works from then on, so the
 * browser tests wait for it before pressing such buttons.
 */
export function HydratedMarker() {
  useEffect(() => {
    document.documentElement.setAttribute('data-hydrated', '');
  }, []);
  return null;
}

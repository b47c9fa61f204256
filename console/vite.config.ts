import { defineConfig } from 'vitest/config';

// Served by the application at /console/ (the api jar's static/console): every asset is
// bundled, nothing is fetched from a CDN at run time.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 200,
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});

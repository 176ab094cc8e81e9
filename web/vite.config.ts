import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by `plant serve` from web/dist: same origin as the API, no CDN, no
// external font, hashed assets under /assets/ (cached for a year), index.html revalidated.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // The verification module is inlined into the bundle; nothing is fetched from elsewhere.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});

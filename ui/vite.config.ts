import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// In development (`npm run dev`) Vite serves the UI and forwards /api to the AAM and /farm to the farm, the same
// same-origin paths the UI server of `gauntlet up` proxies in production. Override with GAUNTLET_AAM / GAUNTLET_FARM.
const aam = process.env.GAUNTLET_AAM ?? 'http://127.0.0.1:8002';
const farm = process.env.GAUNTLET_FARM ?? 'http://127.0.0.1:8001';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 3000,
    proxy: {
      '/api': { target: aam, changeOrigin: true, rewrite: (p) => p.replace(/^\/api/, '') },
      '/farm': { target: farm, changeOrigin: true, rewrite: (p) => p.replace(/^\/farm/, '') },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});

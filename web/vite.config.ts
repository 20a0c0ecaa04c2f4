import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));

// The web app: built into dist/web at the repository root, which the API serves with an SPA fallback.
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(webDir, '../dist/web'),
    emptyOutDir: true,
    // form-js (FEEL, markdown, date pickers) is one large lazily loaded chunk; that is expected.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: served by the local web host in a browser, by the app:// protocol in Electron.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    // RELAIS_RENDERER_DIR lets parallel test runs build into separate folders.
    outDir: process.env.RELAIS_RENDERER_DIR ?? '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});

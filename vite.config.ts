import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The client lives in client/ and builds to client/dist, which the server serves on the API's
 * port. In development (`npm run dev`) Vite serves it and forwards /api and /tiles to the API.
 */
const api = process.env.WANGGE_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // The map engines change rarely and are large: their own long-cached chunks.
        manualChunks(id: string) {
          if (id.includes('node_modules/maplibre-gl')) return 'maplibre';
          if (id.includes('node_modules/@deck.gl') || id.includes('node_modules/@luma.gl') || id.includes('node_modules/@loaders.gl') || id.includes('node_modules/@math.gl')) return 'deckgl';
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': api, '/tiles': api, '/open311': api },
  },
});

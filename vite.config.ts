import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The client lives in client/ and builds to client/dist, which the server serves on the API's
 * port. In development (`npm run dev`) Vite serves it and forwards /api and /tiles to the API.
 */
const api = process.env.WANGGE_API_URL ?? 'http://127.0.0.1:8080';

/**
 * Writes .br and .gz beside every text asset of the build, once, so that the server sends
 * compressed files (@fastify/static's preCompressed) without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'wangge-precompress',
    apply: 'build',
    configResolved(config) { outDir = path.resolve(config.root, config.build.outDir); },
    closeBundle() {
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|json|wasm)$/.test(f))) {
        const body = fs.readFileSync(file);
        if (body.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // The map engines change rarely and are large: their own long-cached chunks. A group
        // takes its modules' dependencies along, so Vite's dynamic-import helper (loaders.gl
        // imports dynamically too) is a group of its own, first: inside the deck.gl chunk,
        // the entry's import of the helper would pull all of deck.gl into the first load.
        codeSplitting: {
          groups: [
            { name: 'preload', test: /vite[\\/]preload-helper/, priority: 3 },
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl/, priority: 2 },
            { name: 'deckgl', test: /node_modules[\\/](@deck\.gl|@luma\.gl|@loaders\.gl|@math\.gl)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': api, '/tiles': api, '/open311': api },
  },
});

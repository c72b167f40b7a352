import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The console is served by the platform itself (same origin as the API); `npm run build`
// writes web/dist, which shared/local/console.py serves. No inline scripts: the CSP forbids them.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});

import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the app on :5173 and sends API calls to a gateway on :8080 (./opentier up);
// `npm run build` writes dist/, which query-api serves at / in production: without source maps
// (they would publish the app's source) unless asked for: `npm run build -- --sourcemap`.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 1024 },
  test: { environment: "jsdom", globals: true },
});

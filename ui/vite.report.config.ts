import { defineConfig } from 'vite';

// The report viewer: the timeline charts of a run's self-contained report.html, as one script and one stylesheet
// (dist/report-viewer.js, dist/report-viewer.css) that the AAM puts inline into each report. Built after the app
// into the same dist folder (the app's build empties it first).
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    lib: {
      entry: 'src/report/viewer.ts',
      formats: ['iife'],
      name: 'GauntletReport',
      fileName: () => 'report-viewer.js',
      cssFileName: 'report-viewer',
    },
  },
});

/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const backend = 'http://127.0.0.1:8080'

// Vendor groups keep the large libraries in their own, long-cached chunks.
const vendorGroups: { name: string; test: RegExp; priority: number }[] = [
  { name: 'vue', test: /[\\/]node_modules[\\/](vue|vue-router|@vue)[\\/]/, priority: 30 },
  { name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  // Element Plus core; the date pickers (used by the audit and ledger pages only) get their own chunk below.
  {
    name: 'element-plus',
    test: /[\\/]node_modules[\\/](element-plus[\\/](?!es[\\/]components[\\/](date-picker|date-picker-panel|time-picker|time-select)[\\/])|@element-plus|@floating-ui|@vueuse|@ctrl|async-validator|lodash-es|lodash-unified|memoize-one|normalize-wheel-es|@sxzz|@popperjs)/,
    priority: 10,
  },
  {
    name: 'element-plus-date',
    test: /[\\/]node_modules[\\/](element-plus[\\/]es[\\/]components[\\/](date-picker|date-picker-panel|time-picker|time-select)[\\/])/,
    priority: 5,
  },
]

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      dts: 'src/components.d.ts',
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css', directives: false })],
    }),
  ],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Inline nothing as data: URLs for scripts; small images/fonts may be inlined (CSP allows data: for img/font).
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 700,
    reportCompressedSize: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: vendorGroups,
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    // Component tests mount Element Plus, whose modules import their CSS.
    server: { deps: { inline: ['element-plus'] } },
    css: false,
  },
})

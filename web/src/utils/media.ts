import { onBeforeUnmount, ref } from 'vue'

/** Reactive flag for phone-sized viewports. */
export function useIsMobile(query = '(max-width: 768px)') {
  const mql = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const isMobile = ref(mql ? mql.matches : false)
  const update = (e: MediaQueryListEvent) => {
    isMobile.value = e.matches
  }
  mql?.addEventListener('change', update)
  onBeforeUnmount(() => mql?.removeEventListener('change', update))
  return isMobile
}

import { afterEach, describe, expect, it } from 'vitest'
import { createApp, h, nextTick, ref } from 'vue'
import ElementPlus from 'element-plus'
import PageLayout from '../components/PageLayout.vue'
import PagePager from '../components/PagePager.vue'

async function mount(render: () => ReturnType<typeof h>) {
  const el = document.createElement('div')
  document.body.appendChild(el)
  const app = createApp({ render }).use(ElementPlus)
  app.mount(el)
  await nextTick()
  return { el, app }
}

describe('page layout', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('gives every page a title, its actions, a toolbar and padding', async () => {
    const { el, app } = await mount(() =>
      h(PageLayout, { title: '发展党员', subtitle: '祁东县' }, {
        actions: () => h('button', { class: 'act' }, '导入'),
        toolbar: () => h('input', { class: 'filter' }),
        default: () => h('p', { class: 'body' }, '内容'),
      }),
    )
    expect(el.querySelector('h1.page-title')?.textContent).toBe('发展党员祁东县')
    expect(el.querySelector('.page')).not.toBeNull()
    expect(el.querySelector('.page-actions .act')?.textContent).toBe('导入')
    expect(el.querySelector('.toolbar .filter')).not.toBeNull()
    expect(el.querySelector('.body')?.textContent).toBe('内容')
    // No pagination without a total.
    expect(el.querySelector('[data-test="page-pager"]')).toBeNull()
    app.unmount()
  })

  it('shows the pagination when given a total and reports page changes', async () => {
    const page = ref(1)
    let changes = 0
    const { el, app } = await mount(() =>
      h(PageLayout, {
        title: '审计日志',
        total: 95,
        page: page.value,
        'onUpdate:page': (v: number) => (page.value = v),
        onPageChange: () => changes++,
      }),
    )
    expect(el.querySelector('[data-test="page-pager"] .el-pagination')).not.toBeNull()
    expect(el.querySelector('.el-pagination__total')?.textContent).toContain('95')
    ;(el.querySelector('.btn-next') as HTMLButtonElement).click()
    await nextTick()
    expect(page.value).toBe(2)
    expect(changes).toBe(1)
    app.unmount()
  })

  it('shows a capped total as "10,000+ 条" and asks to narrow the filter', async () => {
    const page = ref(1)
    const { el, app } = await mount(() =>
      h(PageLayout, { title: '党员花名册', total: 10000, totalCapped: true, page: page.value, 'onUpdate:page': (v: number) => (page.value = v) }),
    )
    expect(el.querySelector('[data-test="total-capped"]')?.textContent).toBe('共 10,000+ 条')
    expect(el.querySelector('[data-test="capped-hint"]')?.textContent).toContain('请缩小筛选范围')
    // Not "共 10000 条" as if the count were exact.
    expect(el.querySelector('.el-pagination__total:not([data-test])')).toBeNull()
    ;(el.querySelector('.btn-next') as HTMLButtonElement).click()
    await nextTick()
    expect(page.value).toBe(2)
    app.unmount()
  })

  it('shows an exact total as before, without the hint', async () => {
    const { el, app } = await mount(() => h(PageLayout, { title: '党员花名册', total: 9999, totalCapped: false }))
    expect(el.querySelector('.el-pagination__total')?.textContent).toContain('9999')
    expect(el.querySelector('[data-test="total-capped"]')).toBeNull()
    expect(el.querySelector('[data-test="capped-hint"]')).toBeNull()
    app.unmount()
  })

  it('pages a fixed-size list (panels, drawers) without a size choice, and says when its total is capped', async () => {
    const page = ref(1)
    let changes = 0
    const { el, app } = await mount(() =>
      h(PagePager, { fixed: true, pageSize: 20, total: 10000, capped: true, page: page.value, 'onUpdate:page': (v: number) => (page.value = v), onChange: () => changes++ }),
    )
    expect(el.querySelector('.el-pagination__sizes')).toBeNull()
    expect(el.querySelector('.el-pagination__jump')).toBeNull()
    expect(el.querySelector('[data-test="total-capped"]')?.textContent).toBe('共 10,000+ 条')
    expect(el.querySelector('[data-test="capped-hint"]')).not.toBeNull()
    ;(el.querySelector('.btn-next') as HTMLButtonElement).click()
    await nextTick()
    expect(page.value).toBe(2)
    expect(changes).toBe(1)
    app.unmount()
  })

  it('offers the page sizes when not fixed', async () => {
    const { el, app } = await mount(() => h(PagePager, { total: 95, page: 1 }))
    expect(el.querySelector('.el-pagination__sizes')).not.toBeNull()
    expect(el.querySelector('[data-test="total-capped"]')).toBeNull()
    app.unmount()
  })
})

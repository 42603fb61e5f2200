import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, nextTick } from 'vue'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'

const login = vi.fn()
vi.mock('../api', () => ({ authApi: { login: (...a: unknown[]) => login(...a) } }))

import LoginView from '../views/LoginView.vue'

const flush = async () => {
  for (let i = 0; i < 10; i++) {
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
  }
}

describe('login page', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    login.mockReset()
  })

  it('sends one login when Enter is pressed in the password field', async () => {
    login.mockImplementation(() => new Promise(() => {})) // stays pending, like a slow server
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/login', component: LoginView }, { path: '/', component: LoginView }] })
    await router.push('/login')
    const el = document.createElement('div')
    document.body.appendChild(el)
    const app = createApp(LoginView).use(ElementPlus).use(router)
    app.mount(el)
    await flush()
    const user = el.querySelector('input[name="username"]') as HTMLInputElement
    const pass = el.querySelector('input[name="password"]') as HTMLInputElement
    user.value = 'district'
    user.dispatchEvent(new Event('input'))
    pass.value = 'Secret#2026'
    pass.dispatchEvent(new Event('input'))
    await flush()
    // What a browser does on Enter in a form with a submit button: the key
    // goes down, the form submits (implicit submission), the key comes up.
    pass.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }))
    el.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    pass.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', code: 'Enter', bubbles: true }))
    await flush()
    // A second Enter while the first is still under way.
    el.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    await flush()
    expect(login).toHaveBeenCalledTimes(1)
    expect(login).toHaveBeenCalledWith('district', 'Secret#2026')
    app.unmount()
  })
})

// Session state shared by the whole UI: the signed-in user and CSRF token.
import { reactive } from 'vue'
import { authApi } from './api'
import { setCsrfToken } from './api/http'
import type { SessionInfo, User } from './api/types'

interface SessionState {
  user: User | null
  menus: unknown
  perms: unknown
  loaded: boolean
}

export const session = reactive<SessionState>({ user: null, menus: undefined, perms: undefined, loaded: false })

let inflight: Promise<User | null> | null = null

export function applySession(info: SessionInfo): void {
  session.user = info.user
  // The server sends no menu list (SessionResponse has user, csrf_token and
  // perms only): the menus follow from the role and the permissions.
  session.menus = undefined
  session.perms = info.perms
  session.loaded = true
  setCsrfToken(info.csrf_token)
}

export function clearSession(): void {
  session.user = null
  session.menus = undefined
  session.perms = undefined
  session.loaded = true
  setCsrfToken('')
}

/** Loads the current session once (GET /auth/me); resolves to null when signed out. */
export function ensureSession(force = false): Promise<User | null> {
  if (session.loaded && !force) return Promise.resolve(session.user)
  if (inflight) return inflight
  inflight = authApi
    .me()
    .then((info) => {
      applySession(info)
      return info.user
    })
    .catch(() => {
      clearSession()
      return null
    })
    .finally(() => {
      inflight = null
    })
  return inflight
}

export async function logout(): Promise<void> {
  try {
    await authApi.logout()
  } catch {
    // The session is dropped locally whatever the server answers.
  }
  clearSession()
}

// Shared feedback helpers built on Element Plus messages.
import { ElMessage, ElMessageBox } from 'element-plus'
import { ApiError } from '../api/http'

/** Shows a request error, unless it is a 401 (the session handler already redirected). */
export function showError(e: unknown, fallback = '操作失败，请稍后重试'): void {
  if (e instanceof ApiError) {
    if (e.status === 401 || e.code === 'password_change_required') return
    ElMessage.error(e.message || fallback)
    return
  }
  if ((e as Error)?.name === 'AbortError') return
  ElMessage.error(fallback)
}

export function success(message: string): void {
  ElMessage.success(message)
}

/** Asks for confirmation; resolves true when the user confirms. */
export async function confirmAction(message: string, title = '操作确认', danger = false): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: '确定',
      cancelButtonText: '取消',
      type: 'warning',
      confirmButtonClass: danger ? 'el-button--danger' : undefined,
      autofocus: false,
    })
    return true
  } catch {
    return false
  }
}

import { createApp } from 'vue'
import { ElLoading, ElMessage } from 'element-plus'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import './styles/main.css'
import './styles/member.css'
import App from './App.vue'
import { router } from './router'
import { setPasswordChangeHandler, setUnauthorizedHandler } from './api/http'
import { clearSession, session } from './session'

let expiring = false
setUnauthorizedHandler(() => {
  if (expiring) return
  expiring = true
  clearSession()
  ElMessage.warning('登录已过期，请重新登录')
  const current = router.currentRoute.value
  const query: Record<string, string> = { expired: '1' }
  if (current.name !== 'login' && current.fullPath !== '/') query.redirect = current.fullPath
  router.replace({ path: '/login', query }).finally(() => {
    expiring = false
  })
})

setPasswordChangeHandler(() => {
  if (session.user) session.user.must_change_password = true
  if (router.currentRoute.value.name !== 'password') {
    ElMessage.warning('请先修改密码')
    router.replace('/password')
  }
})

createApp(App).use(router).use(ElLoading).mount('#app')

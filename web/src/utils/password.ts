// Client-side hint of the server's password rule. The server stays authoritative.

export const passwordRuleText = '至少8位，包含大写字母、小写字母、数字、特殊字符中的至少3类，不能是常见弱口令'

export function passwordClasses(pw: string): number {
  let n = 0
  if (/[A-Z]/.test(pw)) n++
  if (/[a-z]/.test(pw)) n++
  if (/[0-9]/.test(pw)) n++
  if (/[^A-Za-z0-9]/.test(pw)) n++
  return n
}

/** Returns a Chinese message when the password obviously breaks the rule, else ''. */
export function checkPassword(pw: string): string {
  if (!pw) return '请输入新密码'
  if ([...pw].length < 8) return '密码至少8位'
  if (passwordClasses(pw) < 3) return '密码需包含大写字母、小写字母、数字、特殊字符中的至少3类'
  return ''
}

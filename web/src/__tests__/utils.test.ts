import { describe, expect, it } from 'vitest'
import { checkPassword, passwordClasses } from '../utils/password'
import { formatTime, isFuture, kindName, levelName, prettyJSON } from '../utils/format'

describe('password hint', () => {
  it('counts character classes', () => {
    expect(passwordClasses('abc')).toBe(1)
    expect(passwordClasses('Abc1')).toBe(3)
    expect(passwordClasses('Ab1!')).toBe(4)
    expect(passwordClasses('密码Ab')).toBe(3)
  })
  it('explains obvious violations in Chinese', () => {
    expect(checkPassword('')).toBe('请输入新密码')
    expect(checkPassword('Ab1!')).toBe('密码至少8位')
    expect(checkPassword('abcdefgh1')).toContain('至少3类')
    expect(checkPassword('Lx-Strong-2026')).toBe('')
  })
})

describe('format', () => {
  it('names levels and kinds in Chinese', () => {
    expect(levelName('county')).toBe('县')
    expect(levelName('town')).toBe('街道乡镇')
    expect(levelName('village')).toBe('社区村')
    expect(levelName('area')).toBe('片区')
    expect(levelName('other', '其他')).toBe('其他')
    expect(kindName('building')).toBe('楼宇')
    expect(kindName('grid')).toBe('网格')
  })
  it('formats times', () => {
    expect(formatTime(null)).toBe('—')
    expect(formatTime('bad')).toBe('bad')
    const local = new Date(2026, 0, 2, 3, 4, 5)
    expect(formatTime(local.toISOString())).toBe('2026-01-02 03:04:05')
    expect(isFuture(new Date(Date.now() + 60000).toISOString())).toBe(true)
    expect(isFuture(new Date(Date.now() - 60000).toISOString())).toBe(false)
    expect(isFuture(null)).toBe(false)
  })
  it('pretty-prints JSON', () => {
    expect(prettyJSON(null)).toBe('—')
    expect(prettyJSON({ a: 1 })).toBe('{\n  "a": 1\n}')
  })
})

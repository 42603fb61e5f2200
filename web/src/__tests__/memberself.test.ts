import { describe, expect, it } from 'vitest'
import { formatCode, identityKind } from '../api/memberself'

describe('activation input', () => {
  it('groups a typed code as XXXXX-XXXXX in upper case', () => {
    expect(formatCode('abcde23456')).toBe('ABCDE-23456')
    expect(formatCode('ab cd-e2')).toBe('ABCDE-2')
    expect(formatCode('abc')).toBe('ABC')
    expect(formatCode('ABCDE-23456-789')).toBe('ABCDE-23456')
  })

  it('tells the 身份证号 tail from the phone tail', () => {
    expect(identityKind('12345X')).toBe('id')
    expect(identityKind('123456')).toBe('id')
    expect(identityKind('5678')).toBe('phone')
    expect(identityKind('56789')).toBe('')
    expect(identityKind('12a456')).toBe('')
  })
})

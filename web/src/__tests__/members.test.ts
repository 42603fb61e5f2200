import { describe, expect, it } from 'vitest'
import type { Member, MemberForm } from '../api/members'
import { memberApi } from '../api/members'
import { ApiError, extractError } from '../api/http'
import { canRevealMembers, canWriteMembers } from '../menus'
import {
  ageOn,
  categoryLabel,
  countBarOption,
  countPieOption,
  editFormOf,
  formErrorsOf,
  genderLabel,
  idCheckChar,
  idNumberError,
  isMasked,
  memberSort,
  parseIdNumber,
  patchOf,
  phoneError,
  regionCounts,
  statusLabel,
  validateMemberEdit,
  validateMemberInput,
} from '../utils/members'

const today = '2026-12-02'

describe('身份证号 (GB 11643)', () => {
  it('computes the check character of the standard example', () => {
    // The example number of GB 11643-1999: 11010519491231002X.
    expect(idCheckChar('11010519491231002')).toBe('X')
    expect(idCheckChar('43042619800101001')).toBe('9')
    expect(idCheckChar('4304261980010100')).toBe('')
    expect(idCheckChar('4304261980010100A')).toBe('')
  })

  it('accepts a valid number and reads birth date and gender', () => {
    expect(parseIdNumber('11010519491231002x', today)).toEqual({ info: { number: '11010519491231002X', birthDate: '1949-12-31', gender: 'female' } })
    expect(parseIdNumber(' 430426198001010019 ', today).info).toEqual({ number: '430426198001010019', birthDate: '1980-01-01', gender: 'male' })
  })

  it('rejects a wrong check character', () => {
    expect(idNumberError('110105194912310021', today)).toBe('身份证号校验位不正确')
    expect(idNumberError('430426198001010016', today)).toBe('身份证号校验位不正确')
  })

  it('rejects bad lengths, letters and impossible dates', () => {
    expect(idNumberError('', today)).toBe('请填写身份证号')
    expect(idNumberError('43042619800101001', today)).toBe('身份证号必须是18位')
    expect(idNumberError('43042619800101A016', today)).toBe('身份证号前17位必须是数字')
    expect(idNumberError('43042619800101001Y', today)).toBe('身份证号最后一位必须是数字或X')
    // 1981-02-29 does not exist; the check character is right, so only the date is wrong.
    const feb29 = '43042619810229001'
    expect(idNumberError(feb29 + idCheckChar(feb29), today)).toBe('身份证号中的出生日期无效')
    const future = '43042620270101001'
    expect(idNumberError(future + idCheckChar(future), today)).toBe('身份证号中的出生日期晚于今天')
    const old = '43042618991231001'
    expect(idNumberError(old + idCheckChar(old), today)).toBe('身份证号中的出生日期无效')
  })
})

describe('phone and masking', () => {
  it('accepts mobiles and landlines with area code, or nothing', () => {
    expect(phoneError('')).toBe('')
    expect(phoneError('13812345678')).toBe('')
    expect(phoneError('138 1234 5678')).toBe('')
    expect(phoneError('0734-6221234')).toBe('')
    expect(phoneError('07346221234')).toBe('')
  })
  it('rejects short, foreign and non-numeric numbers', () => {
    expect(phoneError('1381234567')).toMatch(/11位/)
    expect(phoneError('12812345678')).toMatch(/11位/)
    expect(phoneError('6221234')).toMatch(/区号/)
    expect(phoneError('abc')).not.toBe('')
  })
  it('tells masked values from full ones', () => {
    expect(isMasked('430426********0019')).toBe(true)
    expect(isMasked('138****5678')).toBe(true)
    expect(isMasked('430426198001010019')).toBe(false)
    expect(isMasked('')).toBe(false)
  })
})

describe('labels and sort', () => {
  it('names the codes in Chinese', () => {
    expect(genderLabel('female')).toBe('女')
    expect(categoryLabel('probationary')).toBe('预备党员')
    expect(statusLabel('transferred_out')).toBe('已转出')
    expect(statusLabel('unknown')).toBe('unknown')
    expect(statusLabel('')).toBe('—')
  })
  it('maps the table sort to the server sort', () => {
    expect(memberSort('name', 'ascending')).toBe('name')
    expect(memberSort('birth_date', 'descending')).toBe('-birth_date')
    expect(memberSort('joined_on', null)).toBe('')
    expect(memberSort('phone', 'ascending')).toBe('')
  })
  it('counts full years', () => {
    expect(ageOn('1980-12-02', today)).toBe(46)
    expect(ageOn('1980-12-03', today)).toBe(45)
    expect(ageOn('bad', today)).toBeNull()
  })
})

const input = (over: Partial<MemberForm> = {}): MemberForm => ({
  name: '张建华',
  gender: 'male',
  birth_date: '1980-01-01',
  id_number: '430426198001010019',
  phone: '13812345678',
  category: 'full',
  party_org_id: 3,
  joined_on: '2005-07-01',
  confirmed_on: '2006-07-01',
  ...over,
})

describe('登记党员 form', () => {
  it('passes a consistent form', () => {
    expect(validateMemberInput(input(), today)).toEqual({})
  })
  it('names every missing field', () => {
    const e = validateMemberInput(input({ name: ' ', gender: '', birth_date: '', id_number: '', category: '', party_org_id: null }), today)
    expect(Object.keys(e).sort()).toEqual(['birth_date', 'category', 'gender', 'id_number', 'name', 'party_org_id'])
  })
  it('requires birth date and gender to match the number', () => {
    const e = validateMemberInput(input({ gender: 'female', birth_date: '1980-01-02' }), today)
    expect(e).toEqual({ gender: '性别与身份证号不一致', birth_date: '出生日期与身份证号不一致' })
  })
  it('checks the dates', () => {
    expect(validateMemberInput(input({ confirmed_on: '2004-01-01' }), today)).toEqual({ confirmed_on: '转正日期不能早于入党日期' })
    expect(validateMemberInput(input({ joined_on: '2027-01-01', confirmed_on: '' }), today)).toEqual({ joined_on: '入党日期不能晚于今天' })
    expect(validateMemberInput(input({ joined_on: '1979-01-01' }), today).joined_on).toBe('入党日期应晚于出生日期')
    expect(validateMemberInput(input({ category: 'probationary' }), today)).toEqual({ confirmed_on: '预备党员不填转正日期' })
  })
  it('rejects a bad phone and a wrong check character', () => {
    const e = validateMemberInput(input({ phone: '12345', id_number: '430426198001010016' }), today)
    expect(e.id_number).toBe('身份证号校验位不正确')
    expect(e.phone).not.toBeUndefined()
  })
})

const member: Member = {
  id: 7,
  name: '李秀英',
  gender: 'female',
  ethnicity: '汉族',
  birth_date: '1985-03-04',
  id_number: '430426********0026',
  phone: '138****5678',
  education: '',
  category: 'probationary',
  party_org_id: 3,
  organization_id: 11,
  joined_on: '2026-05-01',
  confirmed_on: null,
  position: '',
  status: 'active',
  lost_since: null,
  lost_reason: '',
}

describe('edit form', () => {
  it('starts with an empty phone when the list value is masked', () => {
    expect(editFormOf(member).phone).toBe('')
    expect(editFormOf({ ...member, phone: '13812345678' }).phone).toBe('13812345678')
  })
  it('sends only the changed fields', () => {
    const f = editFormOf(member)
    expect(patchOf(member, f)).toEqual({})
    f.education = '大学本科'
    f.category = 'full'
    f.confirmed_on = '2027-05-01'
    f.phone = ' 13900001111 '
    expect(patchOf(member, f)).toEqual({ education: '大学本科', category: 'full', confirmed_on: '2027-05-01', phone: '13900001111' })
    expect(validateMemberEdit(f, member.birth_date, today)).toEqual({ confirmed_on: '转正日期不能晚于今天' })
  })
  it('keeps the stored phone when none is typed, and moves to another party org', () => {
    const f = editFormOf(member)
    f.party_org_id = 9
    f.status = 'transferred_out'
    expect(patchOf(member, f)).toEqual({ party_org_id: 9, status: 'transferred_out' })
  })
})

describe('statistics charts', () => {
  const counts = [
    { code: 'lt30', name: '30岁以下', count: 4 },
    { code: '30_39', name: '30–39岁', count: 0 },
    { code: '40_49', name: '40–49岁', count: 9 },
  ]
  it('keeps every band in the bars', () => {
    const o = countBarOption(counts) as { xAxis: { data: string[] }; series: { data: number[] }[] }
    expect(o.xAxis.data).toEqual(['30岁以下', '30–39岁', '40–49岁'])
    expect(o.series[0].data).toEqual([4, 0, 9])
  })
  it('names the scope own region 本级', () => {
    expect(regionCounts([{ code: '430426', name: '430426', count: 5 }, { code: '430426001', name: '洪桥街道', count: 3 }])).toEqual([
      { code: '430426', name: '本级', count: 5 },
      { code: '430426001', name: '洪桥街道', count: 3 },
    ])
  })
  it('leaves empty slices out of the ring and counts them in the legend', () => {
    const o = countPieOption(counts) as { series: { data: { name: string; value: number }[] }[]; legend: { formatter: (n: string) => string } }
    expect(o.series[0].data).toEqual([
      { name: '30岁以下', value: 4 },
      { name: '40–49岁', value: 9 },
    ])
    expect(o.legend.formatter('40–49岁')).toBe('40–49岁  9 人')
  })
})

describe('member API URLs', () => {
  it('exports with the filter and without paging', () => {
    expect(memberApi.exportUrl({ name: '李', category: 'full', page: 2, page_size: 50, gender: '' })).toBe('/api/v1/members/export?name=%E6%9D%8E&category=full')
  })
})

describe('member permissions', () => {
  it('follows member.write and member.reveal, else the role', () => {
    expect(canWriteMembers('readonly', ['member.read', 'member.write'])).toBe(true)
    expect(canWriteMembers('district', ['member.read'])).toBe(false)
    expect(canRevealMembers('party_org', ['member.read', 'member.reveal'])).toBe(true)
    expect(canRevealMembers('street', ['member.read', 'member.write'])).toBe(false)
    expect(canRevealMembers('instructor')).toBe(false)
    expect(canRevealMembers('party_org')).toBe(true)
    expect(canWriteMembers('readonly')).toBe(false)
  })
})

describe('server errors on the form', () => {
  const shown = ['name', 'id_number', 'birth_date', 'gender']
  it('puts the 422 fields under the form fields and the rest in the alert', () => {
    const body = { error: { code: 'invalid', message: '提交的数据有误', fields: { birth_date: '出生日期与身份证号不一致', region_code: '区划不存在' } } }
    const r = formErrorsOf(new ApiError(422, extractError(body)), shown)
    expect(r).toEqual({ fields: { birth_date: '出生日期与身份证号不一致' }, alert: '区划不存在' })
  })
  it('puts a duplicate 身份证号 (409) under the field', () => {
    const e = new ApiError(409, extractError({ error: { code: 'conflict', message: '该身份证号的党员已在花名册中' } }))
    expect(formErrorsOf(e, shown, 'id_number')).toEqual({ fields: { id_number: '该身份证号的党员已在花名册中' }, alert: '' })
    expect(formErrorsOf(e, shown)).toEqual({ fields: {}, alert: '该身份证号的党员已在花名册中' })
  })
  it('shows other errors in the alert', () => {
    expect(formErrorsOf(new ApiError(403, {}), shown)).toEqual({ fields: {}, alert: '没有权限执行此操作' })
  })
})

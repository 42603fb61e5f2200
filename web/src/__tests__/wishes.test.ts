import { describe, expect, it } from 'vitest'
import { wishApi, wishQuery, yuan } from '../api/wishes'

describe('wish query', () => {
  it('keeps state, sort and paging for the list only', () => {
    const q = { state: 'open', category: 'study', region_code: '430426001', q: ' 书包 ', sort: 'created_asc', page: 2, page_size: 20 }
    expect(wishQuery(q)).toEqual({ category: 'study', region_code: '430426001', q: '书包', state: 'open', sort: 'created_asc', page: 2, page_size: 20 })
    expect(wishQuery(q, 'counts')).toEqual({ category: 'study', region_code: '430426001', q: '书包' })
    expect(wishQuery(q, 'export')).toEqual({ category: 'study', region_code: '430426001', q: '书包', state: 'open', sort: 'created_asc' })
  })
  it('builds the export URL without empty parameters', () => {
    expect(wishApi.exportUrl({ state: 'open' })).toBe('/api/v1/wishes/export?state=open')
    expect(wishApi.exportUrl({})).toBe('/api/v1/wishes/export')
  })
  it('shows 分 as 元', () => {
    expect(yuan(12000)).toBe('120.00')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(null)).toBe('')
  })
})

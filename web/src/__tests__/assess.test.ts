import { describe, expect, it } from 'vitest'
import { byArea, distributionText, errorText, matches, pageOf, starChartOption, starsFor, starsText, sumPoints, thresholdsText } from '../utils/assess'
import { ApiError } from '../api/http'

const t = { five: 90, four: 80, three: 70, two: 60 }

describe('star distribution', () => {
  it('formats the count per level, skipping empty levels', () => {
    expect(distributionText({ five: 7, four: 10, three: 25, two: 0, one: 1, summary: '' })).toBe('五星级 7 个、四星级 10 个、三星级 25 个、一星级 1 个')
    expect(distributionText({ five: 0, four: 0, three: 0, two: 0, one: 0, summary: '' })).toBe('暂无评定结果')
    expect(distributionText(null)).toBe('暂无评定结果')
  })
  it('charts five stars first with all levels', () => {
    const o = starChartOption({ five: 2, four: 0, three: 1, two: 0, one: 3, summary: '' }) as unknown as {
      xAxis: { data: string[] }
      series: { data: number[] }[]
    }
    expect(o.xAxis.data).toEqual(['五星级', '四星级', '三星级', '二星级', '一星级'])
    expect(o.series[0].data).toEqual([2, 0, 1, 0, 3])
  })
})

describe('star levels', () => {
  it('applies thresholds at their boundary', () => {
    expect(starsFor(90, t)).toBe(5)
    expect(starsFor(89.99, t)).toBe(4)
    expect(starsFor(60, t)).toBe(2)
    expect(starsFor(59.99, t)).toBe(1)
  })
  it('renders stars and thresholds', () => {
    expect(starsText(3)).toBe('★★★☆☆')
    expect(starsText(9)).toBe('★★★★★')
    expect(thresholdsText(t)).toBe('≥90 五星、≥80 四星、≥70 三星、≥60 二星')
  })
  it('sums points exactly on hundredths', () => {
    expect(sumPoints([0.1, 0.2, null, 10.07])).toBe(10.37)
  })
})

describe('helpers', () => {
  it('groups by area in order', () => {
    const g = byArea([{ area: '组织建设', n: 1 }, { area: '党员管理', n: 2 }, { area: '组织建设', n: 3 }])
    expect(g.map((x) => x.area)).toEqual(['组织建设', '党员管理'])
    expect(g[0].items.map((x) => x.n)).toEqual([1, 3])
  })
  it('shows field messages of API errors', () => {
    const e = new ApiError(400, { message: '输入有误', fields: { name: '请填写名称', year: '年度不正确' } })
    expect(errorText(e)).toBe('请填写名称；年度不正确')
    expect(errorText(new ApiError(409, { message: '考评已结束' }))).toBe('考评已结束')
    expect(errorText(null)).toBe('操作失败，请稍后重试')
  })
  it('filters and pages rows', () => {
    expect(matches({ name: '达孝社区党支部' }, '达孝', ['name'])).toBe(true)
    expect(matches({ name: '达孝社区党支部' }, '洪桥', ['name'])).toBe(false)
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual([3, 4])
  })
})

// The home page as the day's work (GET /api/v1/home): cards per role.
import { http } from './http'
import type { ItemOf, Schemas } from './types'

export type HomePage = Schemas['HomePage']
export type HomeCard = ItemOf<HomePage['cards']>
export type HomeItem = ItemOf<HomeCard['items']>
export type HomeLink = HomeCard['link']

export const homeApi = {
  get: () => http.get<HomePage>('/api/v1/home'),
}

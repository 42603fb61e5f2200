// Types of the Liangxin HTTP API. They are aliases of the types generated from
// the server's OpenAPI document (schema.d.ts, `npm run gen:api`), so the UI
// cannot drift from what the server sends: rename a field on the server and
// vue-tsc fails the build here.
import type { components, operations } from './schema'

/** The named schemas of the OpenAPI document. */
export type Schemas = components['schemas']

type JSONOf<R> = R extends { content: { 'application/json': infer B } } ? B : never
type Responses<Op extends keyof operations> = operations[Op]['responses']

/** The JSON body of an operation's success answer (200 or 201). */
export type ResponseOf<Op extends keyof operations> =
  200 extends keyof Responses<Op> ? JSONOf<Responses<Op>[200]> : 201 extends keyof Responses<Op> ? JSONOf<Responses<Op>[201]> : never

/** The JSON request body of an operation. */
export type BodyOf<Op extends keyof operations> = JSONOf<NonNullable<operations[Op]['requestBody']>>

/** The query parameters of an operation. */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

/** The element type of a list. */
export type ItemOf<L> = L extends readonly (infer T)[] ? T : never

export type RoleCode =
  | 'system_admin'
  | 'security_admin'
  | 'audit_admin'
  | 'district'
  | 'street'
  | 'party_org'
  | 'instructor'
  | 'readonly'

export type User = Schemas['User']
export type SessionInfo = Schemas['SessionResponse']
export type Role = ItemOf<Schemas['RoleList']['items']>

export type RegionLevel = 'province' | 'prefecture' | 'county' | 'town' | 'village' | 'area'
export type AreaKind = 'business_district' | 'building' | 'park' | 'grid'

export type Region = Schemas['Region']
/** A region with its loaded descendants (GET /regions/{code}/tree). */
export type RegionNode = Schemas['RegionTree']

export type RegionStats = Schemas['RegionStats']
export type SystemInfo = Schemas['SystemInfo']
export type ApiToken = Schemas['Token']
export type AuditEntry = Schemas['AuditRow']
export type AuditAction = ItemOf<Schemas['ActionList']['items']>

type FilterValue<T> = T extends boolean ? boolean | 'true' | 'false' | '' : T extends number ? number | string | null : T | ''

/**
 * A list's filter state in a form: the query parameters of the operation,
 * where a select may stand empty ('' or null: no filter) and a number or a
 * yes/no may come as text. buildQuery drops the empty ones.
 */
export type FilterOf<Q> = { [K in keyof Q]?: FilterValue<NonNullable<Q[K]>> }

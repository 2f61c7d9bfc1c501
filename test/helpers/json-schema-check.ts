// A small JSON Schema 2020-12 checker for the keywords zod emits, so tests can hold request bodies
// and real answers to the OpenAPI document without adding a validator package. It throws on a
// keyword it does not know: a schema it cannot fully check fails the test instead of passing.

type Schema = Record<string, unknown>

const ANNOTATIONS = new Set(['description', 'default', 'title', 'examples', '$schema'])

/** The problems of `value` against `schema` ("path: problem"); empty when it conforms. */
export function schemaProblems(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  const problems: string[] = []
  const fail = (message: string) => problems.push(`${path}: ${message}`)
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case '$ref': {
        const name = String(arg).replace(/^#\/components\/schemas\//, '')
        const target = (root.components as { schemas?: Record<string, Schema> } | undefined)?.schemas?.[name]
        if (target === undefined) throw new Error(`unresolvable $ref ${String(arg)}`)
        problems.push(...schemaProblems(target, value, root, path))
        break
      }
      case 'type':
        if (!(Array.isArray(arg) ? arg : [arg]).some((t) => hasType(t as string, value))) fail(`not of type ${JSON.stringify(arg)}`)
        break
      case 'enum':
        if (!(arg as unknown[]).includes(value)) fail(`not one of ${JSON.stringify(arg)}`)
        break
      case 'const':
        if (value !== arg) fail(`not ${JSON.stringify(arg)}`)
        break
      case 'minLength':
        if (typeof value === 'string' && [...value].length < (arg as number)) fail(`shorter than ${String(arg)}`)
        break
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > (arg as number)) fail(`longer than ${String(arg)}`)
        break
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value)) fail(`does not match ${String(arg)}`)
        break
      case 'minimum':
        if (typeof value === 'number' && value < (arg as number)) fail(`below ${String(arg)}`)
        break
      case 'maximum':
        if (typeof value === 'number' && value > (arg as number)) fail(`above ${String(arg)}`)
        break
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= (arg as number)) fail(`not above ${String(arg)}`)
        break
      case 'exclusiveMaximum':
        if (typeof value === 'number' && value >= (arg as number)) fail(`not below ${String(arg)}`)
        break
      case 'minItems':
        if (Array.isArray(value) && value.length < (arg as number)) fail(`fewer than ${String(arg)} items`)
        break
      case 'maxItems':
        if (Array.isArray(value) && value.length > (arg as number)) fail(`more than ${String(arg)} items`)
        break
      case 'items':
        if (Array.isArray(value)) value.forEach((v, i) => problems.push(...schemaProblems(arg as Schema, v, root, `${path}[${i}]`)))
        break
      case 'required':
        if (isObject(value)) for (const k of arg as string[]) if (!(k in value)) fail(`missing "${k}"`)
        break
      case 'properties':
        if (isObject(value)) {
          for (const [k, sub] of Object.entries(arg as Record<string, Schema>)) {
            if (k in value) problems.push(...schemaProblems(sub, value[k], root, `${path}.${k}`))
          }
        }
        break
      case 'additionalProperties':
        if (isObject(value)) {
          const declared = Object.keys((schema.properties as Schema | undefined) ?? {})
          for (const [k, v] of Object.entries(value)) {
            if (declared.includes(k)) continue
            if (arg === false) fail(`unexpected "${k}"`)
            else if (arg !== true) problems.push(...schemaProblems(arg as Schema, v, root, `${path}.${k}`))
          }
        }
        break
      case 'propertyNames':
        if (isObject(value)) for (const k of Object.keys(value)) problems.push(...schemaProblems(arg as Schema, k, root, `${path}{${k}}`))
        break
      case 'anyOf':
        if (!(arg as Schema[]).some((s) => schemaProblems(s, value, root, path).length === 0)) fail('matches none of anyOf')
        break
      case 'oneOf':
        if ((arg as Schema[]).filter((s) => schemaProblems(s, value, root, path).length === 0).length !== 1) fail('does not match exactly one of oneOf')
        break
      default:
        if (!ANNOTATIONS.has(keyword)) throw new Error(`json-schema-check does not know the keyword "${keyword}" (at ${path})`)
    }
  }
  return problems
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value)
    case 'array':
      return Array.isArray(value)
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'null':
      return value === null
    default:
      throw new Error(`json-schema-check does not know the type "${type}"`)
  }
}

// Mustache templates rendered from a tree compiled once, with the output of Mustache.render.
//
// A France render draws 420,000 files from a handful of templates; mustache.js spent most of the
// publisher's rendering time looking names up (splitting dotted names, walking a chain of context
// objects, each with its own lookup cache) and re-parsing every partial at each use, keyed by its
// whole text. Here the templates are parsed by mustache.js itself, once, and each name's path is
// split at compile time; rendering walks an array of views. The subset the project's templates
// use is supported: variables (escaped and `{{{ }}}`), sections, inverted sections and partials
// (re-indented as mustache.js does). A lambda in a view throws rather than render differently, and
// test/infra/mustache-renderer.test.ts compares both renderers byte for byte.
import assert from 'node:assert/strict'
import Mustache from 'mustache'

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: string; path: string[] | undefined; escaped: boolean }
  | { kind: 'section'; name: string; path: string[] | undefined; inverted: boolean; children: Node[] }
  | { kind: 'partial'; name: string; indentation: string; lineHasNonSpace: boolean; key: string }

export type Escape = (value: unknown) => string

export interface TemplateRenderer<Name extends string> {
  render(name: Name, view: object): string
}

/**
 * `templates` are rendered by name; `partials` are what `{{> name}}` refers to (a template may be
 * both). Every source is parsed here: a syntax error is thrown at start, not on election night.
 */
export function createTemplateRenderer<Name extends string>(templates: Record<Name, string>, partials: Record<string, string>, escape: Escape): TemplateRenderer<Name> {
  /** Compiled partials by name and indentation (see toNodes). */
  const compiledPartials = new Map<string, Node[]>()
  const compilePartials = (nodes: readonly Node[]): void => {
    for (const node of nodes) {
      if (node.kind === 'section') compilePartials(node.children)
      if (node.kind !== 'partial' || compiledPartials.has(node.key)) continue
      const source = partials[node.name]
      assert(source !== undefined, `unknown partial {{> ${node.name}}}`)
      const partial = compile(node.indentation ? indentPartial(source, node.indentation, node.lineHasNonSpace) : source)
      compiledPartials.set(node.key, partial)
      compilePartials(partial)
    }
  }
  const compiled = new Map<string, Node[]>(Object.entries<string>(templates).map(([name, source]) => [name, compile(source)]))
  for (const nodes of compiled.values()) compilePartials(nodes)

  function renderNodes(nodes: readonly Node[], stack: unknown[]): string {
    let out = ''
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text
          break
        case 'value': {
          const value = lookup(stack, node.name, node.path)
          if (value != null) out += node.escaped ? escape(value) : String(value)
          break
        }
        case 'section': {
          const value = lookup(stack, node.name, node.path)
          if (node.inverted) {
            if (!value || (Array.isArray(value) && value.length === 0)) out += renderNodes(node.children, stack)
          } else if (!value) {
            // Nothing: false, null, undefined, 0, ''.
          } else if (Array.isArray(value)) {
            for (const item of value) {
              stack.push(item)
              out += renderNodes(node.children, stack)
              stack.pop()
            }
          } else if (typeof value === 'object' || typeof value === 'string' || typeof value === 'number') {
            stack.push(value)
            out += renderNodes(node.children, stack)
            stack.pop()
          } else {
            assert(typeof value !== 'function', `section {{#${node.name}}}: lambdas are not supported`)
            out += renderNodes(node.children, stack)
          }
          break
        }
        case 'partial':
          out += renderNodes(compiledPartials.get(node.key) ?? [], stack)
          break
        default: {
          const never: never = node
          throw new Error(`unknown template node ${JSON.stringify(never)}`)
        }
      }
    }
    return out
  }

  return {
    render(name, view) {
      const nodes = compiled.get(name)
      assert(nodes, `no template ${name}`)
      return renderNodes(nodes, [view])
    },
  }
}

/** mustache.js's Context.lookup, on an array of views (innermost last). */
function lookup(stack: readonly unknown[], name: string, path: string[] | undefined): unknown {
  let value: unknown
  if (name === '.') value = stack[stack.length - 1]
  else {
    for (let i = stack.length - 1; i >= 0; i--) {
      const view = stack[i]
      if (path === undefined) {
        if (isObject(view) && name in view) {
          value = view[name]
          break
        }
        continue
      }
      let at: unknown = view
      let hit = false
      for (let k = 0; at != null && k < path.length; k++) {
        const key = path[k] as string
        if (k === path.length - 1) hit = (isObject(at) && key in at) || (typeof at !== 'object' && Object.prototype.hasOwnProperty.call(at, key))
        at = (at as Record<string, unknown>)[key]
      }
      if (hit) {
        value = at
        break
      }
    }
  }
  assert(typeof value !== 'function', `{{${name}}}: functions in views are not supported`)
  return value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object'
}

/** mustache.js's own parse, then each token turned into a node with its name split once. */
function compile(source: string): Node[] {
  return toNodes(Mustache.parse(source) as unknown as RawToken[])
}

/** [type, value, start, end, children | indentation, ...] as mustache.js's parser gives them. */
type RawToken = [string, string, number, number, ...unknown[]]

function toNodes(tokens: readonly RawToken[]): Node[] {
  const nodes: Node[] = []
  for (const token of tokens) {
    const [type, value] = token
    const path = value !== '.' && value.indexOf('.') > 0 ? value.split('.') : undefined
    switch (type) {
      case 'text':
        nodes.push({ kind: 'text', text: value })
        break
      case 'name':
      case '&':
        nodes.push({ kind: 'value', name: value, path, escaped: type === 'name' })
        break
      case '#':
      case '^':
        nodes.push({ kind: 'section', name: value, path, inverted: type === '^', children: toNodes(token[4] as RawToken[]) })
        break
      case '>': {
        // mustache.js re-indents a partial that is the first tag of its line after some text.
        const [, , , , indentation, tagIndex, lineHasNonSpace] = token as [string, string, number, number, string, number, boolean]
        const indent = tagIndex === 0 ? indentation : ''
        const hasNonSpace = indent !== '' && lineHasNonSpace
        nodes.push({ kind: 'partial', name: value, indentation: indent, lineHasNonSpace: hasNonSpace, key: `${value}\u0000${indent}\u0000${hasNonSpace}` })
        break
      }
      case '!':
      case '=':
        break
      default:
        throw new Error(`unsupported mustache token ${type}`)
    }
  }
  return nodes
}

/** mustache.js's Writer.indentPartial: the indentation's spaces and tabs before each line of the partial. */
function indentPartial(partial: string, indentation: string, lineHasNonSpace: boolean): string {
  const filtered = indentation.replace(/[^ \t]/g, '')
  return partial
    .split('\n')
    .map((line, i) => (line.length > 0 && (i > 0 || !lineHasNonSpace) ? filtered + line : line))
    .join('\n')
}

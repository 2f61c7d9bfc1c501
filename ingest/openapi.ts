// The OpenAPI 3.1 document of the returns and scans API, served at GET /v1/openapi.json. Request bodies and
// the Idempotency-Key header are generated from the zod schemas the handlers parse with, so the
// document cannot drift from what is accepted; the answers are described by schemas here that
// the tests hold the real answers to. Built once at start: it only changes with the code.
import { createHash } from 'node:crypto'
import { Router } from 'express'
import { z } from 'zod'
import { ScanRefSchema } from '../core/schemas.js'
import { ErrorAnswerSchema } from './api-errors.js'
import { CSV_MEDIA_TYPES } from './csv/csv-body.js'
import { CsvReportSchema } from './csv/csv-report.js'
import { CSV_UPLOAD_PATH, CsvQuerySchema } from './csv/csv-routes.js'
import { BatchRequestSchema, IdempotencyKeySchema, ReturnRequestSchema } from './return-request.js'
import { SCAN_UPLOAD_TYPES, SCANS_PATH } from './scans-routes.js'

export const OPENAPI_PATH = '/v1/openapi.json'
const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'

type JsonSchema = Record<string, unknown>

export const ReceiptAnswerSchema = z.strictObject({
  receipt: z.string(),
  returnId: z.string().describe('The client name, a colon, and the Idempotency-Key or returnId (or a content hash without either).'),
  status: z.literal('accepted'),
})

export const BatchAnswerSchema = z.strictObject({
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  results: z.array(
    z.union([
      z.strictObject({
        index: z.number().int().nonnegative(),
        status: z.literal('accepted'),
        receipt: z.string(),
        returnId: z.string(),
        replayed: z.literal(true).optional(),
      }),
      z.strictObject({ index: z.number().int().nonnegative(), status: z.literal('rejected'), error: ErrorAnswerSchema.shape.error }),
    ]),
  ),
})

/** A zod schema as a component: requests as clients may send them (defaults optional), answers as sent. */
export function componentSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' })
  return json
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: JsonSchema) => ({ 'application/json': { schema } })
const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
const error = (description: string, headers?: object) => ({ description, content: json(ref('Error')), ...(headers ? { headers } : {}) })

/** The answers both endpoints share: before the body is looked at, or about the request as a whole. */
const commonErrors = {
  '400': error('`invalid-json`: the body is not a JSON object; `invalid-body`: see `fields`; `invalid-header`: see `fields`.'),
  '401': error('`unauthorized`: no token, or an unknown one.'),
  '413': error('`body-too-large`: above the configured body limit; send smaller batches.'),
  '415': error('`unsupported-media-type`: send `Content-Type: application/json`, UTF-8.'),
  '429': error('`rate-limited`: too many requests from this API client or this address; wait Retry-After seconds.', retryAfter),
  '500': error('`internal-error`: a bug; no receipt was given.'),
  '503': error('`election-not-loaded`, `not-durable`: nothing was acknowledged; retry after Retry-After seconds (a retry is never counted twice).', retryAfter),
}

export function buildOpenApiDocument(): JsonSchema {
  const returnRequest = componentSchema(ReturnRequestSchema, 'input')
  // The envelope is parsed first and each item on its own (a bad item rejects only itself), so the
  // envelope's schema says nothing of the items: the document names what a valid item is.
  const batchRequest = componentSchema(BatchRequestSchema, 'input')
  const envelope = batchRequest.properties as Record<string, JsonSchema>
  const batchWithItems = { ...batchRequest, properties: { ...envelope, returns: { ...envelope.returns, items: ref('ReturnRequest') } } }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    info: {
      title: 'Election-night returns ingest API',
      version: '1',
      description:
        'Submit tally-sheet returns. A receipt is given only once the return is durably stored. ' +
        'Arithmetic (sum of votes = valid…) is not checked here: consolidation flags it for the desk.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/returns': {
        post: {
          operationId: 'submitReturn',
          summary: 'Submit one return',
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: { required: true, content: json(ref('ReturnRequest')) },
          responses: {
            '202': {
              description: 'Accepted and durable. A repeat with the same key and body gets the same answer.',
              headers: {
                'Idempotent-Replayed': {
                  description: '"true" when answered from an earlier identical request; nothing was stored again.',
                  schema: { type: 'string', const: 'true' },
                },
              },
              content: json(ref('Receipt')),
            },
            ...commonErrors,
            '409': error(
              '`idempotency-conflict`: the key was used for a different return; `request-in-progress`: the same key is being stored (Retry-After).',
              retryAfter,
            ),
            '403': error('`out-of-scope`: this token may not submit for that station (see `fields`).'),
            '422': error('`unknown-election`, `unknown-contest`, `unknown-station`, `unknown-candidate`, `unknown-scan` (no such scan was uploaded with POST /v1/scans): see `fields`.'),
          },
        },
      },
      '/v1/returns/batch': {
        post: {
          operationId: 'submitReturnBatch',
          summary: 'Submit 1 to 1000 returns in one request',
          description:
            'No Idempotency-Key header (400 `invalid-header`): give each item a `returnId`. ' +
            'Each item is checked on its own (fields, election, token scope, idempotency): a bad item is rejected in the answer without failing the others.',
          requestBody: { required: true, content: json(ref('BatchRequest')) },
          responses: {
            '200': { description: 'One result per item, in request order.', content: json(ref('BatchAnswer')) },
            ...commonErrors,
          },
        },
      },
      [SCANS_PATH]: {
        post: {
          operationId: 'uploadScan',
          summary: 'Upload the scan of a signed tally sheet',
          description:
            'The body is the file itself: a JPEG or PNG image or a PDF, recognised by its first bytes, up to the configured limit ' +
            '(SCAN_MAX_BYTES, 10 MB by default). The answer is the reference to send as the `scan` of the return(s) it belongs to; ' +
            'the scan is stored durably before it is given. The same file uploaded again gets the same answer.',
          requestBody: { required: true, content: Object.fromEntries(SCAN_UPLOAD_TYPES.map((type) => [type, {}])) },
          responses: {
            '201': { description: 'Stored. Send this object as the `scan` of the return.', content: json(ref('ScanRef')) },
            '400': error('`invalid-body`: the body is empty or could not be read completely.'),
            '401': commonErrors['401'],
            '413': error('`body-too-large`: the scan is larger than the limit.'),
            '415': error('`unsupported-media-type`: not a JPEG, PNG or PDF by its bytes, or bytes that contradict the declared Content-Type.'),
            '429': commonErrors['429'],
            '500': commonErrors['500'],
            '503': error('`not-durable`: the scan could not be stored; nothing was kept. Retry after Retry-After seconds.', retryAfter),
          },
        },
      },
      [CSV_UPLOAD_PATH]: csvUploadPath(),
      [OPENAPI_PATH]: {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          security: [],
          responses: {
            '200': { description: 'The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } },
            '304': { description: 'Unchanged since the ETag given in If-None-Match.' },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token issued to the integrator.' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Your id for this return, scoped to your client (or send `returnId` in the body). A retry gets the same receipt; a different return under the same key is a 409.',
          schema: componentSchema(IdempotencyKeySchema, 'input'),
        },
      },
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
      },
      schemas: {
        ReturnRequest: returnRequest,
        BatchRequest: batchWithItems,
        Receipt: componentSchema(ReceiptAnswerSchema, 'output'),
        ScanRef: componentSchema(ScanRefSchema, 'output'),
        BatchAnswer: componentSchema(BatchAnswerSchema, 'output'),
        Error: componentSchema(ErrorAnswerSchema, 'output'),
        CsvReport: componentSchema(CsvReportSchema, 'output'),
      },
    },
  }
}

/** POST /v1/returns/csv: a file in, a report per line out (docs/csv-upload.md). */
function csvUploadPath(): JsonSchema {
  const query = (name: keyof typeof CsvQuerySchema.shape) => {
    const { description, ...schema } = componentSchema(CsvQuerySchema.shape[name], 'input')
    return { name, in: 'query', required: false, description, schema }
  }
  return {
    post: {
      operationId: 'submitReturnsCsv',
      summary: 'Submit a CSV file of returns (town halls, digital-pen and OCR vendors)',
      description:
        'The simple layout (a `station` column, the tally sheet’s figures, one column per candidate) or the Ministry of the Interior’s ' +
        'per-bureau layouts (wide, official, long), detected from the header; UTF-8 or Windows-1252 (Latin-1), with or without BOM, ' +
        '`;`, `,` or tab, gzip accepted. Each station and contest is one return, checked like a JSON return (election, token scope, ' +
        'idempotency) and produced with the others in one durable write. Without Idempotency-Key a return’s id is derived from its ' +
        'content, so uploading the same file again stores nothing twice. See docs/csv-upload.md.',
      parameters: [
        query('electionId'),
        query('contestId'),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Names the upload: each return’s id is the key followed by `/election/contest/station`. A retry of the file replays every receipt; ' +
            'another sheet for a station under the same key is refused on its line (`idempotency-conflict`).',
          schema: componentSchema(IdempotencyKeySchema, 'input'),
        },
      ],
      requestBody: {
        required: true,
        description: 'The file itself as the body (not a multipart form).',
        content: Object.fromEntries(CSV_MEDIA_TYPES.map((type) => [type, { schema: { type: 'string' } }])),
      },
      responses: {
        '200': {
          description: 'Read and stored: one result per data line (accepted with its receipt, or rejected with why), and the totals. `Accept: text/csv` gives the same as a `;` CSV.',
          content: { ...json(ref('CsvReport')), 'text/csv': { schema: { type: 'string' } } },
        },
        '400': error('`invalid-csv`: not CSV text (a spreadsheet, a PDF), empty, no rows, broken quoting (the line is named); `invalid-query`, `invalid-header`: see `fields`.'),
        '401': commonErrors['401'],
        '413': error('`body-too-large`: the file (unzipped) is above the CSV limit, or has more than 250,000 lines; split it.'),
        '415': error('`unsupported-media-type`: send the file with `Content-Type: text/csv` and a charset this reads (UTF-8, Windows-1252).'),
        '422': error('`unknown-layout`: the header is not one of the layouts; `unknown-election`, `unknown-contest`: the query names none loaded, or several elections are loaded and the file does not say which.'),
        '429': commonErrors['429'],
        '500': commonErrors['500'],
        '503': error('`election-not-loaded`, `not-durable`: nothing was acknowledged, no line has a receipt; upload the file again after Retry-After seconds (nothing is counted twice).', retryAfter),
      },
    },
  }
}

/** GET /v1/openapi.json: the document serialized once, with a strong ETag so clients revalidate cheaply. */
export function openApiRoutes(): Router {
  const body = JSON.stringify(buildOpenApiDocument())
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`
  const router = Router()
  router.get(OPENAPI_PATH, (_req, res) => {
    res.set({ ETag: etag, 'Cache-Control': 'public, max-age=300', 'Content-Type': 'application/json; charset=utf-8' })
    // express answers 304 itself when If-None-Match matches the ETag set here.
    res.send(body)
  })
  return router
}

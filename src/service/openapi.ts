// The OpenAPI 3.1 description of `continuity serve`'s /api, served at
// /api/openapi.json. test/service/openapi.test.ts validates it and checks the
// service's answers against it.
import { SEVERITIES, STATUSES } from '../model';
import { TOOL_VERSION } from '../version';

const statusCounts = {
  type: 'object',
  properties: Object.fromEntries(STATUSES.map((s) => [s, { type: 'integer', minimum: 0 }])),
  required: [...STATUSES],
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const unauthorized = errorResponse('No valid bearer token (only when serve.auth is configured).');

const triggerResponses = {
  '202': {
    description: 'Scans started in the background; their results appear in GET /api/scans when recorded.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/TriggerResult' } } },
  },
  '401': unauthorized,
  '403': errorResponse('Refused: the request came from a web page (it carries an Origin header).'),
  '409': {
    description: 'Every requested service is already being scanned.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/TriggerConflict' } } },
  },
  '503': errorResponse('serve is stopping.'),
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'continuity serve',
    version: TOOL_VERSION,
    description: 'Stored scans of continuity and scans on demand. See docs/service.md.',
  },
  security: [{ bearer: [] }, {}],
  paths: {
    '/api/scans': {
      get: {
        operationId: 'listScans',
        summary: 'Stored scans, newest first.',
        parameters: [
          { name: 'service', in: 'query', required: false, schema: { type: 'string' }, description: 'Only scans holding this service.' },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          '200': {
            description: 'The index entries of the stored scans.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ScanList' } } },
          },
          '401': unauthorized,
        },
      },
      post: {
        operationId: 'scanAll',
        summary: 'Scan every configured service now (those already being scanned are skipped).',
        responses: triggerResponses,
      },
    },
    '/api/scans/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'GET: a scan id. POST: a service name.' }],
      get: {
        operationId: 'getScan',
        summary: 'One stored scan result (docs/scan-result.md).',
        responses: {
          '200': {
            description: 'The scan result JSON, as scan.json holds it.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ScanResult' } } },
          },
          '401': unauthorized,
          '404': errorResponse('No stored scan has this id.'),
        },
      },
      post: {
        operationId: 'scanService',
        summary: 'Scan one service now.',
        responses: { ...triggerResponses, '404': errorResponse('No configured service has this name.') },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document.',
        responses: { '200': { description: 'The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } }, '401': unauthorized },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The token from the environment variable that serve.auth.tokenEnv names.' },
    },
    schemas: {
      Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
      StatusCounts: statusCounts,
      ScanIndexEntry: {
        type: 'object',
        properties: {
          scanId: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time' },
          services: { type: 'array', items: { type: 'string' } },
          totals: { $ref: '#/components/schemas/StatusCounts' },
        },
        required: ['scanId', 'startedAt', 'finishedAt', 'services', 'totals'],
        additionalProperties: false,
      },
      ScanList: {
        type: 'object',
        properties: { scans: { type: 'array', items: { $ref: '#/components/schemas/ScanIndexEntry' } } },
        required: ['scans'],
        additionalProperties: false,
      },
      TriggerResult: {
        type: 'object',
        properties: {
          started: { type: 'array', items: { type: 'string' }, description: 'Services whose scan started.' },
          busy: { type: 'array', items: { type: 'string' }, description: 'Services already being scanned: not started again.' },
          stopping: { type: 'boolean', const: false },
        },
        required: ['started', 'busy', 'stopping'],
        additionalProperties: false,
      },
      TriggerConflict: {
        type: 'object',
        properties: { error: { type: 'string' }, started: { type: 'array', maxItems: 0 }, busy: { type: 'array', items: { type: 'string' } }, stopping: { type: 'boolean' } },
        required: ['error', 'started', 'busy'],
      },
      ScanResult: {
        type: 'object',
        description: 'docs/scan-result.md describes every field.',
        properties: {
          schemaVersion: { type: 'integer' },
          tool: { type: 'object', properties: { name: { const: 'continuity' }, version: { type: 'string' } }, required: ['name', 'version'] },
          scanId: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time' },
          configPath: { type: ['string', 'null'] },
          services: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                environment: { type: 'string' },
                datastores: { type: 'array', items: { type: 'object', required: ['name', 'type', 'environment', 'durationMs'] } },
                findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } },
              },
              required: ['name', 'environment', 'datastores', 'findings'],
            },
          },
          estate: { type: 'object', properties: { findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } } }, required: ['findings'] },
          checks: { type: 'array', items: { type: 'object', required: ['id', 'title', 'severity', 'description', 'remediation'] } },
          totals: { $ref: '#/components/schemas/StatusCounts' },
          changes: { type: 'object', required: ['previousScanId', 'previousFinishedAt', 'events'] },
        },
        required: ['schemaVersion', 'tool', 'scanId', 'startedAt', 'finishedAt', 'configPath', 'services', 'estate', 'checks', 'totals'],
      },
      Finding: {
        type: 'object',
        properties: {
          checkId: { type: 'string' },
          service: { type: 'string' },
          datastore: { type: 'string' },
          resource: { type: 'string' },
          status: { enum: [...STATUSES] },
          severity: { enum: [...SEVERITIES] },
          message: { type: 'string' },
          evidence: {
            type: 'array',
            items: {
              type: 'object',
              properties: { source: { type: 'string' }, field: { type: 'string' }, value: { type: ['string', 'number', 'boolean', 'null'] } },
              required: ['source', 'field', 'value'],
            },
          },
          remediation: { type: 'string' },
        },
        required: ['checkId', 'service', 'resource', 'status', 'severity', 'message', 'evidence', 'remediation'],
      },
    },
  },
} as const;

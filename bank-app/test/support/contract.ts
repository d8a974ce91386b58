// The contract test: every response an e2e spec receives from an in-process app (startApp) is checked
// against the OpenAPI document that app serves at /docs-json: its status is documented for the route,
// its content type is one the document gives for that status, and its body validates (ajv) against the
// schema. contract-setup.ts (a setup file of jest.config.js) checks each spec file's responses in an
// afterAll, so a response the document does not describe fails that file.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export interface RecordedResponse {
  method: string;
  /** The route's pattern in the document's syntax ("/debitcards/{id}"). */
  route: string;
  status: number;
  contentType: string;
  body: string;
}

interface Responses {
  [status: string]: { content?: Record<string, unknown> } | undefined;
}

/** What is wrong with one response against the document, in words; [] when it conforms. */
export function contractViolations(document: OpenAPIObject, response: RecordedResponse): string[] {
  const operation = (
    document.paths[response.route] as Record<string, { responses: Responses }> | undefined
  )?.[response.method.toLowerCase()];
  const where = `${response.method} ${response.route} -> ${response.status}`;
  if (operation === undefined) return [`${where}: the route is not in the document`];
  const documented = operation.responses[String(response.status)] ?? operation.responses.default;
  if (documented === undefined) return [`${where}: the status is not documented`];
  const mediaType = response.contentType.split(';')[0].trim();
  if (documented.content === undefined)
    return response.body === '' ? [] : [`${where}: a body where none is documented`];
  if (!(mediaType in documented.content)) return [`${where}: content type ${mediaType} is not documented`];
  if (!mediaType.endsWith('json')) return [];
  const pointer = [
    'paths',
    response.route,
    response.method.toLowerCase(),
    'responses',
    String(response.status),
    'content',
    mediaType,
    'schema',
  ]
    .map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/');
  const validate = validatorFor(document).getSchema(`openapi#/${pointer}`);
  if (validate === undefined) return [`${where}: no schema for ${mediaType}`];
  if (validate(JSON.parse(response.body))) return [];
  return (validate.errors ?? []).map(
    (error) => `${where}: body${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

const validators = new WeakMap<OpenAPIObject, Ajv>();

/** An ajv holding the whole document, so `#/components/...` references resolve inside it. */
function validatorFor(document: OpenAPIObject): Ajv {
  let ajv = validators.get(document);
  if (ajv === undefined) {
    // OpenAPI 3.0 schemas: `nullable` is an ajv keyword; `example` and the document's own members are
    // not schema keywords (strict: false), and the document is not a JSON schema (validateSchema: false).
    ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi');
    validators.set(document, ajv);
  }
  return ajv;
}

const recorded: { document: OpenAPIObject; response: RecordedResponse }[] = [];

/** Records every response of this app, to be checked against `document` when the spec file ends. */
export function recordResponses(
  app: NestFastifyApplication,
  document: () => OpenAPIObject | undefined,
): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      const route = request.routeOptions.url;
      const current = document();
      // The docs themselves, the dashboard's files and unknown URLs are not API operations.
      if (current !== undefined && route !== undefined && current.paths[route.replace(/:(\w+)/g, '{$1}')]) {
        recorded.push({
          document: current,
          response: {
            method: request.method,
            route: route.replace(/:(\w+)/g, '{$1}'),
            status: reply.statusCode,
            contentType: String(reply.getHeader('content-type') ?? ''),
            body:
              typeof payload === 'string'
                ? payload
                : Buffer.isBuffer(payload)
                  ? payload.toString('utf8')
                  : '',
          },
        });
      }
      done(null, payload);
    });
}

/** Checks the responses recorded so far (contract-setup.ts calls it after each spec file). */
export function checkRecordedResponses(): void {
  const violations = recorded.flatMap(({ document, response }) => contractViolations(document, response));
  recorded.length = 0;
  expect(violations).toEqual([]);
}

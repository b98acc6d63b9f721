import type { IncomingMessage, ServerResponse } from 'node:http';
import { catalog, products } from './catalog.js';
import { createSession, getSession, sessions } from './sessions.js';
import type { Session } from './sessions.js';

export const VERSION = 'v3';

/** Request bodies larger than this are refused with 413. */
const MAX_BODY_BYTES = 64 * 1024;
/** Per-line quantity cap: a cart is not a warehouse. */
const MAX_QTY = 999;

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
}

type Handler = (ctx: RouteContext) => Reply;

interface Route {
  readonly method: string;
  /** Segments; `:name` captures one path segment. */
  readonly pattern: readonly string[];
  readonly handler: Handler;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const error = (status: number, message: string): Reply => ({ status, body: { error: message } });

function cartView(session: Session): unknown {
  return {
    id: session.id,
    items: session.lines.map(({ sku, qty, unitPrice }) => ({ sku, qty, unitPrice })),
    // Still `createdAt` on the wire: the field's rename is internal, clients keep working.
    createdAt: session.startedAt,
    updatedAt: session.updatedAt,
    expiresAt: session.expiresAt(),
    total: session.total(),
    currency: session.currency,
  };
}

/** The `{sku, qty}` of an add-to-cart request, or the reason it is not one. */
function parseCartAdd(body: unknown): { sku: string; qty: number } | string {
  if (typeof body !== 'object' || body === null) return 'body must be a JSON object {sku, qty}';
  const { sku, qty } = body as Record<string, unknown>;
  if (typeof sku !== 'string') return 'sku must be a string';
  if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1 || qty > MAX_QTY) {
    return `qty must be an integer from 1 to ${MAX_QTY}`;
  }
  return { sku, qty };
}

function withSession(handler: (session: Session, ctx: RouteContext) => Reply): Handler {
  return (ctx) => {
    const session = getSession(ctx.params['id'] ?? '');
    return session ? handler(session, ctx) : error(404, 'no such session');
  };
}

const routes: readonly Route[] = [
  { method: 'GET', pattern: ['health'], handler: () => ok({ version: VERSION, sessions: sessions.size }) },
  { method: 'GET', pattern: ['products'], handler: () => ok(products) },
  { method: 'POST', pattern: ['sessions'], handler: () => ok({ id: createSession().id }, 201) },
  { method: 'GET', pattern: ['sessions', ':id', 'cart'], handler: withSession((s) => ok(cartView(s))) },
  {
    method: 'POST',
    pattern: ['sessions', ':id', 'cart'],
    handler: withSession((session, { body }) => {
      const line = parseCartAdd(body);
      if (typeof line === 'string') return error(400, line);
      const product = catalog.get(line.sku);
      if (!product) return error(400, `unknown sku ${line.sku}`);
      if ((session.line(line.sku)?.qty ?? 0) + line.qty > MAX_QTY) return error(400, `at most ${MAX_QTY} of one sku`);
      session.add(line.sku, line.qty, product.price);
      return ok(cartView(session));
    }),
  },
  {
    method: 'GET',
    pattern: ['sessions', ':id', 'total'],
    handler: withSession((s) =>
      ok({ id: s.id, total: s.total(), currency: s.currency, count: s.lines.reduce((n, l) => n + l.qty, 0) }),
    ),
  },
  {
    method: 'DELETE',
    pattern: ['sessions', ':id', 'cart', ':sku'],
    handler: withSession((session, { params }) =>
      session.remove(params['sku'] ?? '') ? ok(cartView(session)) : error(404, 'sku not in cart'),
    ),
  },
];

function match(route: Route, segments: readonly string[]): Record<string, string> | undefined {
  if (route.pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of route.pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, { status, body }: Reply): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return undefined; // malformed percent-encoding
  }
}

/** The server's request listener: route, read the body if any, run the handler, reply in JSON. */
export async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const segments = decodeSegments(url.pathname);
  if (!segments) return send(res, error(400, 'malformed path'));
  const found = routes
    .map((route) => ({ route, params: match(route, segments) }))
    .find(({ route, params }) => params !== undefined && route.method === req.method);
  if (!found?.params) {
    req.resume(); // drain any body so the connection stays usable
    return send(res, error(404, 'not found'));
  }
  let body: unknown;
  try {
    body = req.method === 'POST' ? await readJson(req) : undefined;
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.status === 413) res.setHeader('connection', 'close');
    return send(res, error(err.status, err.message));
  }
  send(res, found.route.handler({ params: found.params, body }));
}

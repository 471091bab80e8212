// A tiny exact-path REST router, so the public market routes, the debug routes and (later) the signed private
// routes register independently. WHEN TO USE: add routes with `get`/`post`; the server answers unknown paths with
// Bitget's 404 envelope.
import type { IncomingHttpHeaders } from 'node:http';

export interface RestRequest {
  readonly method: string;
  /** Path without the query string, e.g. "/api/v2/public/time". */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The query string exactly as sent, without the "?" ("" when none): signed requests hash it verbatim. */
  readonly rawQuery?: string;
  readonly headers: IncomingHttpHeaders;
  /** Raw body text (signed private requests hash it verbatim). */
  readonly body: string;
}

export interface RestResponse {
  readonly status: number;
  /** JSON text, rendered by the handler (so big integers can be written exactly). */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RestHandler = (req: RestRequest) => RestResponse | Promise<RestResponse>;

export class Router {
  private readonly routes = new Map<string, RestHandler>();

  add(method: string, path: string, handler: RestHandler): this {
    const key = `${method.toUpperCase()} ${path}`;
    if (this.routes.has(key)) throw new Error(`RB_ERR_EXCHANGE_ROUTE: ${key} registered twice`);
    this.routes.set(key, handler);
    return this;
  }

  get(path: string, handler: RestHandler): this {
    return this.add('GET', path, handler);
  }

  post(path: string, handler: RestHandler): this {
    return this.add('POST', path, handler);
  }

  /** The handler's response, or undefined when no route matches method and path. */
  async handle(req: RestRequest): Promise<RestResponse | undefined> {
    const h = this.routes.get(`${req.method.toUpperCase()} ${req.path}`);
    return h ? h(req) : undefined;
  }
}

/** /healthz and /metrics over node:http, for the orchestrator's probes and a Prometheus scrape. */
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { METRICS_CONTENT_TYPE, MetricsSnapshot, renderMetrics } from "./metrics";

export interface Observed {
    health(): { ok: boolean; [key: string]: unknown };
    metrics(): MetricsSnapshot;
}

export function handle(
    service: Observed,
    request: Pick<IncomingMessage, "method" | "url">,
    response: ServerResponse,
): void {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
    }
    if (path === "/healthz") {
        const health = service.health();
        response
            .writeHead(health.ok ? 200 : 503, { "content-type": "application/json" })
            .end(`${JSON.stringify(health)}\n`);
    } else if (path === "/metrics") {
        response.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(renderMetrics(service.metrics()));
    } else {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found: /healthz, /metrics\n");
    }
}

/** Listens on `port` (0: any free port); resolves once listening. */
export function serve(service: Observed, port: number, host = "0.0.0.0"): Promise<Server> {
    const server = createServer((request, response) => handle(service, request, response));
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve(server));
    });
}

// A local webhook receiver (node:http on 127.0.0.1, a free port) standing in for an ERP: it answers what the
// test scripts (200, 500, 410, 429 with Retry-After, no answer at all, a closed connection) and checks each
// request's signature with the algorithm of docs/webhooks.md, written here from the documentation and not
// imported from the code under test.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Answer = { status: number; headers?: Record<string, string> } | "hang" | "close";

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The signature matched the secret registered for this path, and the timestamp was within 5 minutes. */
  signatureValid: boolean;
}

export interface Receiver {
  /** `http://127.0.0.1:PORT/<path>` */
  url(path: string): string;
  /** The secret the receiver checks requests to `path` with (as printed by `ccbot webhooks add`). */
  setSecret(path: string, secret: string): void;
  /** What to answer to the next requests to `path`, in order; afterwards 200. */
  script(path: string, ...answers: Answer[]): void;
  received: Received[];
  close(): Promise<void>;
}

/** docs/webhooks.md, "Checking the signature". */
export function verifySignature(secret: string, timestamp: string, rawBody: string, header: string, nowSeconds: number): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(
    "v1=" +
      createHmac("sha256", Buffer.from(secret, "utf8"))
        .update(timestamp + "." + rawBody, "utf8")
        .digest("hex"),
  );
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(): Promise<Receiver> {
  const secrets = new Map<string, string>();
  const answers = new Map<string, Answer[]>();
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const secret = secrets.get(path);
      const timestamp = String(req.headers["x-ccbot-timestamp"] ?? "");
      const signature = String(req.headers["x-ccbot-signature"] ?? "");
      received.push({
        path,
        headers: req.headers,
        body,
        signatureValid: secret !== undefined && verifySignature(secret, timestamp, body, signature, Math.floor(Date.now() / 1000)),
      });
      const answer = answers.get(path)?.shift() ?? { status: 200 };
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      if (answer === "close") {
        req.socket.destroy();
        return;
      }
      // No keep-alive: an idle connection closed by the server just as the next delivery reuses it would make
      // a test depend on timing (in real use that delivery fails and is retried).
      res.writeHead(answer.status, { "Content-Type": "text/plain", Connection: "close", ...answer.headers });
      res.end(answer.status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}/${path}`,
    setSecret: (path, secret) => secrets.set(path.startsWith("/") ? path : `/${path}`, secret),
    script: (path, ...next) => {
      const key = path.startsWith("/") ? path : `/${path}`;
      answers.set(key, [...(answers.get(key) ?? []), ...next]);
    },
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

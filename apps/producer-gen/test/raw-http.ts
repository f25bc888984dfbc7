// Raw HTTP/1.1 for the ingest suites: what fetch will not send (a body that does not match its
// Content-Length, a URL past the header limit, a broken request line), and the answers parsed
// back, every one of them if the server sent several.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const defaultRawOptions = { timeoutMs: 15_000 } as const;

/**
 * Sends `text` on a fresh connection and returns what came back until the server closed it (send
 * `connection: close`). `halfClose` ends our side after sending, for a body shorter than its
 * Content-Length: Node treats a half-close as the client leaving, so a request that was whole
 * would be dropped unanswered.
 */
export function sendRaw(port: number, text: string | Buffer, options: { timeoutMs?: number; halfClose?: boolean } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? defaultRawOptions.timeoutMs;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (options.halfClose === true ? socket.end(text) : socket.write(text)));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString().slice(0, 300))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset after answering (it closes on a parse error): what arrived still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Every response in `raw`, in order (keep-alive answers several requests on one connection). */
export function parseResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyBytes = Buffer.from(rest.slice(headEnd + 4), 'utf8');
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: bodyBytes.subarray(0, length).toString('utf8') });
    rest = bodyBytes.subarray(length).toString('utf8');
  }
  return responses;
}

/** A POST with the given Content-Length (the body's own length unless told otherwise). */
export function rawPost(path: string, body: string, options: { contentLength?: number; contentType?: string } = {}): string {
  return (
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: ${options.contentType ?? 'application/json'}\r\n` +
    `content-length: ${options.contentLength ?? Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

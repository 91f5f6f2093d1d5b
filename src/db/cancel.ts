import { connect } from 'node:net';

/** Where a backend runs and the key that lets a client cancel its statement. @internal */
export interface CancelTarget {
  /** Host name or address; a path starting with `/` is a Unix socket directory. */
  host: string;
  /** Port (also names the Unix socket file). */
  port: number;
  /** The backend's process id (`BackendKeyData`). */
  processID: number;
  /** The backend's secret key (`BackendKeyData`). */
  secretKey: number;
}

/** `CancelRequest` code of the PostgreSQL protocol: 1234 in the high 16 bits, 5678 in the low. */
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Asks the server to cancel whatever statement the backend is running: PostgreSQL's protocol
 * cancel request, sent on a new socket (no login, no pool slot). Resolves once the server has
 * taken the request (it closes the socket), or after `timeoutMs`; never rejects — cancelling is
 * best effort, and the statement timeout is the backstop.
 * @internal
 */
export function sendCancelRequest(target: CancelTarget, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const socket = target.host.startsWith('/')
      ? connect(`${target.host}/.s.PGSQL.${target.port}`)
      : connect(target.port, target.host);
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(target.processID, 8);
    packet.writeInt32BE(target.secretKey, 12);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('connect', () => socket.end(packet));
    socket.once('error', () => socket.destroy());
    socket.once('close', () => resolve());
  });
}

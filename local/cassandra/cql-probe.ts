import { Socket } from 'node:net';

/**
 * Asks a CQL server whether it is ready: sends a native-protocol v4 OPTIONS frame and waits for its
 * SUPPORTED answer. A bare TCP accept is not enough: the port may be bound before requests are served.
 */
export function probeCql(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Response header: version | 0x80, flags, stream (2 bytes), opcode (0x06 SUPPORTED), length.
      if (received.length >= 5) finish((received[0]! & 0x80) !== 0 && received[4] === OPCODE_SUPPORTED);
    });
    socket.connect(port, host, () => {
      socket.write(OPTIONS_FRAME);
    });
  });
}

const OPCODE_SUPPORTED = 0x06;
/** version 4 request, no flags, stream 0, opcode OPTIONS (0x05), empty body. */
const OPTIONS_FRAME = Buffer.from([0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00]);

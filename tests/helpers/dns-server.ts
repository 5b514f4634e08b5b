import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";

/** Records served by the test DNS server: name -> A addresses; names listed in `servfail` answer SERVFAIL. */
export interface DnsZone {
  a: Record<string, string[]>;
  txt?: Record<string, string[]>;
  servfail?: string[];
  /** Names that get no answer at all (the client must time out). */
  silent?: string[];
}

const TYPE_A = 1;
const TYPE_TXT = 16;

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i] !== 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString("ascii"));
    i += msg[i] + 1;
  }
  return { name: labels.join(".").toLowerCase(), end: i + 1 };
}

/** A minimal authoritative DNS server over UDP on 127.0.0.1, enough for A and TXT queries. */
export async function startDnsServer(zone: DnsZone): Promise<{ address: string; close: () => void; queries: string[] }> {
  const socket: Socket = createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (msg, rinfo) => {
    const id = msg.readUInt16BE(0);
    const { name, end } = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    queries.push(`${name}/${qtype}`);
    if (zone.silent?.includes(name)) return;
    const question = msg.subarray(12, end + 4);
    let rcode = 0;
    const answers: Buffer[] = [];
    if (zone.servfail?.includes(name)) rcode = 2;
    else if (qtype === TYPE_A && zone.a[name]) {
      for (const ip of zone.a[name]) answers.push(record(TYPE_A, Buffer.from(ip.split(".").map(Number))));
    } else if (qtype === TYPE_TXT && zone.txt?.[name]) {
      for (const t of zone.txt[name]) answers.push(record(TYPE_TXT, Buffer.concat([Buffer.from([t.length]), Buffer.from(t)])));
    } else if (!zone.a[name] && !zone.txt?.[name]) rcode = 3; // NXDOMAIN
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired+available
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  return { address: `127.0.0.1:${(socket.address() as AddressInfo).port}`, close: () => socket.close(), queries };
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

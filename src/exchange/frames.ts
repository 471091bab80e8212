// Bitget v2 public WS frames as exact JSON text (docs/bitget.md §1.4–1.8). Built with string templates so
// `seq`/`pseq` stay bare JSON integers of any size (BigInt → decimal digits, never through a JS number), and key
// order follows the captured frames. WHEN TO USE: every frame the exchange sends on a public socket.
import type { WireLevel } from './format';

/** A subscription argument as it travels in acks, errors and pushes. */
export interface WsArg {
  readonly instType: string;
  readonly channel: string;
  readonly instId: string;
}

/** Bitget's public WS error codes (§1.4) and the messages this simulator sends with them. */
export const WsError = {
  channelMissing: 30001, // msg is built per arg, see unknownInstrumentMsg
  illegalRequest: 30002,
  invalidOp: 30003,
  tooManyRequests: 30006,
  paramError: 30016,
} as const;

export const WS_ERROR_MSG: Readonly<Record<number, string>> = {
  30002: 'Illegal request',
  30003: 'Invalid op',
  30006: 'Request too many',
  30016: 'Param error',
};

const q = JSON.stringify;

export function argJson(arg: WsArg): string {
  return `{"instType":${q(arg.instType)},"channel":${q(arg.channel)},"instId":${q(arg.instId)}}`;
}

/** `{"event":"subscribe"|"unsubscribe","arg":{...}}` — one per argument of a request. */
export function ackFrame(event: 'subscribe' | 'unsubscribe', arg: WsArg): string {
  return `{"event":"${event}","arg":${argJson(arg)}}`;
}

/**
 * An error frame. With an argument: `{"event":"error","arg":{...},"code":N,"msg":"...","op":"subscribe"}`
 * (captured shape); without one: `{"event":"error","code":N,"msg":"..."}`. `argText` is pre-rendered JSON so a
 * malformed argument can be echoed as the client sent it.
 */
export function errorFrame(code: number, msg: string, argText?: string, op?: string): string {
  const arg = argText !== undefined ? `"arg":${argText},` : '';
  const tail = op !== undefined ? `,"op":${q(op)}` : '';
  return `{"event":"error",${arg}"code":${code},"msg":${q(msg)}${tail}}`;
}

/** The 30001 message Bitget sends for an instrument it does not list. */
export function unknownInstrumentMsg(arg: WsArg): string {
  return `instType:${arg.instType},channel:${arg.channel},instId:${arg.instId},precision:null doesn't exist`;
}

export function levelsJson(levels: readonly WireLevel[]): string {
  let s = '[';
  for (let i = 0; i < levels.length; i++) s += `${i ? ',' : ''}["${levels[i][0]}","${levels[i][1]}"]`;
  return s + ']';
}

/** `{"action":...,"arg":{...},"data":[<data>],"ts":<outer ms>}` with `data` already rendered as JSON. */
export function pushFrame(action: 'snapshot' | 'update', argText: string, dataJson: string, tsMs: number): string {
  return `{"action":"${action}","arg":${argText},"data":[${dataJson}],"ts":${Math.floor(tsMs)}}`;
}

/** data[0] of a futures `books` push: asks, bids, ts (string), seq, pseq (bare integers). */
export function futuresBooksData(asks: string, bids: string, tsMs: number, seq: bigint, pseq: bigint): string {
  return `{"asks":${asks},"bids":${bids},"ts":"${Math.floor(tsMs)}","seq":${seq},"pseq":${pseq}}`;
}

/** data[0] of a spot `books` push: asks, bids, ts, checksum (signed int32; 0 on snapshots), seq. */
export function spotBooksData(asks: string, bids: string, tsMs: number, checksum: number, seq: bigint): string {
  return `{"asks":${asks},"bids":${bids},"ts":"${Math.floor(tsMs)}","checksum":${checksum},"seq":${seq}}`;
}

/** data[0] of books1/5/15: spot `{"asks","bids","checksum":0,"ts"}`; futures `{"asks","bids","ts","seq","pseq":0}`. */
export function fixedBooksData(futures: boolean, asks: string, bids: string, tsMs: number, seq: bigint): string {
  return futures
    ? `{"asks":${asks},"bids":${bids},"ts":"${Math.floor(tsMs)}","seq":${seq},"pseq":0}`
    : `{"asks":${asks},"bids":${bids},"checksum":0,"ts":"${Math.floor(tsMs)}"}`;
}

/** One element of a `trade` push's data. */
export function tradeJson(tsMs: number, price: string, size: string, side: 'buy' | 'sell', tradeId: bigint): string {
  return `{"ts":"${Math.floor(tsMs)}","price":"${price}","size":"${size}","side":"${side}","tradeId":"${tradeId}"}`;
}

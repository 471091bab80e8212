// Bitget v2 REST and private-WS error answers (docs/bitget.md §1.4, §1.2, §5.6). Codes and messages are the
// documented or captured ones; the few the fact sheet does not pin are marked "guess" (docs/exchange.md lists them).
// WHEN TO USE: throw an ApiError anywhere in a private handler; the route wrapper renders Bitget's envelope.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

const bad = (code: string, msg: string) => new ApiError(400, code, msg);

export const Err = {
  // authentication (§5.2, §5.6)
  keyEmpty: () => bad('40001', 'ACCESS_KEY cannot be empty'),
  signEmpty: () => bad('40003', 'Signature cannot be empty'),
  timestampInvalid: () => bad('40005', 'Invalid ACCESS_TIMESTAMP'),
  keyInvalid: () => bad('40006', 'Invalid ACCESS_KEY'),
  timestampExpired: () => bad('40008', 'Request timestamp expired'),
  signInvalid: () => bad('40009', 'sign signature error'),
  passphraseEmpty: () => bad('40011', 'ACCESS_PASSPHRASE cannot be empty'),
  passphraseInvalid: () => bad('40012', 'apikey/password is incorrect'),
  environment: () => bad('40099', 'exchange environment is incorrect'),
  rateLimited: () => new ApiError(429, '429', 'Too Many Requests'),
  // parameters
  badJson: () => bad('40017', 'Parameter verification failed'),
  paramEmpty: (name: string) => bad('40019', `Parameter ${name} cannot be empty`),
  paramError: (name: string) => bad('40020', `Parameter ${name} error`),
  symbolUnknown: (symbol: string) => bad('40034', `Parameter ${symbol} does not exist`),
  clientOidLong: () => bad('40305', 'Client_oid length is not greater than 50, and cannot be Martian characters'),
  // orders
  sizeScale: (value: string, scale: number) =>
    bad('40808', `Parameter verification exception size checkBDScale error value=${value} checkScale=${scale}`),
  priceScale: () => bad('41103', 'param price scale error error'),
  priceNotPositive: () => bad('43011', 'The parameter does not meet the specification executePrice <= 0'),
  minNotional: (min: string) => bad('45110', `less than the minimum amount ${min} USDT`),
  minSize: (min: string) => bad('45111', `less than the minimum order quantity ${min}`), // guess
  balance: () => bad('40762', 'The order amount exceeds the balance'),
  spotBalance: () => bad('43012', 'Insufficient balance'),
  postOnlyCross: () => bad('43013', 'The post_only order would be filled immediately as a taker, so it was rejected'), // guess
  duplicateClientOid: () => bad('40786', 'Duplicate clientOid'),
  notModifiable: () => bad('40020', 'Parameter orderId error: only an unfilled limit order can be modified'), // guess
  orderUnknown: () => bad('40109', 'The data of the order cannot be found, please confirm the order number'),
  spotOrderUnknown: () => bad('43001', 'Order does not exist'),
  noPosition: () => bad('22002', 'No position to close'),
  reduceTooBig: () => bad('40757', 'Not enough position is available.'), // guess
  leverageRange: (max: number) => bad('40797', `Exceeded the maximum settable leverage ${max}`), // guess
  leverageMargin: () => bad('40893', 'Unable to update the leverage factor of this position, there is not enough margin!'), // guess
} as const;

/** Private WS error codes (§1.4) and messages. */
export const WsErr = {
  needLogin: [30004, 'User needs to log in'],
  keyInvalid: [30011, 'Invalid ACCESS_KEY'],
  passphraseInvalid: [30012, 'Invalid ACCESS_PASSPHRASE'],
  timestampInvalid: [30013, 'Invalid ACCESS_TIMESTAMP'],
  timestampExpired: [30014, 'Request timestamp expired'],
  signInvalid: [30015, 'Invalid sign'],
} as const satisfies Record<string, readonly [number, string]>;

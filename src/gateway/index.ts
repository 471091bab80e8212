// The order gateway's public surface (explicit list; everything else in src/gateway is internal).
export { BitgetGateway, gatewayEndpoints } from './gateway';
export type { BitgetGatewayOptions, GatewayEndpoints, VenueState } from './gateway';
export { BitgetRestClient } from './rest-client';
export type { RestClientOptions, VenueMode } from './rest-client';
export { BitgetPrivateWs, routePrivatePush, privatePushFrom, privateArg } from './private-ws';
export type { PrivateWsOptions, PrivatePush, PrivateChannel, PrivateWsState, PushRouting } from './private-ws';
export { OrderTracker } from './tracker';
export type { TrackedOrder, OrderState, TrackerOptions } from './tracker';
export {
  BitgetApiError,
  GatewayTransportError,
  BITGET_ERRORS,
  classifyBitgetCode,
  outcomeUnknown,
  authRefused,
  authRefusedText,
  placeFailureEvent,
  cancelFailureEvent,
} from './errors';
export type { ErrorCategory, ErrorInfo } from './errors';
export { ServerClock, offsetFromSamples } from './clock';
export type { TimeSample } from './clock';
export { SlidingWindowLimiter } from './rate-limit';
export type { RateLimit } from './rate-limit';
export { ENDPOINTS, placeOrderRequest, placeProblem, flipSide, MAX_CLIENT_OID } from './wire';
export type {
  EndpointName,
  EndpointSpec,
  ProductType,
  MarginMode,
  PosMode,
  FuturesPlaceOrderRequest,
  SpotPlaceOrderRequest,
  CancelOrderRequest,
  OrderIds,
  BatchCancelResult,
  OrdersPendingResult,
  PendingOrderRow,
  PositionRow,
  OrderVenueConfig,
} from './wire';
export { parseOrderRow, parseFillRow, parsePositionRow, parsePendingRow, signedPositionLot, tradeDirection } from './parse';
export type { OrderUpdate, FillUpdate, TradeUpdate, PositionUpdate, PendingOrder, OrderStatus } from './parse';
export { priceToTicks, sizeToLots, ticksToPrice, lotsToSize, feePaid, scaledExact, GatewayDecimalError } from './units';
export {
  LOCAL_DEMO_CREDENTIALS,
  credentialsFromEnv,
  credentialsFromJson,
  describeCredentials,
  keyHint,
  signRest,
  signWsLogin,
  restPrehash,
  queryString,
  hmacBase64,
  signaturesEqual,
} from './signing';
export type { Credentials } from './signing';

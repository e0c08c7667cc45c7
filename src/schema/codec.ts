/**
 * CQL value codecs, in one import: JS values ⇄ native protocol bytes
 * (codec-values), literals ⇄ bytes (codec-literal), and the sort order with
 * its order-preserving key encoding (codec-order). Pure, shared by the server
 * and the driver.
 */
export { serialize, deserialize, validate, DATE_EPOCH_DAYS } from './codec-values.js';
export { acceptsConstant, fromConstant, formatCql, type ConstantKind } from './codec-literal.js';
export { compareValues, encodeOrdered, decodeOrdered, escapeBytes, unescapeBytes } from './codec-order.js';
export { frameCollection, unframeCollection } from './codec-frame.js';

const Encoder = require('../../../encoder')

// own headers only, as Object.keys gives them (for...in walks the prototype chain too)
const hasOwn = Object.prototype.hasOwnProperty

/**
 * v0
 * Record =>
 *   Length => Varint
 *   Attributes => Int8
 *   TimestampDelta => Varlong
 *   OffsetDelta => Varint
 *   Key => varInt|Bytes
 *   Value => varInt|Bytes
 *   Headers => [HeaderKey HeaderValue]
 *     HeaderKey => VarInt|String
 *     HeaderValue => VarInt|Bytes
 */

/**
 * @param [offsetDelta=0] {Integer}
 * @param [timestampDelta=0] {Long}
 * @param key {Buffer}
 * @param value {Buffer}
 * @param [headers={}] {Object}
 */
/**
 * lagscale: writes the record into `encoder` (a batch's records, back to back) instead of
 * an encoder of its own that the batch then copies; `module.exports` keeps the old contract.
 */
const writeRecord = (encoder, { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }) =>
  writeRecordFields(encoder, offsetDelta, timestampDelta, key, value, headers)

/**
 * lagscale: the same, its fields as arguments: the produce request's loop calls it once per
 * record, and an object of fields per record was an allocation the loop did not need.
 */
const writeRecordFields = (encoder, offsetDelta, timestampDelta, key, value, headers) => {
  if (headers == null) headers = {}
  // lagscale: headers measured in one pass and written in a second over the same keys,
  // without a { key, value } object per header, and written straight into the encoder (same
  // bytes on the wire; a header whose value is an array is one header per element, in order).
  let headerCount = 0
  let headersSize = 0
  for (const headerKey in headers) {
    if (!hasOwn.call(headers, headerKey)) continue
    const headerValue = headers[headerKey]
    const keySize = Encoder.sizeOfVarIntBytes(headerKey)
    if (Array.isArray(headerValue)) {
      for (const v of headerValue) {
        headerCount++
        headersSize += keySize + Encoder.sizeOfVarIntBytes(v)
      }
    } else {
      headerCount++
      headersSize += keySize + Encoder.sizeOfVarIntBytes(headerValue)
    }
  }

  const sizeOfBody =
    1 + // always one byte for attributes
    Encoder.sizeOfVarLong(timestampDelta) +
    Encoder.sizeOfVarInt(offsetDelta) +
    Encoder.sizeOfVarIntBytes(key) +
    Encoder.sizeOfVarIntBytes(value) +
    Encoder.sizeOfVarInt(headerCount) +
    headersSize

  encoder
    .writeVarInt(sizeOfBody)
    .writeInt8(0) // no used record attributes at the moment
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarInt(headerCount)
  for (const headerKey in headers) {
    if (!hasOwn.call(headers, headerKey)) continue
    const headerValue = headers[headerKey]
    if (Array.isArray(headerValue)) {
      for (const v of headerValue) encoder.writeVarIntString(headerKey).writeVarIntBytes(v)
    } else {
      encoder.writeVarIntString(headerKey).writeVarIntBytes(headerValue)
    }
  }
  return encoder
}

module.exports = fields => writeRecord(new Encoder(), fields)

module.exports.writeRecord = writeRecord
module.exports.writeRecordFields = writeRecordFields

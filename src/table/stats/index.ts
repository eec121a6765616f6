export { serializeValue, deserializeValue } from "./singleValue.js";
export { decodeLowerBound, decodeUpperBound } from "./bounds.js";
export { compareValues, comparatorFor, compareFloats, compareNumbers, type Comparator } from "./compare.js";
export {
  bigintToMinimalBytes,
  bigintFromTwosComplement,
  minimalTwosComplementLength,
  uuidToBytes,
  uuidFromBytes,
  isUuidString,
  compareBytes,
  bytesStartWith,
  bytesToHex,
} from "./bytes.js";
export { compareStrings, codePointLength, truncateCodePoints, encodeUtf8 } from "./unicode.js";

/**
 * Canonical encoding: the data contract of every pipeline edge, every cache key and every journal record.
 *
 * <p>A {@link dev.sluice.core.schema.Schema} encodes one Java type to bytes such that
 * <ul>
 *   <li>two different values never share an encoding ({@code ("ab","c")} and {@code ("a","bc")} differ because
 *       every variable-length part carries its length);</li>
 *   <li>one value has exactly one encoding (map entries are sorted, NaN has one bit pattern, UTF-8 is strict),
 *       and a decoder refuses any other form, so decode then encode gives back the same bytes;</li>
 *   <li>decoding gives back a value equal to the one encoded.</li>
 * </ul>
 *
 * <h2>Byte layout</h2>
 * Every value starts with a one-byte type tag ({@link dev.sluice.core.schema.CanonicalFormat}); numbers and counts
 * are big-endian; a count is a four-byte signed integer that is never negative.
 * <pre>
 * tag   type          body
 * 0x01  boolean       1 byte: 0 or 1
 * 0x02  int           4 bytes
 * 0x03  long          8 bytes
 * 0x04  float         4 bytes: Float.floatToIntBits (every NaN as 0x7fc00000)
 * 0x05  double        8 bytes: Double.doubleToLongBits (every NaN as 0x7ff8000000000000)
 * 0x06  String        count of UTF-8 bytes, then the bytes (strict: no unpaired surrogates)
 * 0x07  byte[]        count, then the bytes
 * 0x08  float[]       element count, then 4 bytes per element as for float
 * 0x09  List          element count, then each element with its tag
 * 0x0A  Map           entry count, then key and value with their tags, sorted by the key's bytes (unsigned)
 * 0x0B  Optional      1 byte: 0 (empty) or 1 followed by the value with its tag
 * 0x0C  enum          the constant's name as a String body (count, UTF-8)
 * 0x0D  record        component count, then per component: its name as a String body, the value with its tag
 * </pre>
 *
 * <h2>Documented choices</h2>
 * <ul>
 *   <li>{@code -0.0f} and {@code 0.0f} are different values (as in {@link java.lang.Float#equals}), so they
 *       encode differently and a decoded value keeps its sign. Normalise before encoding if they should collide.</li>
 *   <li>All NaNs are one value: they encode to the canonical NaN and decode as {@link java.lang.Float#NaN}.</li>
 *   <li>Records encode their component names, not their class name: renaming a record class keeps its bytes,
 *       renaming or reordering a component changes them (and an old encoding then fails to decode).</li>
 *   <li>Enums encode by constant name: reordering constants keeps the bytes.</li>
 *   <li>{@code null} is not a value; absent values are {@link java.util.Optional}.</li>
 *   <li>Values nest at most {@value dev.sluice.core.schema.CanonicalFormat#MAX_NESTING_DEPTH} levels deep (each
 *       list, map, optional and record is one level): deeper values are refused when encoded, deeper bytes when
 *       decoded, so that no input can exhaust a thread's stack.</li>
 * </ul>
 */
package dev.sluice.core.schema;

package dev.sluice.core.envelope;

import java.nio.ByteOrder;

/**
 * The byte layout of an {@link Envelope}: a fixed 128-byte header, then the payload's canonical bytes. Header
 * fields are little-endian (the in-memory order of the platforms Sluice runs on; the payload keeps the canonical
 * big-endian encoding, so the bytes hashed are the bytes on the edge).
 * <pre>
 * offset size field
 *      0    2 format version (1)
 *      2    2 flags (bit 0: cache hit; others reserved, 0)
 *      4    4 payload length in bytes
 *      8   16 run id (high, low)
 *     24    8 correlation id
 *     32    4 node id: the index in its flow of the node that consumes this message
 *     36    4 node version: {@code String.hashCode()} of that node's version
 *     40    4 schema version of the payload
 *     44    4 reserved, 0
 *     48   32 input hash: SHA-256 of the payload, which is that node's input (big-endian bytes)
 *     80   16 trace id (W3C trace context, high, low)
 *     96    8 span id
 *    104    1 trace flags
 *    105    7 reserved, 0
 *    112    8 created at, nanoseconds since the Unix epoch
 *    120    8 sent at, {@link System#nanoTime()} of the sending thread (for queueing delay within one JVM)
 *    128    - payload
 * </pre>
 */
public final class EnvelopeDescriptor {
    /** The byte order of header fields. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The format version this code writes and reads. */
    public static final short FORMAT_VERSION = 1;

    /** Offset of the format version (u16). */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the flags (u16). */
    public static final int FLAGS_OFFSET = 2;
    /** Offset of the payload length (i32). */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the run id's high word (i64). */
    public static final int RUN_ID_HIGH_OFFSET = 8;
    /** Offset of the run id's low word (i64). */
    public static final int RUN_ID_LOW_OFFSET = 16;
    /** Offset of the correlation id (i64). */
    public static final int CORRELATION_ID_OFFSET = 24;
    /** Offset of the node id (i32). */
    public static final int NODE_ID_OFFSET = 32;
    /** Offset of the node version (i32). */
    public static final int NODE_VERSION_OFFSET = 36;
    /** Offset of the payload's schema version (i32). */
    public static final int SCHEMA_VERSION_OFFSET = 40;
    /** Offset of the input hash (32 bytes). */
    public static final int INPUT_HASH_OFFSET = 48;
    /** Offset of the trace id's high word (i64). */
    public static final int TRACE_ID_HIGH_OFFSET = 80;
    /** Offset of the trace id's low word (i64). */
    public static final int TRACE_ID_LOW_OFFSET = 88;
    /** Offset of the span id (i64). */
    public static final int SPAN_ID_OFFSET = 96;
    /** Offset of the trace flags (u8). */
    public static final int TRACE_FLAGS_OFFSET = 104;
    /** Offset of the creation time, epoch nanoseconds (i64). */
    public static final int CREATED_EPOCH_NS_OFFSET = 112;
    /** Offset of the send time, {@code System.nanoTime()} (i64). */
    public static final int SENT_NANO_TIME_OFFSET = 120;
    /** The header's length; the payload starts here. A multiple of 64, so payloads start cache-line aligned. */
    public static final int HEADER_LENGTH = 128;

    /** Flag bit: the payload was served from the result cache. */
    public static final int FLAG_CACHE_HIT = 1;

    private EnvelopeDescriptor() {}
}

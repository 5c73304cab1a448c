package dev.sluice.core.envelope;

import java.nio.ByteOrder;

/**
 * The byte layout of an {@link Envelope}: a fixed 40-byte header, then the payload's canonical bytes. The header
 * holds only what is read on the way: the format version and payload length (checked by
 * {@link Envelope#validate()} before a stage trusts the payload), the correlation id (by which a stage finds its
 * run) and the W3C trace context (the parent of the node's span). Everything else about a run (its id, the input
 * hash of each node, times) stays with the run in the runtime, not on the edge. Header fields are little-endian
 * (the in-memory order of the platforms Sluice runs on; the payload keeps the canonical big-endian encoding, so
 * the bytes hashed are the bytes on the edge).
 * <pre>
 * offset size field
 *      0    2 format version (2)
 *      2    1 trace flags (W3C; bit 0: sampled)
 *      3    1 reserved, 0
 *      4    4 payload length in bytes
 *      8    8 correlation id: names the run among those in flight in the runtime that wrote the message
 *     16    8 trace id, high 64 bits (W3C; the whole trace id is 0 when the run is not traced)
 *     24    8 trace id, low 64 bits
 *     32    8 span id: the run's span, parent of the consuming node's span (0 when not traced)
 *     40    - payload
 * </pre>
 * The header's length is a multiple of 8, Agrona's ring-buffer record alignment, so a payload in a ring buffer
 * starts 8-byte aligned.
 */
public final class EnvelopeDescriptor {
    /** The byte order of header fields. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The format version this code writes and reads. */
    public static final short FORMAT_VERSION = 2;

    /** Offset of the format version (u16). */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the W3C trace flags (u8). */
    public static final int TRACE_FLAGS_OFFSET = 2;
    /** Offset of the payload length (i32). */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the correlation id (i64). */
    public static final int CORRELATION_ID_OFFSET = 8;
    /** Offset of the trace id's high word (i64). */
    public static final int TRACE_ID_HIGH_OFFSET = 16;
    /** Offset of the trace id's low word (i64). */
    public static final int TRACE_ID_LOW_OFFSET = 24;
    /** Offset of the span id (i64). */
    public static final int SPAN_ID_OFFSET = 32;
    /** The header's length; the payload starts here. */
    public static final int HEADER_LENGTH = 40;

    private EnvelopeDescriptor() {}
}

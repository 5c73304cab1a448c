package dev.sluice.core.envelope;

import static dev.sluice.core.envelope.EnvelopeDescriptor.BYTE_ORDER;
import static dev.sluice.core.envelope.EnvelopeDescriptor.CORRELATION_ID_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.CREATED_EPOCH_NS_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.FLAGS_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.FORMAT_VERSION;
import static dev.sluice.core.envelope.EnvelopeDescriptor.HEADER_LENGTH;
import static dev.sluice.core.envelope.EnvelopeDescriptor.INPUT_HASH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.NODE_ID_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.NODE_VERSION_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.RUN_ID_HIGH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.RUN_ID_LOW_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.SCHEMA_VERSION_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.SENT_NANO_TIME_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.SPAN_ID_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_FLAGS_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_ID_HIGH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_ID_LOW_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.VERSION_OFFSET;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import java.lang.foreign.MemorySegment;
import java.util.UUID;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight over the binary message of a pipeline edge ({@link EnvelopeDescriptor} has the layout): it reads
 * and writes the header and payload in place, in a ring buffer's claimed slot or any other buffer, without
 * copying. One instance is reused for many messages with {@link #wrap}; getters, setters and
 * {@link #encodePayload} allocate nothing (beyond what a schema allocates for maps), except {@link #runId()},
 * {@link #inputHash()}, {@link #payloadHash()} and {@link #decodePayload}, which return new values.
 *
 * <p>Writing: {@code wrap} the claimed region, {@link #initHeader()}, set the fields, then
 * {@link #encodePayload}. Reading: {@code wrap} the received region, then {@link #validate()} before trusting
 * lengths. Not thread-safe: one flyweight per thread.
 */
public final class Envelope {
    private final UnsafeBuffer segmentBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final CanonicalWriter payloadWriter = new CanonicalWriter();
    private MutableDirectBuffer buffer;
    private int offset;
    private int capacity;

    /** Creates a flyweight that points at nothing yet; {@link #wrap} it before use. */
    public Envelope() {}

    /**
     * Points the flyweight at a region of a buffer.
     *
     * @param buffer the buffer
     * @param offset the envelope's first byte
     * @param capacity the bytes available to the envelope, header included
     * @return this flyweight
     */
    public Envelope wrap(MutableDirectBuffer buffer, int offset, int capacity) {
        if (capacity < HEADER_LENGTH) {
            throw new BadInputException("an envelope needs at least " + HEADER_LENGTH + " bytes, got " + capacity);
        }
        buffer.boundsCheck(offset, capacity);
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        return this;
    }

    /**
     * Points the flyweight at a native memory segment. The caller keeps the segment alive while it is wrapped.
     *
     * @param segment a native segment of at least {@link EnvelopeDescriptor#HEADER_LENGTH} bytes
     * @return this flyweight
     */
    public Envelope wrap(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new BadInputException("Envelope.wrap(MemorySegment) takes native memory; wrap heap arrays with"
                    + " an UnsafeBuffer instead");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's arena is closed");
        }
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new BadInputException(
                    "an envelope is at most " + Integer.MAX_VALUE + " bytes, the segment has " + segment.byteSize());
        }
        segmentBuffer.wrap(segment.address(), (int) segment.byteSize());
        return wrap(segmentBuffer, 0, (int) segment.byteSize());
    }

    /**
     * Zeroes the header and writes the format version; the payload length starts at 0.
     *
     * @return this flyweight
     */
    public Envelope initHeader() {
        buffer.setMemory(offset, HEADER_LENGTH, (byte) 0);
        buffer.putShort(offset + VERSION_OFFSET, FORMAT_VERSION, BYTE_ORDER);
        return this;
    }

    /**
     * Checks the format version and that the payload lies inside the wrapped region.
     *
     * @return this flyweight
     * @throws CorruptDataException if the header is not a valid version-1 header for this region
     */
    public Envelope validate() {
        short version = buffer.getShort(offset + VERSION_OFFSET, BYTE_ORDER);
        if (version != FORMAT_VERSION) {
            throw new CorruptDataException("envelope format version " + version + " is not supported; this build"
                    + " reads version " + FORMAT_VERSION);
        }
        int length = payloadLength();
        if (length < 0 || length > capacity - HEADER_LENGTH) {
            throw new CorruptDataException("envelope payload length " + length + " does not fit the "
                    + (capacity - HEADER_LENGTH) + " bytes after the header");
        }
        return this;
    }

    /** @return the buffer wrapped */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** @return the envelope's first byte in the buffer */
    public int offset() {
        return offset;
    }

    /** @return header plus payload length: the bytes to commit to a ring buffer */
    public int totalLength() {
        return HEADER_LENGTH + payloadLength();
    }

    /** @return the flags */
    public int flags() {
        return buffer.getShort(offset + FLAGS_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * @param flags the flags, such as {@link EnvelopeDescriptor#FLAG_CACHE_HIT}
     * @return this flyweight
     */
    public Envelope flags(int flags) {
        buffer.putShort(offset + FLAGS_OFFSET, (short) flags, BYTE_ORDER);
        return this;
    }

    /** @return the run id */
    public UUID runId() {
        return new UUID(runIdHigh(), runIdLow());
    }

    /** @return the run id's high 64 bits */
    public long runIdHigh() {
        return buffer.getLong(offset + RUN_ID_HIGH_OFFSET, BYTE_ORDER);
    }

    /** @return the run id's low 64 bits */
    public long runIdLow() {
        return buffer.getLong(offset + RUN_ID_LOW_OFFSET, BYTE_ORDER);
    }

    /**
     * @param high the run id's high 64 bits
     * @param low the run id's low 64 bits
     * @return this flyweight
     */
    public Envelope runId(long high, long low) {
        buffer.putLong(offset + RUN_ID_HIGH_OFFSET, high, BYTE_ORDER);
        buffer.putLong(offset + RUN_ID_LOW_OFFSET, low, BYTE_ORDER);
        return this;
    }

    /** @return the correlation id (ties a request to its response) */
    public long correlationId() {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, BYTE_ORDER);
    }

    /**
     * @param correlationId the correlation id
     * @return this flyweight
     */
    public Envelope correlationId(long correlationId) {
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
        return this;
    }

    /** @return the node id (the node's index in its flow) */
    public int nodeId() {
        return buffer.getInt(offset + NODE_ID_OFFSET, BYTE_ORDER);
    }

    /**
     * @param nodeId the node's index in its flow
     * @return this flyweight
     */
    public Envelope nodeId(int nodeId) {
        buffer.putInt(offset + NODE_ID_OFFSET, nodeId, BYTE_ORDER);
        return this;
    }

    /** @return the node version */
    public int nodeVersion() {
        return buffer.getInt(offset + NODE_VERSION_OFFSET, BYTE_ORDER);
    }

    /**
     * @param nodeVersion the node version
     * @return this flyweight
     */
    public Envelope nodeVersion(int nodeVersion) {
        buffer.putInt(offset + NODE_VERSION_OFFSET, nodeVersion, BYTE_ORDER);
        return this;
    }

    /** @return the payload's schema version */
    public int schemaVersion() {
        return buffer.getInt(offset + SCHEMA_VERSION_OFFSET, BYTE_ORDER);
    }

    /**
     * @param schemaVersion the payload's schema version
     * @return this flyweight
     */
    public Envelope schemaVersion(int schemaVersion) {
        buffer.putInt(offset + SCHEMA_VERSION_OFFSET, schemaVersion, BYTE_ORDER);
        return this;
    }

    /** @return the input hash */
    public ContentHash inputHash() {
        return ContentHash.readFrom(buffer, offset + INPUT_HASH_OFFSET);
    }

    /**
     * @param hash the SHA-256 of the payload: the input of the node that consumes this message
     * @return this flyweight
     */
    public Envelope inputHash(ContentHash hash) {
        hash.writeTo(buffer, offset + INPUT_HASH_OFFSET);
        return this;
    }

    /** @return the trace id's high 64 bits (0 when there is no trace) */
    public long traceIdHigh() {
        return buffer.getLong(offset + TRACE_ID_HIGH_OFFSET, BYTE_ORDER);
    }

    /** @return the trace id's low 64 bits */
    public long traceIdLow() {
        return buffer.getLong(offset + TRACE_ID_LOW_OFFSET, BYTE_ORDER);
    }

    /** @return the parent span id */
    public long spanId() {
        return buffer.getLong(offset + SPAN_ID_OFFSET, BYTE_ORDER);
    }

    /** @return the W3C trace flags (bit 0: sampled) */
    public byte traceFlags() {
        return buffer.getByte(offset + TRACE_FLAGS_OFFSET);
    }

    /**
     * Sets the W3C trace context that carries a span across threads and ring buffers.
     *
     * @param traceIdHigh the trace id's high 64 bits
     * @param traceIdLow the trace id's low 64 bits
     * @param spanId the parent span id
     * @param traceFlags the W3C trace flags
     * @return this flyweight
     */
    public Envelope traceContext(long traceIdHigh, long traceIdLow, long spanId, byte traceFlags) {
        buffer.putLong(offset + TRACE_ID_HIGH_OFFSET, traceIdHigh, BYTE_ORDER);
        buffer.putLong(offset + TRACE_ID_LOW_OFFSET, traceIdLow, BYTE_ORDER);
        buffer.putLong(offset + SPAN_ID_OFFSET, spanId, BYTE_ORDER);
        buffer.putByte(offset + TRACE_FLAGS_OFFSET, traceFlags);
        return this;
    }

    /** @return when the message was created, nanoseconds since the Unix epoch */
    public long createdEpochNs() {
        return buffer.getLong(offset + CREATED_EPOCH_NS_OFFSET, BYTE_ORDER);
    }

    /**
     * @param createdEpochNs when the message was created, nanoseconds since the Unix epoch
     * @return this flyweight
     */
    public Envelope createdEpochNs(long createdEpochNs) {
        buffer.putLong(offset + CREATED_EPOCH_NS_OFFSET, createdEpochNs, BYTE_ORDER);
        return this;
    }

    /** @return when the message was sent, as {@link System#nanoTime()} of the sender */
    public long sentNanoTime() {
        return buffer.getLong(offset + SENT_NANO_TIME_OFFSET, BYTE_ORDER);
    }

    /**
     * @param sentNanoTime {@link System#nanoTime()} when the message is sent
     * @return this flyweight
     */
    public Envelope sentNanoTime(long sentNanoTime) {
        buffer.putLong(offset + SENT_NANO_TIME_OFFSET, sentNanoTime, BYTE_ORDER);
        return this;
    }

    /** @return the payload's length in bytes */
    public int payloadLength() {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, BYTE_ORDER);
    }

    /** @return the payload's first byte in the buffer */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /**
     * Encodes a value as the payload, in place after the header, and records its length and schema version.
     *
     * @param schema the payload's schema
     * @param value the payload
     * @param <T> its type
     * @return this flyweight
     * @throws BadInputException if the payload does not fit the wrapped region
     */
    public <T> Envelope encodePayload(Schema<T> schema, T value) {
        payloadView.wrap(buffer, payloadOffset(), capacity - HEADER_LENGTH);
        schema.writeValue(value, payloadWriter.wrap(payloadView, 0));
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadWriter.position(), BYTE_ORDER);
        return schemaVersion(schema.version());
    }

    /**
     * Copies payload bytes that are already canonical (encoded once, elsewhere) after the header and records
     * their length; the schema version is set separately.
     *
     * @param source the buffer holding the payload
     * @param sourceOffset its first byte
     * @param length its length in bytes
     * @return this flyweight
     * @throws BadInputException if the payload does not fit the wrapped region
     */
    public Envelope copyPayload(DirectBuffer source, int sourceOffset, int length) {
        if (length < 0 || length > capacity - HEADER_LENGTH) {
            throw new BadInputException("a payload of " + length + " bytes does not fit the "
                    + (capacity - HEADER_LENGTH) + " bytes after the header");
        }
        buffer.putBytes(payloadOffset(), source, sourceOffset, length);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, length, BYTE_ORDER);
        return this;
    }

    /**
     * Decodes the payload after checking the header.
     *
     * @param schema the payload's schema; its version must match the header's
     * @param <T> the payload's type
     * @return the payload
     */
    public <T> T decodePayload(Schema<T> schema) {
        validate();
        if (schema.version() != schemaVersion()) {
            throw new CorruptDataException(
                    "envelope payload has schema version " + schemaVersion() + " but " + schema + " was asked for");
        }
        return schema.decode(buffer, payloadOffset(), payloadLength());
    }

    /** @return the SHA-256 of the payload bytes, hashed in place */
    public ContentHash payloadHash() {
        validate();
        return ContentHash.of(buffer, payloadOffset(), payloadLength());
    }
}

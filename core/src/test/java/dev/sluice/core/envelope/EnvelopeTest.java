package dev.sluice.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    record Question(String text, List<String> tags) {}

    private static final Schema<Question> QUESTION =
            Schemas.recordOf(Question.class).withVersion(2);

    private static void writeSample(Envelope e) {
        e.initHeader()
                .correlationId(99)
                .traceContext(0xAAL, 0xBBL, 0xCCL, (byte) 1)
                .encodePayload(QUESTION, new Question("what is sluice?", List.of("faq")));
    }

    private static void assertSample(Envelope e) {
        e.validate();
        assertEquals(99, e.correlationId());
        assertEquals(0xAAL, e.traceIdHigh());
        assertEquals(0xBBL, e.traceIdLow());
        assertEquals(0xCCL, e.spanId());
        assertEquals(1, e.traceFlags());
        assertEquals(new Question("what is sluice?", List.of("faq")), e.decodePayload(QUESTION));
    }

    @Test
    void writesAndReadsEveryFieldInPlaceInAnAgronaBuffer() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        writeSample(new Envelope().wrap(buffer, 64, 448));
        Envelope reader = new Envelope().wrap(buffer, 64, 448);
        assertSample(reader);
        byte[] payload = QUESTION.encode(new Question("what is sluice?", List.of("faq")));
        assertEquals(EnvelopeDescriptor.HEADER_LENGTH + payload.length, reader.totalLength());
        assertEquals(ContentHash.of(payload), reader.payloadHash(), "the bytes on the edge are the bytes hashed");
    }

    @Test
    void worksOverANativeMemorySegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(512, 64);
            writeSample(new Envelope().wrap(segment));
            assertSample(new Envelope().wrap(segment));
        }
    }

    @Test
    void refusesTooSmallRegionsAndPayloadsThatDoNotFit() {
        assertThrows(BadInputException.class, () -> new Envelope().wrap(new UnsafeBuffer(new byte[32]), 0, 32));
        int capacity = EnvelopeDescriptor.HEADER_LENGTH + 12;
        Envelope e = new Envelope()
                .wrap(new UnsafeBuffer(new byte[capacity]), 0, capacity)
                .initHeader();
        BadInputException tooBig = assertThrows(
                BadInputException.class, () -> e.encodePayload(Schemas.string(), "more than twelve bytes of text"));
        assertTrue(tooBig.getMessage().contains("12"), tooBig.getMessage());
    }

    @Test
    void validationCatchesAForeignVersionOrAPayloadLengthPastTheRegion() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        Envelope e = new Envelope().wrap(buffer, 0, 256);
        writeSample(e);
        buffer.putShort(EnvelopeDescriptor.VERSION_OFFSET, (short) 9, EnvelopeDescriptor.BYTE_ORDER);
        assertThrows(CorruptDataException.class, e::validate);
        writeSample(e);
        buffer.putInt(EnvelopeDescriptor.PAYLOAD_LENGTH_OFFSET, 500, EnvelopeDescriptor.BYTE_ORDER);
        CorruptDataException tooLong = assertThrows(CorruptDataException.class, () -> e.decodePayload(QUESTION));
        assertTrue(tooLong.getMessage().contains("500"), tooLong.getMessage());
    }
}

package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schemas;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowBuilderTest {
    @Test
    void buildsAnImmutableTypedFlowThatCanBeExtendedTwice() {
        FlowBuilder<String, String> base =
                Flow.named("f", "1").input(Schemas.string()).map("trim", "1", Schemas.string(), String::strip);
        Flow<String, Integer> lengths =
                base.map("length", "1", Schemas.int32(), String::length).build();
        Flow<String, String> upper =
                base.map("upper", "1", Schemas.string(), String::toUpperCase).build();
        assertEquals(List.of("trim", "length"), lengths.nodeIds());
        assertEquals(List.of("trim", "upper"), upper.nodeIds());
        assertEquals(Schemas.int32(), lengths.outputSchema());
    }

    @Test
    void rejectsDuplicateIdsNamingTheIdAndTheFlow() {
        BadInputException e = assertThrows(
                BadInputException.class,
                () -> Flow.named("f", "1")
                        .input(Schemas.string())
                        .map("a", "1", Schemas.string(), s -> s)
                        .map("a", "1", Schemas.string(), s -> s));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("'f'"), e.getMessage());
    }

    @Test
    void rejectsMalformedNamesVersionsAndMissingParts() {
        assertThrows(BadInputException.class, () -> Flow.named("", "1"));
        assertThrows(BadInputException.class, () -> Flow.named("f", "has space"));
        assertThrows(BadInputException.class, () -> Flow.named("f", "1").input(null));
        var start = Flow.named("f", "1").input(Schemas.string());
        assertThrows(BadInputException.class, () -> start.map("n", "1", null, s -> s));
        assertThrows(BadInputException.class, () -> start.map("n", "1", Schemas.string(), null));
        assertThrows(BadInputException.class, () -> start.map("bad/id", "1", Schemas.string(), s -> s));
        BadInputException empty = assertThrows(BadInputException.class, start::build);
        assertTrue(empty.getMessage().contains("no node"), empty.getMessage());
        Adapter<String, String> noSlots = new Adapter<>() {
            @Override
            public String apply(String input, AdapterContext context) {
                return input;
            }

            @Override
            public int maxConcurrency() {
                return 0;
            }
        };
        assertThrows(BadInputException.class, () -> start.call("model", "1", Schemas.string(), noSlots));
    }

    @Test
    void runtimeOptionsAreCheckedWhenGiven() {
        assertThrows(BadInputException.class, () -> FlowRuntime.pipelined().withRingCapacity(1000));
        assertThrows(BadInputException.class, () -> FlowRuntime.pipelined().withThreads(0));
        assertThrows(
                BadInputException.class,
                () -> FlowRuntime.pipelined().withSubmitTimeout(java.time.Duration.ofMillis(-1)));
        assertThrows(BadInputException.class, () -> FlowRuntime.inline().withCache(null));
    }
}

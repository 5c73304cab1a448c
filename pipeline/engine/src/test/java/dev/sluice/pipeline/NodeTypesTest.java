package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder makes one node type per kind, each with its own body; the kind's text is what evidence records. */
class NodeTypesTest {
    private static final Gate<String> RERUNS_UPPER = new Gate<>() {
        @Override
        public GateDecision<String> decide(String value) {
            return GateDecision.pass(value, Map.of());
        }

        @Override
        public Set<String> rerunTargets() {
            return Set.of("upper");
        }
    };

    private static Flow<String, String> flow() {
        return Flow.named("kinds", "1")
                .input(Schemas.string())
                .map("trim", "1", Schemas.string(), String::strip)
                .call("upper", "2", Schemas.string(), (String s, AdapterContext c) -> s.toUpperCase())
                .gate("check", "1", RERUNS_UPPER)
                .sink("log", s -> {})
                .build();
    }

    @Test
    void eachKindIsItsOwnNodeTypeWithItsBodyAndPlace() {
        List<Node> nodes = flow().nodes();
        assertInstanceOf(MapNode.class, nodes.get(0));
        assertInstanceOf(CallNode.class, nodes.get(1));
        GateNode gate = assertInstanceOf(GateNode.class, nodes.get(2));
        assertInstanceOf(SinkNode.class, nodes.get(3));
        assertEquals(Map.of("upper", 1), gate.rerunTargets);
        for (int k = 0; k < nodes.size(); k++) {
            assertEquals(k, nodes.get(k).index);
        }
        assertEquals(
                List.of(NodeKind.MAP, NodeKind.CALL, NodeKind.GATE, NodeKind.SINK),
                nodes.stream().map(Node::kind).toList());
        assertEquals(
                List.of("map", "call", "gate", "sink"),
                nodes.stream().map(Node::kindName).toList());
        assertEquals("call 'upper' v2", nodes.get(1).toString());
    }

    @Test
    void tracesReportTheKindOfTheNodeType() {
        try (Pipeline<String, String> pipeline = flow().start(FlowRuntime.inline())) {
            List<NodeKind> kinds = pipeline.submit(" a ").join().nodes().stream()
                    .map(NodeTrace::kind)
                    .toList();
            assertEquals(List.of(NodeKind.MAP, NodeKind.CALL, NodeKind.GATE, NodeKind.SINK), kinds);
        }
    }

    @Test
    void onlyAnAdapterNodeHasAdapterOperations() {
        Flow<String, String> flow = flow();
        ResultCache cache = ResultCache.inMemory(1 << 16);
        NodeExecutor map = new NodeExecutor(flow, flow.nodes().get(0), Schemas.string(), Seed.of(1), cache);
        NodeExecutor call = new NodeExecutor(flow, flow.nodes().get(1), Schemas.string(), Seed.of(1), cache);
        assertFalse(map.isCachedCall());
        assertTrue(call.isCachedCall());
        assertEquals(0, call.adapterTimeoutNs());
        IllegalStateException e = assertThrows(IllegalStateException.class, map::adapterTimeoutNs);
        assertEquals("map 'trim' v1 is not an adapter node", e.getMessage());
    }
}

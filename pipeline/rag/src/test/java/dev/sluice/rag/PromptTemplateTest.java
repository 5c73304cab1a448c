package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schemas;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTemplateTest {
    private static final PromptTemplate ANSWER =
            PromptTemplate.of("faq-answer/v1", "Context: {{context}}\nQuestion: {{question}}\nAnswer:");

    @Test
    void rendersEveryPlaceholderAndRefusesMissingOrUnknownVariables() {
        assertEquals(List.of("context", "question"), ANSWER.placeholders());
        assertEquals(
                "Context: c $1 \\\nQuestion: q\nAnswer:", ANSWER.render(Map.of("context", "c $1 \\", "question", "q")));
        BadInputException missing = assertThrows(BadInputException.class, () -> ANSWER.render(Map.of("context", "c")));
        assertTrue(missing.getMessage().contains("{{question}}"), missing.getMessage());
        assertThrows(
                BadInputException.class,
                () -> ANSWER.render(Map.of("context", "c", "question", "q", "qestion", "typo")));
        assertThrows(BadInputException.class, () -> PromptTemplate.of("t", "no placeholders"));
    }

    @Test
    void theEvidenceRecordsTheTemplateIdAndItsVariablesOnBothRuntimes(@TempDir Path dir) {
        try (EvidenceStore evidence = JdbcEvidence.sqlite(dir.resolve("evidence.db"))) {
            for (FlowRuntime runtime : List.of(FlowRuntime.inline(), FlowRuntime.pipelined())) {
                Flow<String, String> flow = Flow.named("prompting", "1")
                        .input(Schemas.string())
                        .call(
                                "assemble",
                                "1",
                                RagNodes.prompt(ANSWER, q -> Map.of("context", "ring buffers", "question", q)))
                        .build();
                try (Pipeline<String, String> p = flow.start(runtime.withEvidence(evidence))) {
                    RunResult<String> run = p.submit("what is a hop?").join();
                    assertEquals("Context: ring buffers\nQuestion: what is a hop?\nAnswer:", run.value());
                    evidence.flush();
                    EvidenceLink prompt = p.evidence(run.runId())
                            .orElseThrow()
                            .links(EvidenceLink.Kind.PROMPT)
                            .get(0);
                    assertEquals("faq-answer/v1", prompt.ref());
                    assertEquals(Map.of("context", "ring buffers", "question", "what is a hop?"), prompt.meta());
                }
            }
        }
    }
}

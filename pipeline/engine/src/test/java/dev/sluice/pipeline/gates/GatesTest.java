package dev.sluice.pipeline.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.BadInputException;
import dev.sluice.pipeline.Gate;
import dev.sluice.pipeline.GateDecision;
import dev.sluice.pipeline.GateDecision.Outcome;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GatesTest {
    private static final Function<String, String> TEXT = Function.identity();

    @Test
    void lengthGatesPassOrApplyTheirRemedy() {
        Gate<String> min = Gates.minLength(TEXT, 5, Remedy.fallback(s -> "fallback"));
        assertEquals(Outcome.PASS, min.decide("hello").outcome());
        GateDecision<String> shortOne = min.decide("hi");
        assertEquals(Outcome.FALLBACK, shortOne.outcome());
        assertEquals("fallback", shortOne.value());
        assertEquals(Map.of(Gates.LENGTH_CHARS, 2.0), shortOne.scores());
        assertEquals(Gates.LENGTH_CHARS, shortOne.decidedBy());

        Gate<String> max = Gates.maxLength(TEXT, 4, Remedy.rewrite(s -> s.substring(0, 4)));
        GateDecision<String> trimmed = max.decide("too long");
        assertEquals(Outcome.REWRITE, trimmed.outcome());
        assertEquals("too ", trimmed.value());
    }

    @Test
    void budgetScoreAndPatternGates() {
        assertEquals(
                Outcome.DEGRADE,
                Gates.<String>tokenBudget(s -> s.length(), 3, Remedy.degradeAsIs())
                        .decide("four")
                        .outcome());
        assertEquals(
                Outcome.PASS,
                Gates.<Double>minRetrievalScore(d -> d, 0.5, Remedy.degradeAsIs())
                        .decide(0.7)
                        .outcome());
        assertEquals(
                Outcome.FALLBACK,
                Gates.<Double>minRetrievalScore(d -> d, 0.5, Remedy.fallback(d -> 0.0))
                        .decide(0.2)
                        .outcome());
        Gate<String> cites = Gates.requiredPattern(TEXT, Pattern.compile("\\[doc-\\d+]"), Remedy.degradeAsIs());
        assertEquals(Outcome.PASS, cites.decide("see [doc-3]").outcome());
        assertEquals(Outcome.DEGRADE, cites.decide("no citation").outcome());
        Gate<String> polite = Gates.forbiddenPattern(
                TEXT, Pattern.compile("(?i)as an ai"), Remedy.rewrite(s -> s.replaceAll("(?i)as an ai,? ", "")));
        assertEquals("I think so", polite.decide("As an AI, I think so").value());
    }

    @Test
    void theFirstFailingGateDecidesAndAllScoresAreKept() {
        Gate<String> gate = Gates.all(
                Gates.minLength(TEXT, 2, Remedy.fallback(s -> "short")),
                Gates.forbiddenPattern(TEXT, Pattern.compile("bad"), Remedy.fallback(s -> "clean")),
                Gates.maxLength(TEXT, 1, Remedy.fallback(s -> "never reached")));
        GateDecision<String> d = gate.decide("bad words");
        assertEquals("clean", d.value());
        assertEquals(Gates.FORBIDDEN_PATTERN, d.decidedBy());
        assertEquals(Map.of(Gates.LENGTH_CHARS, 9.0, Gates.FORBIDDEN_PATTERN, 1.0), d.scores());
    }

    @Test
    void rejectsBadThresholds() {
        assertThrows(BadInputException.class, () -> Gates.minLength(TEXT, -1, Remedy.degradeAsIs()));
        assertThrows(BadInputException.class, () -> Gates.tokenBudget(s -> 1, -5, Remedy.<String>degradeAsIs()));
        assertThrows(
                BadInputException.class,
                () -> Gates.minRetrievalScore(s -> 1, Double.NaN, Remedy.<String>degradeAsIs()));
        assertThrows(IllegalArgumentException.class, () -> new Remedy<String>(Outcome.PASS, s -> s));
        assertThrows(BadInputException.class, () -> GateDecision.of(Outcome.PASS, "x", "", Map.of("a", 1.0), "b"));
    }
}

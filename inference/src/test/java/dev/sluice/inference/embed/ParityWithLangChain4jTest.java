package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sluice.core.memory.FloatMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our vectors against LangChain4j's in-process all-MiniLM-L6-v2, the reference, on 200 varied sentences. */
class ParityWithLangChain4jTest {
    @Test
    void everyVectorHasCosineAtLeast09999WithTheReference() {
        List<String> sentences = Sentences.varied(200);
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        try (FloatMatrix ours = MiniLm.shared().embedAll(sentences)) {
            double worst = 1;
            int worstIndex = -1;
            for (int i = 0; i < sentences.size(); i++) {
                float[] expected = reference.embed(sentences.get(i)).content().vector();
                assertEquals(MiniLm.DIMENSION, expected.length);
                double cosine = cosine(ours, i, expected);
                if (cosine < worst) {
                    worst = cosine;
                    worstIndex = i;
                }
            }
            System.out.println("worst cosine with LangChain4j over " + sentences.size() + " sentences: " + worst);
            assertTrue(
                    worst >= 0.9999,
                    "worst cosine " + worst + " for sentence " + worstIndex + ": "
                            + (worstIndex < 0 ? "" : sentences.get(worstIndex)));
        }
    }

    private static double cosine(FloatMatrix matrix, int row, float[] other) {
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int d = 0; d < other.length; d++) {
            double x = matrix.get(row, d);
            dot += x * other[d];
            a += x * x;
            b += (double) other[d] * other[d];
        }
        return dot / Math.sqrt(a * b);
    }
}

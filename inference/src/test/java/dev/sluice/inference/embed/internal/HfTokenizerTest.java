package dev.sluice.inference.embed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.inference.embed.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HfTokenizerTest {
    private static final Path TOKENIZER =
            ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", Path.of("target", "test-models"));

    /** One worker encodes the batch in one call; several take the texts one at a time. Both give the same tokens. */
    @Test
    void workersTokeniseAsTheBatchCallDoes() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add("Sentence " + i + " about résumés, naïve cafés and 3.14 apples" + " again".repeat(i % 7));
        }
        texts.set(9, "far too long ".repeat(400));
        texts.set(23, "also far too long ".repeat(300));
        String[] array = texts.toArray(new String[0]);
        try (HfTokenizer tokenizer = HfTokenizer.open(TOKENIZER, 128);
                ScratchPool pool = new ScratchPool(4);
                RunWorkers one = new RunWorkers(1, pool, "test-one");
                RunWorkers three = new RunWorkers(3, pool, "test-three")) {
            TokenizedBatch batchCall = tokenizer.tokenize(array, true, one);
            for (int attempt = 0; attempt < 5; attempt++) {
                TokenizedBatch spread = tokenizer.tokenize(array, true, three);
                assertEquals(2, spread.truncatedTexts);
                assertEquals(9, spread.firstTruncated);
                assertEquals(batchCall.truncatedTexts, spread.truncatedTexts);
                for (int i = 0; i < array.length; i++) {
                    assertArrayEquals(batchCall.ids[i], spread.ids[i], "ids of text " + i);
                    assertArrayEquals(batchCall.types[i], spread.types[i], "types of text " + i);
                }
            }
            assertEquals(128, batchCall.tokens(9));
            assertEquals(9, batchCall.firstTruncated);
        }
    }
}

package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.inference.embed.TinyOnnx.Message;
import dev.sluice.inference.embed.internal.OnnxFileCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vocabulary size a tokenizer's ids are checked against is read from the model's word-embedding table. */
class OnnxVocabularySizeTest {
    @TempDir
    Path dir;

    @Test
    void theRowsOfTheTableThatInputIdsIndex() throws IOException {
        assertEquals(500, size(model("input_ids", true)));
        assertEquals(500, size(model("input_ids", false)));
    }

    @Test
    void unknownWhenNoGatherReadsInputIds() throws IOException {
        assertEquals(-1, size(model("other_input", true)));
        assertEquals(-1, size(TinyOnnx.write(dir.resolve("identity.onnx"), "input_ids", 7, 7, "Identity")));
    }

    @Test
    void theRealModel() {
        assertEquals(30522, OnnxFileCheck.vocabularySize(MiniLm.MODEL));
    }

    private static long size(Path model) {
        OnnxFileCheck.check(model);
        return OnnxFileCheck.vocabularySize(model);
    }

    /** {@code output = Gather(table, indices)} with a 500 x 8 float initializer {@code table}. */
    private Path model(String indices, boolean packedDims) throws IOException {
        Message gather = new Message()
                .string(1, "table")
                .string(1, indices)
                .string(2, "output")
                .string(4, "Gather");
        Message table = new Message();
        if (packedDims) {
            table.lengthDelimited(1, packed(500, 8));
        } else {
            table.varint(1, 500).varint(1, 8);
        }
        table.varint(2, TinyOnnx.FLOAT).string(8, "table");
        Message graph = new Message()
                .message(1, gather)
                .string(2, "gather")
                .message(5, table)
                .message(11, new Message().string(1, indices))
                .message(12, new Message().string(1, "output"));
        byte[] bytes = new Message()
                .varint(1, 8)
                .message(7, graph)
                .message(8, new Message().string(1, "").varint(2, 13))
                .bytes();
        return Files.write(dir.resolve("gather-" + indices + "-" + packedDims + ".onnx"), bytes);
    }

    private static byte[] packed(long... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long value : values) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
        return out.toByteArray();
    }
}

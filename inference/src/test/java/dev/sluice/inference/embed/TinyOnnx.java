package dev.sluice.inference.embed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX models (one {@code Identity}-like node) in protobuf wire format, for tests of models an embedder
 * must refuse. Field numbers follow onnx.proto; the opset import is written last so that every proper prefix of the
 * bytes is an incomplete model.
 */
final class TinyOnnx {
    static final int FLOAT = 1;
    static final int INT64 = 7;

    private TinyOnnx() {}

    /**
     * @param inputName the graph input
     * @param inputType the input element type ({@link #FLOAT} or {@link #INT64})
     * @param outputType the output element type
     * @param opType the node's operator, such as {@code "Identity"}
     * @return the model bytes: {@code output = opType(input)}, both of shape {@code [batch, tokens]}
     */
    static byte[] model(String inputName, int inputType, int outputType, String opType) {
        Message node = new Message().string(1, inputName).string(2, "output").string(4, opType);
        Message graph = new Message()
                .message(1, node)
                .string(2, "tiny")
                .message(11, valueInfo(inputName, inputType))
                .message(12, valueInfo("output", outputType));
        Message opset = new Message().string(1, "").varint(2, 13);
        return new Message()
                .varint(1, 8)
                .string(2, "sluice-test")
                .message(7, graph)
                .message(8, opset)
                .bytes();
    }

    /**
     * Writes {@link #model} to a file.
     *
     * @param file the file to write
     * @param inputName the graph input
     * @param inputType the input element type
     * @param outputType the output element type
     * @param opType the node's operator
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path write(Path file, String inputName, int inputType, int outputType, String opType) throws IOException {
        return Files.write(file, model(inputName, inputType, outputType, opType));
    }

    private static Message valueInfo(String name, int elementType) {
        Message shape = new Message()
                .message(1, new Message().string(2, "batch"))
                .message(1, new Message().string(2, "tokens"));
        Message tensorType = new Message().varint(1, elementType).message(2, shape);
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }

    /** A protobuf message being written. */
    static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Message string(int field, String value) {
            return lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message value) {
            return lengthDelimited(field, value.bytes());
        }

        Message lengthDelimited(int field, byte[] value) {
            writeVarint((long) field << 3 | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}

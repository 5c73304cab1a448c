package dev.sluice.inference.embed.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.ffi.MappedFile;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks in Java that a file is structurally an ONNX model before ONNX Runtime's native parser sees it, so that a
 * wrong or damaged file is an exception naming the problem, never a crash.
 *
 * <p>An ONNX file is one protobuf {@code ModelProto}. The check walks its fields and those of its {@code GraphProto}
 * (field 7), and of every message one level below the graph (nodes, initializers, inputs, outputs): each tag is a
 * well-formed varint with a field number and a wire type protobuf uses (0, 1, 2, 5), each length stays inside its
 * parent. It requires {@code ir_version} (field 1) in 1..{@value #MAX_IR_VERSION}, a graph, an opset import, and at
 * least one node and one output in the graph. It does not check tensor contents or operator semantics; ONNX Runtime reports those as errors.
 *
 * <p>Cost: maps the file and reads every tag of the top three levels; the initializer payloads, most of the bytes,
 * are skipped, not read. Stateless and thread-safe.
 */
public final class OnnxFileCheck {
    /** The protobuf limit on a message, and so on a self-contained ONNX file. */
    public static final long MAX_FILE_BYTES = (1L << 31) - 1;
    /** The highest ONNX IR version accepted; IR 11 is current in 2025, with room for a few more. */
    static final long MAX_IR_VERSION = 64;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH = 2;
    private static final int WIRE_FIXED32 = 5;

    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OP_TYPE = 4;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_NAME = 8;
    private static final int MAX_NAME_BYTES = 1 << 16;

    private OnnxFileCheck() {}

    /**
     * Checks a model file.
     *
     * @param file the {@code .onnx} file
     * @throws BadInputException if the file is missing or unreadable
     * @throws CorruptDataException if it is not a well-formed ONNX model, with the byte offset of the first problem
     */
    public static void check(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("model file " + file + " does not exist or is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException("model file " + file + " is not readable");
        }
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            check(mapped.segment(), file.toString());
        }
    }

    /**
     * Checks model bytes.
     *
     * @param model the bytes of a {@code ModelProto}
     * @param name the name used in messages, such as the file path
     * @throws CorruptDataException if the bytes are not a well-formed ONNX model
     */
    public static void check(MemorySegment model, String name) {
        long size = model.byteSize();
        if (size < 4 || size > MAX_FILE_BYTES) {
            throw new CorruptDataException(
                    "model " + name + " has " + size + " bytes; an ONNX model has 4 to " + MAX_FILE_BYTES + " bytes");
        }
        Cursor top = new Cursor(model, 0, size, name);
        long irVersion = -1;
        long graphStart = -1;
        long graphEnd = -1;
        int opsetImports = 0;
        while (top.hasMore()) {
            int field = top.readTag();
            int wire = top.wireType;
            if (field == MODEL_IR_VERSION) {
                top.expectWire(WIRE_VARINT, "ir_version");
                irVersion = top.readVarint();
            } else if (field == MODEL_GRAPH) {
                top.expectWire(WIRE_LENGTH, "graph");
                long length = top.readLength();
                graphStart = top.position;
                graphEnd = graphStart + length;
                top.position = graphEnd;
            } else if (field == MODEL_OPSET_IMPORT) {
                top.expectWire(WIRE_LENGTH, "opset_import");
                top.skip(WIRE_LENGTH);
                opsetImports++;
            } else {
                top.skip(wire);
            }
        }
        if (irVersion < 1 || irVersion > MAX_IR_VERSION) {
            throw new CorruptDataException(
                    "model " + name + (irVersion < 0 ? " has no ir_version field" : " has ir_version " + irVersion)
                            + "; an ONNX model has ir_version 1 to " + MAX_IR_VERSION);
        }
        if (graphStart < 0) {
            throw new CorruptDataException("model " + name + " has no graph (ModelProto field 7)");
        }
        if (opsetImports == 0) {
            throw new CorruptDataException("model " + name + " has no opset_import (ModelProto field 8)");
        }
        checkGraph(new Cursor(model, graphStart, graphEnd, name));
    }

    /**
     * Finds how many token ids the model's word embedding has: the rows of the initializer that a {@code Gather}
     * node indexes with the graph input {@code input_ids}, as BERT-style exports have it. Call after {@link #check}.
     *
     * @param file a checked {@code .onnx} file
     * @return the number of rows, or -1 when the model does not have that shape (a cast or quantisation between
     *     the input and the table, say)
     */
    public static long vocabularySize(Path file) {
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            return vocabularySize(mapped.segment(), file.toString());
        }
    }

    /**
     * {@link #vocabularySize(Path)} of model bytes.
     *
     * @param model the bytes of a checked {@code ModelProto}
     * @param name the name used in messages
     * @return the number of rows, or -1
     */
    static long vocabularySize(MemorySegment model, String name) {
        Cursor top = new Cursor(model, 0, model.byteSize(), name);
        while (top.hasMore()) {
            int field = top.readTag();
            if (field == MODEL_GRAPH && top.wireType == WIRE_LENGTH) {
                long length = top.readLength();
                return vocabularySize(new Cursor(model, top.position, top.position + length, name));
            }
            top.skip(top.wireType);
        }
        return -1;
    }

    private static long vocabularySize(Cursor graph) {
        Set<String> tables = new HashSet<>();
        Map<String, Long> rows = new HashMap<>();
        while (graph.hasMore()) {
            int field = graph.readTag();
            if ((field == GRAPH_NODE || field == GRAPH_INITIALIZER) && graph.wireType == WIRE_LENGTH) {
                long length = graph.readLength();
                Cursor child = new Cursor(graph.bytes, graph.position, graph.position + length, graph.name);
                if (field == GRAPH_NODE) {
                    String table = gatherTable(child);
                    if (table != null) {
                        tables.add(table);
                    }
                } else {
                    firstDimension(child, rows);
                }
                graph.position += length;
            } else {
                graph.skip(graph.wireType);
            }
        }
        long found = -1;
        for (String table : tables) {
            Long size = rows.get(table);
            if (size != null && size > 0) {
                found = Math.max(found, size);
            }
        }
        return found;
    }

    /** @return the data input of a {@code Gather} node whose indices are {@code input_ids}, else {@code null} */
    private static String gatherTable(Cursor node) {
        List<String> inputs = new ArrayList<>(2);
        String opType = null;
        while (node.hasMore()) {
            int field = node.readTag();
            if ((field == NODE_INPUT || field == NODE_OP_TYPE) && node.wireType == WIRE_LENGTH) {
                String value = node.readString();
                if (field == NODE_INPUT) {
                    inputs.add(value);
                } else {
                    opType = value;
                }
            } else {
                node.skip(node.wireType);
            }
        }
        return "Gather".equals(opType) && inputs.size() == 2 && inputs.get(1).equals(EmbedderContract.INPUT_IDS)
                ? inputs.get(0)
                : null;
    }

    /** Records an initializer's name and first dimension. */
    private static void firstDimension(Cursor tensor, Map<String, Long> rows) {
        long first = -1;
        String tensorName = null;
        while (tensor.hasMore()) {
            int field = tensor.readTag();
            if (field == TENSOR_DIMS && tensor.wireType == WIRE_VARINT) {
                long dim = tensor.readVarint();
                first = first < 0 ? dim : first;
            } else if (field == TENSOR_DIMS && tensor.wireType == WIRE_LENGTH) {
                long length = tensor.readLength();
                long end = tensor.position + length;
                if (first < 0 && length > 0) {
                    first = tensor.readVarint();
                }
                tensor.position = end;
            } else if (field == TENSOR_NAME && tensor.wireType == WIRE_LENGTH) {
                tensorName = tensor.readString();
            } else {
                tensor.skip(tensor.wireType);
            }
        }
        if (tensorName != null && first > 0) {
            rows.put(tensorName, first);
        }
    }

    private static void checkGraph(Cursor graph) {
        int nodes = 0;
        int outputs = 0;
        while (graph.hasMore()) {
            int field = graph.readTag();
            if (field == GRAPH_NODE || field == GRAPH_INITIALIZER || field == GRAPH_INPUT || field == GRAPH_OUTPUT) {
                graph.expectWire(WIRE_LENGTH, "graph field " + field);
                long length = graph.readLength();
                Cursor child = new Cursor(graph.bytes, graph.position, graph.position + length, graph.name);
                while (child.hasMore()) {
                    child.readTag();
                    child.skip(child.wireType);
                }
                graph.position += length;
                nodes += field == GRAPH_NODE ? 1 : 0;
                outputs += field == GRAPH_OUTPUT ? 1 : 0;
            } else {
                graph.skip(graph.wireType);
            }
        }
        if (nodes == 0 || outputs == 0) {
            throw new CorruptDataException("model " + graph.name + " has a graph with " + nodes + " nodes and "
                    + outputs + " outputs; a model needs at least one of each");
        }
    }

    /** Reads protobuf wire format inside {@code [position, end)}, failing with the absolute offset. */
    private static final class Cursor {
        final MemorySegment bytes;
        final long end;
        final String name;
        long position;
        int wireType;

        Cursor(MemorySegment bytes, long start, long end, String name) {
            this.bytes = bytes;
            this.position = start;
            this.end = end;
            this.name = name;
        }

        boolean hasMore() {
            return position < end;
        }

        int readTag() {
            long at = position;
            long tag = readVarint();
            long field = tag >>> 3;
            wireType = (int) (tag & 7);
            if (field == 0 || field > 536_870_911L) {
                throw corrupt(at, "field number " + field + " is outside 1..536870911");
            }
            if (wireType != WIRE_VARINT
                    && wireType != WIRE_FIXED64
                    && wireType != WIRE_LENGTH
                    && wireType != WIRE_FIXED32) {
                throw corrupt(
                        at, "wire type " + wireType + " of field " + field + " is not one ONNX uses (0, 1, 2, 5)");
            }
            return (int) field;
        }

        long readVarint() {
            long at = position;
            long value = 0;
            for (int i = 0; i < 10; i++) {
                if (position >= end) {
                    throw corrupt(at, "a varint runs past the end of its message at byte " + end);
                }
                byte b = bytes.get(JAVA_BYTE, position++);
                if (i == 9 && (b & 0xFE) != 0) {
                    throw corrupt(at, "a varint is longer than 64 bits");
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if (b >= 0) {
                    return value;
                }
            }
            throw corrupt(at, "a varint is longer than 10 bytes");
        }

        long readLength() {
            long at = position;
            long length = readVarint();
            if (length < 0 || length > end - position) {
                throw corrupt(
                        at,
                        "a length of " + length + " bytes runs past the end of its message (" + (end - position)
                                + " bytes remain); the file is truncated or not an ONNX model");
            }
            return length;
        }

        String readString() {
            long at = position;
            long length = readLength();
            if (length > MAX_NAME_BYTES) {
                throw corrupt(at, "a name of " + length + " bytes is longer than " + MAX_NAME_BYTES);
            }
            byte[] bytes = new byte[(int) length];
            MemorySegment.copy(this.bytes, JAVA_BYTE, position, bytes, 0, bytes.length);
            position += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void skip(int wire) {
            long at = position;
            long length = switch (wire) {
                case WIRE_VARINT -> {
                    readVarint();
                    yield 0;
                }
                case WIRE_FIXED64 -> 8;
                case WIRE_FIXED32 -> 4;
                default -> readLength();
            };
            if (length > end - position) {
                throw corrupt(at, "a " + length + "-byte value runs past the end of its message at byte " + end);
            }
            position += length;
        }

        void expectWire(int expected, String field) {
            if (wireType != expected) {
                throw corrupt(position, field + " has wire type " + wireType + ", expected " + expected);
            }
        }

        CorruptDataException corrupt(long at, String problem) {
            return new CorruptDataException(
                    "model " + name + " is not a well-formed ONNX model: at byte " + at + ", " + problem);
        }
    }
}

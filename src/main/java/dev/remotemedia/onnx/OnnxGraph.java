package dev.remotemedia.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A small ONNX model writer (tests, benchmarks and demos generate their models with it): graph inputs/outputs with symbolic or fixed dims, constant
 * initializers and nodes, serialised straight to the ONNX protobuf wire format (field numbers from
 * onnx.proto), so tests can generate models shaped exactly like real exports.
 */
public final class OnnxGraph {
    public static final int FLOAT = 1, INT32 = 6, INT64 = 7, BOOL = 9;

    private final String name;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int counter;

    public OnnxGraph(String name) {
        this.name = name;
    }

    /** A graph input; each dim is a Long/Integer (fixed) or a String (symbolic). */
    public OnnxGraph input(String name, int type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        return this;
    }

    public OnnxGraph output(String name, int type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
        return this;
    }

    public String floats(long[] dims, float... values) {
        String n = fresh("cf");
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        initializers.add(tensor(n, FLOAT, dims, b.array()));
        return n;
    }

    public String longs(long[] dims, long... values) {
        String n = fresh("cl");
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        initializers.add(tensor(n, INT64, dims, b.array()));
        return n;
    }

    /** A node with one fresh output; returns that output's name. */
    public String op(String opType, List<String> in, Attr... attrs) {
        String out = fresh(opType.toLowerCase());
        op(opType, in, List.of(out), attrs);
        return out;
    }

    public void op(String opType, List<String> in, List<String> out, Attr... attrs) {
        nodes.add(message(w -> {
            for (String i : in) w.writeString(1, i);
            for (String o : out) w.writeString(2, o);
            w.writeString(3, fresh("n"));
            w.writeString(4, opType);
            for (Attr a : attrs) w.writeByteArray(5, a.bytes);
        }));
    }

    /** A node attribute. */
    public record Attr(byte[] bytes) {
        public static Attr i(String name, long v) {
            return new Attr(message(w -> {
                w.writeString(1, name);
                w.writeInt64(3, v);
                w.writeInt32(20, 2);
            }));
        }

        public static Attr ints(String name, long... v) {
            return new Attr(message(w -> {
                w.writeString(1, name);
                for (long x : v) w.writeInt64(8, x);
                w.writeInt32(20, 7);
            }));
        }

        /** A one-element tensor attribute (e.g. ConstantOfShape's value). */
        public static Attr floatTensor(String name, float v) {
            byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
            return new Attr(message(w -> {
                w.writeString(1, name);
                w.writeByteArray(5, tensor("value", FLOAT, new long[]{1}, raw));
                w.writeInt32(20, 4);
            }));
        }
    }

    public byte[] build() {
        byte[] graph = message(w -> {
            for (byte[] n : nodes) w.writeByteArray(1, n);
            w.writeString(2, name);
            for (byte[] t : initializers) w.writeByteArray(5, t);
            for (byte[] i : inputs) w.writeByteArray(11, i);
            for (byte[] o : outputs) w.writeByteArray(12, o);
        });
        return message(w -> {
            w.writeInt64(1, 8); // ir_version
            w.writeString(2, "remotemedia");
            w.writeByteArray(7, graph);
            w.writeByteArray(8, message(o -> {
                o.writeString(1, "");
                o.writeInt64(2, 17); // opset
            }));
        });
    }

    private String fresh(String prefix) {
        return prefix + "_" + counter++;
    }

    private static byte[] tensor(String name, int type, long[] dims, byte[] raw) {
        return message(w -> {
            for (long d : dims) w.writeInt64(1, d);
            w.writeInt32(2, type);
            w.writeString(8, name);
            w.writeBytes(9, ByteString.copyFrom(raw));
        });
    }

    private static byte[] valueInfo(String name, int type, Object... dims) {
        byte[] shape = message(s -> {
            for (Object d : dims) {
                s.writeByteArray(1, message(dim -> {
                    if (d instanceof String p) dim.writeString(2, p);
                    else dim.writeInt64(1, ((Number) d).longValue());
                }));
            }
        });
        byte[] tensorType = message(t -> {
            t.writeInt32(1, type);
            t.writeByteArray(2, shape);
        });
        return message(w -> {
            w.writeString(1, name);
            w.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
        });
    }

    private interface Writer {
        void write(CodedOutputStream w) throws IOException;
    }

    private static byte[] message(Writer body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream w = CodedOutputStream.newInstance(bytes);
            body.write(w);
            w.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

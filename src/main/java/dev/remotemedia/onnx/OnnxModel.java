package dev.remotemedia.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.remotemedia.inference.OnnxSessions;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One user model in ONNX Runtime: its real tensors, checked against a manifest's spec, and runs. Shared per process. */
final class OnnxModel implements AutoCloseable {
    private final OrtEnvironment env = OnnxSessions.environment();
    private final OrtSession session;
    private final Path file;
    private final String device;

    OnnxModel(Path file, String device, int threads) {
        OnnxSessions.Opened opened = OnnxSessions.open(file, device, threads);
        this.session = opened.session();
        this.device = opened.device();
        this.file = file;
    }

    Path file() { return file; }

    String device() { return device; }

    /** Every mismatch between the spec and the model's real inputs and outputs, each naming the tensor and the field. */
    List<String> check(OnnxModelSpec spec, String where) {
        List<String> errors = new ArrayList<>();
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo(), outputs = session.getOutputInfo();
            for (int i = 0; i < spec.inputs().size(); i++) {
                var in = spec.inputs().get(i);
                String at = where + ".inputs[" + i + "]";
                NodeInfo info = inputs.get(in.name());
                if (info == null) {
                    errors.add(at + ".name: the model has no input \"" + in.name() + "\" (it has " + describe(inputs) + ")");
                    continue;
                }
                if (!(info.getInfo() instanceof TensorInfo t)) {
                    errors.add(at + ": \"" + in.name() + "\" is not a tensor");
                    continue;
                }
                boolean fixed = in.from().equals("audio") || in.from().equals("image"); // always float
                String want = fixed ? "float" : in.type();
                if (!typeName(t).equals(want)) {
                    errors.add(at + (fixed ? ".from" : ".type") + ": \"" + in.name() + "\" takes " + typeName(t) + ", the manifest gives " + want);
                }
                long[] shape = t.getShape();
                if (in.shape() != null && in.shape().length != shape.length) {
                    errors.add(at + ".shape: " + Arrays.toString(in.shape()) + " has rank " + in.shape().length + "; \"" + in.name()
                            + "\" is " + Arrays.toString(shape) + " (rank " + shape.length + ")");
                } else if (in.shape() != null) {
                    for (int d = 0; d < shape.length; d++) {
                        if (shape[d] > 0 && in.shape()[d] > 0 && shape[d] != in.shape()[d]) {
                            var pic = in.picture(); // an image's shape comes from its layout and size: say so
                            String from = pic == null ? "" : " (layout " + (pic.nhwc() ? "NHWC" : "NCHW") + ", " + pic.width() + "x" + pic.height() + ")";
                            errors.add(at + ".shape[" + d + "]" + from + ": " + in.shape()[d] + ", but \"" + in.name() + "\" is " + Arrays.toString(shape));
                        }
                    }
                }
                if (in.from().equals("constant") && in.value() != null && in.shape() != null && product(in.shape()) != in.value().length) {
                    errors.add(at + ".value: " + in.value().length + " numbers for shape " + Arrays.toString(in.shape()));
                }
                if (in.from().equals("state") && !outputs.containsKey(in.stateFrom())) {
                    errors.add(at + ".state_from: the model has no output \"" + in.stateFrom() + "\" (it has " + describe(outputs) + ")");
                }
            }
            for (String name : inputs.keySet()) {
                if (spec.inputs().stream().noneMatch(in -> in.name().equals(name))) {
                    errors.add(where + ".inputs: the model's input \"" + name + "\" " + describe(inputs.get(name)) + " is not given");
                }
            }
            for (int i = 0; i < spec.outputs().size(); i++) {
                var out = spec.outputs().get(i);
                String at = where + ".outputs[" + i + "]";
                NodeInfo info = outputs.get(out.name());
                if (info == null) {
                    errors.add(at + ".name: the model has no output \"" + out.name() + "\" (it has " + describe(outputs) + ")");
                    continue;
                }
                TensorInfo t = (TensorInfo) info.getInfo();
                if (!typeName(t).equals("float")) errors.add(at + ".name: \"" + out.name() + "\" is " + typeName(t) + "; only float outputs are read");
                long[] shape = t.getShape();
                long last = shape.length == 0 ? 1 : shape[shape.length - 1];
                if (out.as().equals("classes") && !out.labels().isEmpty() && last > 0 && last != out.labels().size()) {
                    errors.add(at + ".labels: " + out.labels().size() + " labels, but \"" + out.name() + "\" has " + last + " classes " + Arrays.toString(shape));
                }
                if (out.as().equals("boxes")) checkBoxes(out, shape, spec, at, errors);
            }
        } catch (OrtException e) {
            errors.add(where + ": cannot read the model's tensors: " + e.getMessage());
        }
        return errors;
    }

    /** A detection output: [1, N, 4+C] (or transposed), enough columns, labels for C classes, a size to scale pixels by. */
    private static void checkBoxes(OnnxModelSpec.Output out, long[] shape, OnnxModelSpec spec, String at, List<String> errors) {
        if (shape.length != 3 && shape.length != 2) {
            errors.add(at + ".as: boxes need a [1, N, 4+classes] tensor; \"" + out.name() + "\" is " + Arrays.toString(shape));
            return;
        }
        long columns = out.boxes().transpose() ? shape[shape.length - 2] : shape[shape.length - 1];
        if (columns > 0 && columns < 5) {
            errors.add(at + (out.boxes().transpose() ? ".transpose" : ".as") + ": \"" + out.name() + "\" " + Arrays.toString(shape)
                    + " has " + columns + " values per box; boxes need 4 coordinates and at least one score");
        } else if (columns > 5 && !out.labels().isEmpty() && columns - 4 != out.labels().size()) {
            errors.add(at + ".labels: " + out.labels().size() + " labels, but \"" + out.name() + "\" scores " + (columns - 4) + " classes");
        }
        if (!out.boxes().normalized() && spec.inputs().stream().noneMatch(i -> i.from().equals("image"))) {
            errors.add(at + ".coordinates: pixels are scaled by the image input's size, and the model has no image input; say normalized");
        }
    }

    /** Runs the model once; every requested output, flattened, with its shape. */
    Map<String, Result> run(Map<String, Feed> feeds, List<String> outputNames) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (var e : feeds.entrySet()) {
                Feed f = e.getValue();
                tensors.put(e.getKey(), f.longs() != null ? OnnxTensor.createTensor(env, LongBuffer.wrap(f.longs()), f.shape())
                        : OnnxTensor.createTensor(env, FloatBuffer.wrap(f.floats()), f.shape()));
            }
            try (OrtSession.Result r = session.run(tensors, new java.util.HashSet<>(outputNames))) {
                Map<String, Result> out = new HashMap<>();
                for (String name : outputNames) {
                    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] values = new float[b.remaining()];
                    b.get(values);
                    out.put(name, new Result(t.getInfo().getShape(), values));
                }
                return out;
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    record Feed(long[] shape, float[] floats, long[] longs) {}

    record Result(long[] shape, float[] values) {}

    private static String typeName(TensorInfo t) {
        return t.type == OnnxJavaType.FLOAT ? "float" : t.type == OnnxJavaType.INT64 ? "int64" : t.type.name().toLowerCase();
    }

    private static String describe(Map<String, NodeInfo> infos) {
        List<String> parts = new ArrayList<>();
        infos.forEach((name, info) -> parts.add("\"" + name + "\" " + describe(info)));
        return String.join(", ", parts);
    }

    private static String describe(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? typeName(t) + Arrays.toString(t.getShape()) : info.getInfo().toString();
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) p *= d;
        return p;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing at shutdown
        }
    }
}

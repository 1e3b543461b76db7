package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.pipeline.Events;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** How an output tensor reads in an `inference` event. */
final class OnnxOutputs {
    private OnnxOutputs() {}

    /** The first {@code max} numbers, the shape, and whether it was cut. */
    static ObjectNode raw(OnnxModel.Result r, int max) {
        ObjectNode o = Events.JSON.createObjectNode();
        ArrayNode shape = o.putArray("shape");
        for (long d : r.shape()) shape.add(d);
        ArrayNode values = o.putArray("values");
        for (int i = 0; i < Math.min(max, r.values().length); i++) values.add(round(r.values()[i]));
        o.put("truncated", r.values().length > max);
        return o;
    }

    /** Top-k classes after softmax/sigmoid over the scores (the last dimension of a batch of one). */
    static ArrayNode classes(float[] scores, OnnxModelSpec.Output spec) {
        double[] p = new double[scores.length];
        switch (spec.activation()) {
            case "softmax" -> {
                double max = Double.NEGATIVE_INFINITY;
                for (float s : scores) max = Math.max(max, s);
                double sum = 0;
                for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(scores[i] - max);
                for (int i = 0; i < p.length; i++) p[i] /= sum;
            }
            case "sigmoid" -> { for (int i = 0; i < p.length; i++) p[i] = 1 / (1 + Math.exp(-scores[i])); }
            default -> { for (int i = 0; i < p.length; i++) p[i] = scores[i]; }
        }
        ArrayNode top = Events.JSON.createArrayNode();
        IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> p[i]).reversed()).limit(spec.topK())
                .forEach(i -> top.addObject().put("index", i).put("label", i < spec.labels().size() ? spec.labels().get(i) : Integer.toString(i))
                        .put("score", round(p[i])));
        return top;
    }

    /** The vector scaled to length 1. */
    static ObjectNode embedding(float[] v) {
        double norm = Math.sqrt(IntStream.range(0, v.length).mapToDouble(i -> (double) v[i] * v[i]).sum());
        ObjectNode o = Events.JSON.createObjectNode().put("dim", v.length);
        ArrayNode values = o.putArray("vector");
        for (float x : v) values.add(round(norm == 0 ? 0 : x / norm));
        return o;
    }

    /**
     * Detections above the score threshold, non-maximum suppressed per class, best first; boxes as
     * [x0, y0, x1, y1] in 0..1 of the picture (pixel outputs are divided by the model's input size).
     */
    static ArrayNode boxes(OnnxModel.Result r, OnnxModelSpec.Output spec, int inputWidth, int inputHeight) {
        OnnxModelSpec.Boxes b = spec.boxes();
        long[] shape = r.shape();
        int rows, cols;
        if (b.transpose()) {
            cols = (int) shape[shape.length - 2];
            rows = (int) shape[shape.length - 1];
        } else {
            rows = (int) shape[shape.length - 2];
            cols = (int) shape[shape.length - 1];
        }
        float[] v = r.values();
        java.util.List<double[]> found = new java.util.ArrayList<>(); // x0, y0, x1, y1, score, class
        for (int row = 0; row < rows; row++) {
            final int at = row;
            java.util.function.IntToDoubleFunction get = col -> b.transpose() ? v[col * rows + at] : v[at * cols + col];
            int best = 0;
            double score = Double.NEGATIVE_INFINITY;
            for (int c = 4; c < cols; c++) {
                double s = get.applyAsDouble(c);
                if (spec.activation().equals("sigmoid")) s = 1 / (1 + Math.exp(-s));
                if (s > score) {
                    score = s;
                    best = c - 4;
                }
            }
            if (score < b.scoreThreshold()) continue;
            double a = get.applyAsDouble(0), c1 = get.applyAsDouble(1), c2 = get.applyAsDouble(2), c3 = get.applyAsDouble(3);
            double[] box = b.cxcywh() ? new double[] {a - c2 / 2, c1 - c3 / 2, a + c2 / 2, c1 + c3 / 2} : new double[] {a, c1, c2, c3};
            double sx = b.normalized() ? 1 : inputWidth, sy = b.normalized() ? 1 : inputHeight;
            found.add(new double[] {clamp(box[0] / sx), clamp(box[1] / sy), clamp(box[2] / sx), clamp(box[3] / sy), score, best});
        }
        found.sort(Comparator.comparingDouble((double[] d) -> d[4]).reversed());
        java.util.List<double[]> kept = new java.util.ArrayList<>();
        for (double[] d : found) {
            if (kept.size() >= b.maxBoxes()) break;
            if (kept.stream().noneMatch(k -> k[5] == d[5] && iou(k, d) > b.iouThreshold())) kept.add(d);
        }
        ArrayNode out = Events.JSON.createArrayNode();
        for (double[] d : kept) {
            int cls = (int) d[5];
            ObjectNode o = out.addObject().put("label", cls < spec.labels().size() ? spec.labels().get(cls) : Integer.toString(cls))
                    .put("index", cls).put("score", round(d[4]));
            ArrayNode box = o.putArray("box");
            for (int i = 0; i < 4; i++) box.add(round(d[i]));
        }
        return out;
    }

    /** Intersection over union of two [x0, y0, x1, y1] boxes. */
    static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}

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

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}

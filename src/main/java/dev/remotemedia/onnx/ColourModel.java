package dev.remotemedia.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A generated image model: the picture's mean colour ("rgb", 0..1) and which of a few named
 * colours it is nearest to ("colour" scores, for softmax). Small and exact, so the video path can
 * be tested and benchmarked end to end without downloading a vision model.
 */
public final class ColourModel {
    /** Class labels, in score order. */
    public static final List<String> LABELS = List.of("red", "green", "blue", "yellow", "white", "black");
    /** Each label's RGB, 0..255. */
    public static final int[][] RGB = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 255, 255}, {0, 0, 0}};

    private ColourModel() {}

    /** A one-node pipeline running the model on each image (scaled to 64×48), its top colour as an `inference` event. */
    public static String manifest(Path model) {
        return "{\"version\":\"v1\",\"nodes\":[{\"id\":\"colour\",\"node_type\":\"OnnxModel\",\"params\":{\"model\":\""
                + model.toAbsolutePath().toString().replace("\\", "\\\\") + "\","
                + "\"inputs\":[{\"name\":\"image\",\"from\":\"image\",\"width\":64,\"height\":48}],"
                + "\"outputs\":[{\"name\":\"colour\",\"as\":\"classes\",\"labels\":" + LABELS.stream().map(l -> "\"" + l + "\"").toList()
                + ",\"top_k\":1}],\"pass_through\":false}}]}";
    }

    /** Writes the model: input "image" float [1, 3, h, w] in 0..1, outputs "rgb" [1, 3] and "colour" [1, 6]. */
    public static Path write(Path file) throws IOException {
        OnnxGraph g = new OnnxGraph("mean-colour");
        g.input("image", OnnxGraph.FLOAT, 1, 3, "h", "w");
        g.output("rgb", OnnxGraph.FLOAT, 1, 3);
        g.output("colour", OnnxGraph.FLOAT, 1, LABELS.size());
        g.op("ReduceMean", List.of("image"), List.of("rgb"), OnnxGraph.Attr.ints("axes", 2, 3), OnnxGraph.Attr.i("keepdims", 0));
        float[] palette = new float[RGB.length * 3];
        for (int k = 0; k < RGB.length; k++) for (int c = 0; c < 3; c++) palette[k * 3 + c] = RGB[k][c] / 255f;
        String mean = g.op("Unsqueeze", List.of("rgb", g.longs(new long[] {1}, 1)));                 // [1, 1, 3]
        String diff = g.op("Sub", List.of(mean, g.floats(new long[] {1, RGB.length, 3}, palette)));  // [1, K, 3]
        String squared = g.op("Mul", List.of(diff, diff));
        String distance = g.op("ReduceSum", List.of(squared, g.longs(new long[] {1}, 2)), OnnxGraph.Attr.i("keepdims", 0)); // [1, K]
        g.op("Mul", List.of(distance, g.floats(new long[] {1}, -20f)), List.of("colour")); // nearer = higher, sharp under softmax
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, g.build());
    }
}

package dev.remotemedia.testing;

import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.SpeechSegment;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.List;

/** Runs manifests over generated audio in-process. */
public final class Pipelines {
    private Pipelines() {}

    public static List<Frame> run(PipelineEngine engine, String manifestJson, float[] samples, int rate, int frameMs) {
        var manifest = engine.parse(manifestJson, "test");
        var frames = AudioFrame.split(samples, rate, 1, frameMs);
        return engine.open(manifest, "test").run(Multi.createFrom().iterable(frames).map(f -> (Frame) f))
                .collect().asList().await().atMost(Duration.ofSeconds(120));
    }

    public static List<EventFrame> events(List<Frame> frames, String type) {
        return frames.stream().filter(f -> f instanceof EventFrame e && e.type().equals(type)).map(f -> (EventFrame) f).toList();
    }

    public static List<SpeechSegment> segments(List<Frame> frames) {
        return frames.stream().filter(f -> f instanceof SpeechSegment).map(f -> (SpeechSegment) f).toList();
    }
}

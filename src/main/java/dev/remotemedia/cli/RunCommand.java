package dev.remotemedia.cli;

import dev.remotemedia.audio.Wav;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import io.smallrye.mutiny.Multi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** `run MANIFEST --input FILE.wav`: streams a WAV through a pipeline in 20 ms frames and writes JSON-lines events. */
@Command(name = "run", description = "Stream a WAV file through a pipeline and print its events as JSON lines.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MANIFEST")
    Path manifest;

    @Option(names = "--input", required = true, paramLabel = "FILE.wav", description = "Audio to stream (PCM or float WAV).")
    Path input;

    @Option(names = "--output", defaultValue = "-", paramLabel = "FILE.jsonl|-", description = "Where events go (default: stdout).")
    String output;

    @Option(names = "--realtime", description = "Pace input at wall-clock speed (live tests).")
    boolean realtime;

    @Option(names = "--frame-ms", defaultValue = "20", description = "Input frame length in ms (default: ${DEFAULT-VALUE}).")
    int frameMs;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (frameMs < 1 || frameMs > 1000) throw new IllegalArgumentException("--frame-ms must be between 1 and 1000");
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var m = engine.load(manifest);
            Wav.Audio audio = Wav.read(input);
            List<AudioFrame> frames = AudioFrame.split(audio.samples(), audio.sampleRate(), audio.channels(), frameMs);
            Multi<Frame> source = realtime
                    ? Multi.createFrom().ticks().every(Duration.ofMillis(frameMs)).select().first(frames.size())
                            .map(i -> (Frame) frames.get(i.intValue()))
                    : Multi.createFrom().iterable(frames).map(f -> (Frame) f);
            PrintWriter out = "-".equals(output) ? spec.commandLine().getOut()
                    : new PrintWriter(Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8));
            try {
                engine.open(m, "cli").run(source)
                        .select().where(f -> f instanceof EventFrame)
                        .onItem().invoke(f -> {
                            out.println(Events.toLine((EventFrame) f));
                            out.flush();
                        })
                        .onItem().ignoreAsUni().await().indefinitely();
            } finally {
                if (!"-".equals(output)) out.close();
            }
        }
        return 0;
    }
}

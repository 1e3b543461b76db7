package dev.remotemedia.vad;

import dev.remotemedia.audio.AudioLevels;
import dev.remotemedia.audio.Pcm;
import dev.remotemedia.audio.RateConverter;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The `SileroVAD` node of one session: re-frames any input audio into 32 ms windows (16 kHz; 256
 * samples at 8 kHz), scores each with the shared model, and turns scores into `vad_start`/`vad_end`
 * events and padded speech segments. A periodic check closes speech when input stalls, so a
 * session never stays "speaking" because its transport went quiet.
 */
final class SileroVadNode implements Node {
    /**
     * The resampling filter's half-width for the model's input. It needs no hi-fi anti-aliasing: a
     * quarter of the default filter, a quarter of the cost per session, and scores within 0.002 on
     * average of sox-resampled input (SileroVadTest).
     */
    static final int ZERO_CROSSINGS = 8;
    private static final Object TICK = new Object();
    private static final Object END = new Object();

    private final NodeContext context;
    private final SileroStream stream;
    private final SpeechSegmenter segmenter;
    private final int rate;
    private final boolean emitAudio;
    private final boolean emitProbabilities;
    private final long stallMs;
    private final double floorSquared; // mean square below which a window is silence and not scored (0 = score all)

    private final RateConverter converter;
    private float[] pending = new float[2048]; // VAD-rate samples not yet scored
    private int pendingLength;
    private float[] history = new float[16000];  // VAD-rate audio kept for segments, from historyStart
    private int historyLength;
    private long historyStart;
    private long originMs = -1;
    private long lastInputNanos = System.nanoTime();
    private int segmentCount;
    private List<Frame> out;
    private final Counter windows = Telemetry.vadWindows();
    private final Counter skipped = Telemetry.vadWindowsSkipped();
    private final Timer inference = Telemetry.vadInference();

    SileroVadNode(NodeContext context, SileroModel model, SegmenterSettings settings, boolean emitAudio,
                  boolean emitProbabilities, long stallMs, Double silenceFloorDbfs) {
        this.context = context;
        this.rate = settings.sampleRate();
        this.converter = new RateConverter(rate, ZERO_CROSSINGS);
        this.stream = model.newStream(rate);
        this.emitAudio = emitAudio;
        this.emitProbabilities = emitProbabilities;
        this.stallMs = stallMs;
        this.floorSquared = silenceFloorDbfs == null ? 0 : Math.pow(10, silenceFloorDbfs / 10);
        this.segmenter = new SpeechSegmenter(settings, new SpeechSegmenter.Listener() {
            @Override
            public void speechStarted(long start) {
                out.add(Events.of("vad_start", ms(start)));
            }

            @Override
            public void segment(long start, long end, long paddedStart, long paddedEnd) {
                emitSegment(end, paddedStart, paddedEnd);
            }
        });
    }

    @Override
    public Multi<Frame> process(Multi<Frame> input) {
        Multi<Object> frames = Multi.createBy().concatenating().streams(input.map(f -> (Object) f), Multi.createFrom().item(END));
        Multi<Object> items = stallMs <= 0 ? frames : Multi.createBy().merging().streams(frames,
                Multi.createFrom().ticks().onExecutor(context.threads().timer()).every(Duration.ofMillis(Math.max(50, stallMs / 4)))
                        .onOverflow().drop().map(t -> TICK));
        // ticks never end: the END marker closes the merged stream, then the segmenter is flushed
        Multi<Frame> body = items.select().first(item -> item != END).onItem().transformToIterable(this::handle);
        Multi<Frame> tail = Multi.createFrom().deferred(() -> Multi.createFrom().iterable(flush()));
        return Multi.createBy().concatenating().streams(body, tail);
    }

    private List<Frame> handle(Object item) {
        out = new ArrayList<>(4);
        if (item == TICK) {
            if (segmenter.speaking() && System.nanoTime() - lastInputNanos > stallMs * 1_000_000L) segmenter.end();
        } else {
            Frame frame = (Frame) item;
            if (frame instanceof AudioFrame a) {
                lastInputNanos = System.nanoTime();
                audio(a);
                if (emitAudio) out.add(a);
            } else {
                out.add(frame);
            }
        }
        return out;
    }

    private void audio(AudioFrame a) {
        if (originMs < 0) originMs = a.tMs();
        append(converter.process(Pcm.toMono(a.samples(), a.channels()), a.sampleRate()));
        int window = stream.windowSize();
        int offset = 0;
        while (pendingLength - offset >= window) {
            float prob;
            // only outside speech: inside it the model's own decay decides where speech ends, as without the floor
            if (!segmenter.speaking() && silent(pending, offset, window)) {
                stream.skip(pending, offset);
                prob = 0f;
                skipped.increment();
            } else {
                long t0 = System.nanoTime();
                prob = stream.probability(pending, offset);
                inference.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                windows.increment();
            }
            appendHistory(pending, offset, window);
            if (emitProbabilities) {
                out.add(new EventFrame("vad_prob", ms(segmenter.position()),
                        Events.fields().put("prob", prob).put("node", context.nodeId())));
            }
            segmenter.window(prob);
            offset += window;
        }
        System.arraycopy(pending, offset, pending, 0, pendingLength - offset);
        pendingLength -= offset;
        trimHistory(segmenter.keepFrom());
    }

    /** Whether the window's mean square is under the silence floor: nothing there for the model to hear. */
    private boolean silent(float[] samples, int offset, int length) {
        return floorSquared > 0 && AudioLevels.meanSquare(samples, offset, length) < floorSquared;
    }

    /** The per-frame path without the stream plumbing (for `bench vad`). */
    List<Frame> handleForBenchmark(AudioFrame frame) {
        return handle(frame);
    }

    /** Called once when the input ends: closes open speech and drains padding. */
    private List<Frame> flush() {
        out = new ArrayList<>(4);
        segmenter.end();
        return out;
    }

    private void emitSegment(long end, long paddedStart, long paddedEnd) {
        int from = (int) Math.max(0, paddedStart - historyStart);
        int to = (int) Math.max(from, Math.min(historyLength, paddedEnd - historyStart));
        AudioFrame audio = new AudioFrame(Arrays.copyOfRange(history, from, to), rate, 1, ms(paddedStart));
        SpeechSegment segment = new SpeechSegment(++segmentCount, ms(paddedStart), ms(paddedEnd), audio);
        out.add(Events.of("vad_end", ms(end)));
        out.add(Events.segment(segment));
        Telemetry.segment("SileroVAD");
        out.add(segment);
    }

    private long ms(long sample) {
        return Math.max(0, originMs) + sample * 1000 / rate;
    }

    private void append(float[] samples) {
        if (pendingLength + samples.length > pending.length) pending = Arrays.copyOf(pending, (pendingLength + samples.length) * 2);
        System.arraycopy(samples, 0, pending, pendingLength, samples.length);
        pendingLength += samples.length;
    }

    private void appendHistory(float[] samples, int offset, int length) {
        if (historyLength + length > history.length) history = Arrays.copyOf(history, (historyLength + length) * 2);
        System.arraycopy(samples, offset, history, historyLength, length);
        historyLength += length;
    }

    private void trimHistory(long keepFrom) {
        int drop = (int) Math.min(historyLength, Math.max(0, keepFrom - historyStart));
        if (drop < 4096) return; // trim in blocks, not per window
        System.arraycopy(history, drop, history, 0, historyLength - drop);
        historyLength -= drop;
        historyStart += drop;
    }

    @Override
    public void close() {
        stream.close();
    }
}

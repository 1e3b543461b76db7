package dev.remotemedia.webrtc;

import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineSession;
import dev.remotemedia.testing.Signals;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overload shedding: a session's backlog is bounded, reported once per episode, and admission resumes after catching up. */
class InputGateTest {
    @Test
    void dropsBeyondTheBacklogAndReportsOncePerEpisode() {
        InputGate gate = new InputGate(5);
        List<InputGate.Verdict> v = new ArrayList<>();
        for (int i = 0; i < 8; i++) v.add(gate.offer(40, 0)); // the pipeline takes nothing
        assertEquals(List.of(InputGate.Verdict.ADMIT, InputGate.Verdict.ADMIT, InputGate.Verdict.ADMIT, InputGate.Verdict.ADMIT,
                InputGate.Verdict.ADMIT, InputGate.Verdict.DROP_AND_NOTIFY, InputGate.Verdict.DROP, InputGate.Verdict.DROP), v);
        assertEquals(120, gate.droppedMs());
        assertEquals(InputGate.Verdict.ADMIT, gate.offer(40, 5)); // caught up
        for (int i = 0; i < 4; i++) gate.offer(40, 5);
        assertEquals(InputGate.Verdict.DROP_AND_NOTIFY, gate.offer(40, 5), "a new episode is reported again");
        assertEquals(InputGate.Verdict.ADMIT, new InputGate(0).offer(40, 0), "0 = unbounded");
    }

    @Test
    void theSessionCountsWhatReachedTheWorkers() throws Exception {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            PipelineSession s = engine.open(engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\"}]}", "t"), "s");
            UnicastProcessor<Frame> in = UnicastProcessor.create();
            var done = s.run(in).collect().asList().subscribeAsCompletionStage();
            for (int i = 0; i < 10; i++) in.onNext(new AudioFrame(Signals.sine(440, 48000, 0.04, 0.1), 48000, 1, i * 40L));
            in.onComplete();
            done.toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(10, s.delivered());
        }
    }
}

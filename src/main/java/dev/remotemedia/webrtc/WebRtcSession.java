package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.remotemedia.audio.Pcm;
import dev.remotemedia.audio.RateConverter;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.MediaThreads;
import dev.remotemedia.pipeline.PipelineSession;
import dev.remotemedia.telemetry.LogContext;
import dev.remotemedia.telemetry.Telemetry;
import dev.remotemedia.video.VideoInput;
import dev.remotemedia.video.VideoSampleType;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One browser (or any WHIP client): its peer connection, its pipeline session, the `events` data
 * channel and the outgoing audio track. Microphone audio arrives on a native thread in 10 ms
 * callbacks; four are batched into one 40 ms frame before crossing into the pipeline, so there is
 * one thread hand-off per 40 ms, never per callback, and the native thread never blocks.
 */
final class WebRtcSession {
    private static final Logger LOG = Logger.getLogger(WebRtcSession.class);
    static final int RATE = 48000;
    private static final int BATCH = 4; // 10 ms callbacks per frame handed to the pipeline

    final String id;
    private final RTCPeerConnection pc;
    private final UnicastProcessor<Frame> input = UnicastProcessor.create();
    private volatile CompletableFuture<Void> gathered = new CompletableFuture<>(); // the current gathering round (each negotiation starts one)
    /** ICE generation: 0 at the offer, +1 per ICE restart; the session's ETag (RFC 9725 §4.3.1). */
    private volatile int iceGeneration;
    private final String clientAddress;
    private final Deque<String> pendingEvents = new ArrayDeque<>();
    private final Deque<byte[]> outgoing = new ArrayDeque<>();
    private final int maxOutgoing;
    private final CustomAudioSource ttsSource;
    private final AudioTrack tts;
    private final dev.onvoid.webrtc.RTCRtpSender ttsSender;
    private volatile AudioTrack mic;
    private volatile VideoTrack camera;
    private final VideoInput video; // null when the pipeline has no VideoSample node: the camera is not decoded into frames
    private final long createdNanos = System.nanoTime();
    private volatile RTCDataChannel events;
    private volatile ChannelObserver channelObserver; // detached at close: the native side keeps it for good
    private volatile RTCPeerConnectionState state = RTCPeerConnectionState.NEW;
    private volatile long stateSinceNanos = System.nanoTime();
    private volatile long lastAudioNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean inputEnded;
    private final CompletableFuture<Void> pipelineDone = new CompletableFuture<>();
    private float[] batch = new float[480 * BATCH];
    private int batched;
    private volatile long samplesIn;
    private final RateConverter inConverter = new RateConverter(RATE);
    private final RateConverter outConverter = new RateConverter(RATE);
    private final Runnable onClosed;
    private final MediaThreads threads;
    /** Owning native handles, read at creation (close() zeroes the wrapper's): released after close() on 0.14.0. */
    private final long pcHandle;
    private final long senderHandle;
    private final boolean releaseNative;
    /** Native calls in progress on this connection; close() waits for them before freeing it. */
    private final Object nativeLock = new Object();
    private int nativeInUse;
    private boolean nativeClosed;
    private final PipelineSession pipeline;
    private final long maxPendingInputMs;
    private final InputGate gate;
    private final io.micrometer.core.instrument.Counter framesIn = Telemetry.framesInCounter("webrtc"); // looked up once, not per frame
    private final io.micrometer.core.instrument.Counter framesDropped = Telemetry.framesDroppedCounter("webrtc", "overload");

    WebRtcSession(String id, PeerFactory factory, RTCConfiguration config, PipelineSession pipeline, MediaThreads threads, int maxOutgoing,
                  long maxPendingInputMs, boolean releaseNative, String clientAddress, Runnable onClosed) {
        this.id = id;
        this.clientAddress = clientAddress;
        this.threads = threads;
        this.pipeline = pipeline;
        this.maxPendingInputMs = maxPendingInputMs;
        this.gate = new InputGate(maxPendingInputMs / (BATCH * 10));
        this.maxOutgoing = maxOutgoing;
        this.onClosed = onClosed;
        this.pc = factory.get().createPeerConnection(config, new Observer()); // loads the native library first
        this.ttsSource = new CustomAudioSource();
        this.tts = factory.get().createAudioTrack("tts-" + id, ttsSource);
        this.ttsSender = pc.addTrack(tts, List.of("remotemedia"));
        this.releaseNative = releaseNative && NativeRelease.applies();
        this.pcHandle = this.releaseNative ? NativeRelease.handle(pc) : 0;
        this.senderHandle = this.releaseNative ? NativeRelease.handle(ttsSender) : 0;
        this.video = pipeline.node(VideoSampleType.VideoSampleNode.class)
                .map(n -> new VideoInput(n.settings(), this::pushImage, this::sessionMs)).orElse(null);
        pipeline.run(input).subscribe().with(this::onOutput,
                e -> {
                    pipelineDone.complete(null);
                    LogContext.run(id, 0, () -> LOG.warnf("session %s: pipeline ended with %s", id, e.toString()));
                },
                () -> {
                    pipelineDone.complete(null);
                    LOG.debugf("session %s: pipeline completed", id);
                });
    }

    /** Applies the offer and returns the answer once ICE gathering completes (or the wait runs out). */
    CompletableFuture<String> answer(String offer, long gatherTimeoutMs) {
        CompletableFuture<String> answer = negotiate(offer, gatherTimeoutMs, "the offer");
        if (SdpText.hasDataChannel(offer)) {
            // a client that negotiated a data channel but does not open "events" gets one from us
            threads.later(2000, () -> {
                if (!closed && events == null && state == RTCPeerConnectionState.CONNECTED) {
                    RTCDataChannelInit init = new RTCDataChannelInit();
                    init.ordered = true;
                    onConnection(() -> useChannel(pc.createDataChannel("events", init)));
                }
            });
        }
        return answer;
    }

    /**
     * Offer in, answer out: applies {@code offer}, creates and applies our answer, and completes with
     * our local description once this round of ICE gathering is done (or {@code gatherTimeoutMs}
     * passes). Used by the first offer and by ICE restarts; a client's SDP that libwebrtc cannot
     * use fails with {@link BadOfferException} naming {@code what}.
     */
    private CompletableFuture<String> negotiate(String offer, long gatherTimeoutMs, String what) {
        CompletableFuture<String> local = new CompletableFuture<>();
        CompletableFuture<Void> round = new CompletableFuture<>();
        gathered = round; // the observer completes the current round
        SetSessionDescriptionObserver applied = new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                threads.timer().schedule(() -> round.complete(null), gatherTimeoutMs, TimeUnit.MILLISECONDS);
                round.thenRun(() -> {
                    if (!onConnection(() -> local.complete(pc.getLocalDescription().sdp))) {
                        local.completeExceptionally(new IllegalStateException("the session closed while answering " + what));
                    }
                });
            }

            @Override
            public void onFailure(String error) {
                local.completeExceptionally(new IllegalStateException("cannot apply the answer to " + what + ": " + error));
            }
        };
        CreateSessionDescriptionObserver created = new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                pc.setLocalDescription(description, applied);
            }

            @Override
            public void onFailure(String error) {
                local.completeExceptionally(new BadOfferException("cannot answer " + what + ": " + error));
            }
        };
        boolean started;
        try {
            started = onConnection(() -> pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offer), new SetSessionDescriptionObserver() {
                @Override
                public void onSuccess() {
                    pc.createAnswer(new RTCAnswerOptions(), created);
                }

                @Override
                public void onFailure(String error) {
                    local.completeExceptionally(new BadOfferException(what + " was rejected: " + error));
                }
            }));
        } catch (RuntimeException | Error e) { // webrtc-java throws java.lang.Error for SDP it cannot parse
            local.completeExceptionally(new BadOfferException(what + " was rejected: " + e.getMessage()));
            return local;
        }
        if (!started) local.completeExceptionally(new IllegalStateException("the session is closing"));
        return local;
    }

    /** The session's entity tag: changes with every ICE restart. */
    String etag() {
        return "\"" + id + "-" + iceGeneration + "\"";
    }

    String clientAddress() {
        return clientAddress;
    }

    /** ICE credentials the client is using now (from the applied offer or its last restart). */
    SdpText.Ice remoteIce() {
        String[] sdp = new String[1];
        onConnection(() -> {
            var d = pc.getRemoteDescription();
            sdp[0] = d == null ? null : d.sdp;
        });
        return sdp[0] == null ? null : SdpText.ice(sdp[0]);
    }

    /**
     * ICE restart (RFC 9725 §4.3.2): re-applies the client's offer with its new credentials, answers
     * with new ones of ours, and completes with our fragment once gathering is done (or the wait runs out).
     */
    CompletableFuture<String> restartIce(SdpText.Ice ice, long gatherTimeoutMs) {
        String[] remote = new String[1];
        if (!onConnection(() -> remote[0] = pc.getRemoteDescription().sdp) || remote[0] == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the session has no offer to restart"));
        }
        CompletableFuture<String> fragment = new CompletableFuture<>(); // fails with negotiate's own exception, unwrapped
        negotiate(SdpText.withIce(remote[0], ice), gatherTimeoutMs, "the ICE restart").whenComplete((sdp, e) -> {
            if (e != null) {
                fragment.completeExceptionally(e);
            } else {
                iceGeneration++; // a new ETag for the new credentials
                fragment.complete(SdpText.fragment(sdp, true));
            }
        });
        return fragment;
    }

    /** Adds a trickled candidate; null when libwebrtc took it, else why not (it throws java.lang.Error on a malformed line). */
    String addCandidate(String mid, String candidateLine) {
        String[] problem = new String[1];
        onConnection(() -> {
            try {
                pc.addIceCandidate(new RTCIceCandidate(mid, 0, candidateLine));
            } catch (RuntimeException | Error e) {
                problem[0] = e.getMessage();
            }
        });
        return problem[0];
    }

    /**
     * Runs a native call on the peer connection unless it is closing: once freed, a late call
     * (a trickle PATCH, the data-channel fallback) would touch released memory. Returns false if closed.
     */
    private boolean onConnection(Runnable call) {
        synchronized (nativeLock) {
            if (nativeClosed) return false;
            nativeInUse++;
        }
        try {
            call.run();
            return true;
        } finally {
            synchronized (nativeLock) {
                if (--nativeInUse == 0) nativeLock.notifyAll();
            }
        }
    }

    /** Native audio callback: 10 ms of 48 kHz mono PCM16. Copies into the batch, never blocks. */
    private final AudioTrackSink sink = (data, bitsPerSample, sampleRate, channels, frames) -> {
        if (inputEnded || bitsPerSample != 16) return;
        lastAudioNanos = System.nanoTime();
        if (channels == 1 && sampleRate == RATE) { // what libwebrtc delivers: decode straight into the batch
            synchronized (this) {
                makeRoom(frames);
                Pcm.fromPcm16(data, 0, frames * 2, batch, batched);
                batched += frames;
                if (batched >= 480 * BATCH) flushBatch();
            }
            return;
        }
        float[] samples = Pcm.toMono(Pcm.fromPcm16(data, 0, frames * channels * 2), channels);
        synchronized (this) {
            samples = inConverter.process(samples, sampleRate); // any other rate: the filter state carries over between callbacks
            makeRoom(samples.length);
            System.arraycopy(samples, 0, batch, batched, samples.length);
            batched += samples.length;
            if (batched >= 480 * BATCH) flushBatch();
        }
    };

    /** Flushes when {@code n} more samples would not fit; grows for an unusually large callback. */
    private void makeRoom(int n) {
        if (batched + n > batch.length) flushBatch();
        if (n > batch.length) batch = new float[n];
    }

    private void flushBatch() {
        if (batched == 0) return;
        long t = samplesIn * 1000 / RATE;
        long frameMs = batched * 1000L / RATE;
        samplesIn += batched;
        int n = batched;
        batched = 0;
        framesIn.increment(n / 480.0);
        switch (gate.offer(frameMs, pipeline.delivered())) {
            case ADMIT -> input.onNext(new AudioFrame(java.util.Arrays.copyOf(batch, n), RATE, 1, t));
            case DROP -> framesDropped.increment(n / 480.0);
            case DROP_AND_NOTIFY -> {
                framesDropped.increment(n / 480.0);
                send(Events.toLine(Events.error(ErrorKind.CapacityExceeded, null, "this server is overloaded: audio is being dropped ("
                        + gate.droppedMs() + " ms so far) until it catches up; expect missed speech", t, 0)));
                LogContext.run(id, 0, () -> LOG.warnf("session %s: pipeline %d ms behind, shedding input audio", id, maxPendingInputMs));
            }
        }
    }

    /** A sampled camera frame into the pipeline, serialised with the audio (one producer at a time). */
    private void pushImage(ImageFrame image) {
        synchronized (this) {
            if (!inputEnded) input.onNext(image);
        }
    }

    /** Session time: the audio clock, or time since creation for a session without audio yet. */
    private long sessionMs() {
        long samples = samplesIn;
        return samples > 0 ? samples * 1000 / RATE : ageMillis();
    }

    private void onOutput(Frame frame) {
        if (frame instanceof EventFrame e) {
            send(Events.toLine(e));
            if (video != null && e.frame() > 0) video.done(e.frame()); // a camera frame's result: the next may go in
        } else if (frame instanceof AudioFrame a) {
            queueAudio(a);
        } else if (frame instanceof ImageFrame i && video != null) {
            video.done(i.id()); // it passed the whole pipeline
        }
    }

    /** Sends one JSON line on `events`, or holds it until the channel opens. */
    void send(String line) {
        RTCDataChannel channel = events;
        synchronized (pendingEvents) {
            if (channel == null || channel.getState() != RTCDataChannelState.OPEN) {
                if (pendingEvents.size() >= 1000) pendingEvents.poll();
                pendingEvents.add(line);
                return;
            }
        }
        try {
            channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), false));
        } catch (Exception e) {
            LOG.debugf("session %s: event not sent: %s", id, e.getMessage());
        }
    }

    private void flushEvents() {
        List<String> lines;
        synchronized (pendingEvents) {
            lines = List.copyOf(pendingEvents);
            pendingEvents.clear();
        }
        lines.forEach(this::send);
    }

    /**
     * Takes {@code channel} (an owning wrapper) as the session's events channel. A channel that
     * arrives after close() — a client that deletes right after connecting — is closed and released
     * here instead, its observer detached: left registered, it would keep the whole session
     * reachable for good (see ChannelObserver).
     */
    private void useChannel(RTCDataChannel channel) {
        ChannelObserver observer = new ChannelObserver(() -> {
            if (channel.getState() == RTCDataChannelState.OPEN) flushEvents();
        }, buffer -> { });
        channel.registerObserver(observer); // no lock held across native calls: they may wait on libwebrtc's threads
        boolean kept = keepUnlessClosed(() -> {
            if (events != null) return false; // a second "events" channel
            events = channel;
            channelObserver = observer;
            return true;
        });
        if (!kept) {
            observer.detach();
            discard(channel);
        } else if (channel.getState() == RTCDataChannelState.OPEN) {
            flushEvents();
        }
    }

    /**
     * Runs {@code keep} (which stores something close() must undo, and says whether it did) under
     * the session lock, unless close() has begun: close() sets {@code closed} under the same lock
     * before it reads what to undo, so nothing kept here is missed. False = not kept; the caller
     * undoes its native side itself.
     */
    private synchronized boolean keepUnlessClosed(java.util.function.BooleanSupplier keep) {
        return !closed && keep.getAsBoolean();
    }

    /** Closes and releases a channel the session does not use (off libwebrtc's thread: we may be in its callback). */
    private void discard(RTCDataChannel channel) {
        threads.blocking().execute(() -> {
            cleanup("unused data channel close", channel::close);
            cleanup("unused data channel dispose", channel::dispose);
        });
    }

    /** Pipeline audio (e.g. TTS) → 48 kHz mono PCM16 in 10 ms frames, paced out by {@link #pace()}. */
    private void queueAudio(AudioFrame a) {
        float[] mono = outConverter.process(Pcm.toMono(a.samples(), a.channels()), a.sampleRate());
        synchronized (outgoing) {
            for (int off = 0; off < mono.length; off += 480) {
                float[] chunk = java.util.Arrays.copyOfRange(mono, off, off + 480); // zero-padded at the end
                if (outgoing.size() >= maxOutgoing) outgoing.poll();
                outgoing.add(Pcm.toPcm16(chunk));
            }
        }
    }

    /** Called every 10 ms by the pacer: pushes one queued frame, if any. */
    void pace() {
        byte[] frame;
        synchronized (outgoing) {
            frame = outgoing.poll();
        }
        if (frame != null && !closed) ttsSource.pushAudio(frame, 16, RATE, 1, 480);
    }

    boolean hasOutgoingAudio() {
        synchronized (outgoing) {
            return !outgoing.isEmpty();
        }
    }

    RTCPeerConnectionState state() { return state; }

    long millisInState() { return (System.nanoTime() - stateSinceNanos) / 1_000_000; }

    long millisSinceAudio() { return (System.nanoTime() - lastAudioNanos) / 1_000_000; }

    long ageMillis() { return (System.nanoTime() - createdNanos) / 1_000_000; }

    /** Tells the client this instance is shutting down and how long the session may still run. */
    void announceDraining(long timeoutMs) {
        var fields = Events.fields().put("deadline_ms", timeoutMs)
                .put("message", "this server is shutting down: the session ends within " + timeoutMs / 1000 + " s; reconnect to continue");
        send(Events.toLine(new EventFrame("draining", sessionMs(), fields)));
    }

    /**
     * Ends the microphone input (the pipeline then closes open speech and finishes segments in
     * flight, still delivering their events); {@link #pipelineDone()} completes when it has.
     */
    void endInput() {
        synchronized (this) {
            if (inputEnded) return;
            flushBatch();
            inputEnded = true;
        }
        input.onComplete();
    }

    CompletableFuture<Void> pipelineDone() {
        return pipelineDone;
    }

    /** Ends the pipeline input, closes the peer connection and releases native objects. Idempotent. */
    void close(String reason) {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (!inputEnded) flushBatch();
            inputEnded = true;
        }
        LogContext.run(id, 0, () -> LOG.infof("session %s closed: %s", id, reason));
        input.onComplete();
        // each step on its own: webrtc-java reports refcount surprises as java.lang.Error, and one
        // must not skip the rest (a skipped pc.close() leaves ICE/DTLS transports alive for good)
        RTCDataChannel channel = events;
        ChannelObserver observer = channelObserver;
        if (observer != null) observer.detach();
        if (channel != null) {
            cleanup("data channel close", () -> {
                channel.unregisterObserver();
                channel.close();
            });
        }
        AudioTrack in = mic;
        if (in != null) cleanup("mic sink", () -> in.removeSink(sink));
        VideoTrack cam = camera;
        if (cam != null) cleanup("camera sink", () -> cam.removeSink(video));
        if (video != null) video.close();
        cleanup("remove sender", () -> pc.removeTrack(ttsSender)); // drops the sender's reference so the track can be freed
        awaitNativeCalls();       // no lock held across close(): it waits on the signaling thread
        cleanup("peer connection close", pc::close);
        // the connection held a reference to the channel until close(): disposing now drops the last one
        if (channel != null) cleanup("data channel dispose", channel::dispose);
        cleanup("tts track", tts::dispose);
        cleanup("tts source", ttsSource::dispose);
        if (releaseNative) {
            cleanup("release", () -> {
                NativeRelease.release(pcHandle, "peer_connection");
                NativeRelease.release(senderHandle, "sender");
            });
        }
        onClosed.run();
    }

    private void cleanup(String step, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            LOG.debugf("session %s: native cleanup (%s): %s", id, step, e.getMessage());
        }
    }

    /** Marks the connection closing and waits for native calls already in progress on it. */
    private void awaitNativeCalls() {
        synchronized (nativeLock) {
            nativeClosed = true;
            while (nativeInUse > 0) {
                try {
                    nativeLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) { }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState s) {
            if (s == RTCIceGatheringState.COMPLETE) gathered.complete(null); // the current generation's
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState s) {
            state = s;
            stateSinceNanos = System.nanoTime();
            if (s == RTCPeerConnectionState.CONNECTED) lastAudioNanos = System.nanoTime();
            // never close from inside the connection's own observer callback: hand it to a worker
            if (s == RTCPeerConnectionState.CLOSED) threads.workers().execute(() -> close("peer closed the connection"));
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            var track = transceiver.getReceiver().getTrack();
            if (track instanceof AudioTrack audio) {
                audio.addSink(sink); // no lock held across native calls: they may wait on libwebrtc's threads
                if (!keepUnlessClosed(() -> {
                    mic = audio;
                    return true;
                })) audio.removeSink(sink); // left in place, the sink would hold the closed session for good
            } else if (track instanceof VideoTrack v) {
                if (video == null) { // say so to the client too: a camera that shows nothing is a riddle otherwise
                    LogContext.run(id, 0, () -> LOG.infof("session %s: video track not used (the pipeline has no VideoSample node)", id));
                    send(Events.toLine(Events.error(ErrorKind.InvalidInput, null,
                            "this pipeline takes no video (it has no VideoSample node): the camera is not used", sessionMs(), 0)));
                    return;
                }
                camera = v;
                v.addSink(video);
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            if ("events".equals(channel.getLabel())) useChannel(channel);
            else discard(channel); // ours to release (an owning wrapper); the session uses no other channel
        }
    }

    /** A client offer libwebrtc cannot use: answered with 400. */
    static final class BadOfferException extends RuntimeException {
        BadOfferException(String message) {
            super(message);
        }
    }
}

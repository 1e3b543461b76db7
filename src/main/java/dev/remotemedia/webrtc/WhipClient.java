package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.remotemedia.audio.Pcm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WHIP client on webrtc-java: sends 48 kHz audio in real-time 10 ms frames and collects the
 * `events` data channel. Used by tests, benchmarks and the load generator; also a reference for
 * non-browser clients. {@code loopbackAddress} rewrites candidates for single-host tests.
 */
public final class WhipClient implements AutoCloseable {
    private final RTCPeerConnection pc;
    private final CustomAudioSource source = new CustomAudioSource();
    private final RTCDataChannel events;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> gathered = new CompletableFuture<>(); // renewed by an ICE restart
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile Consumer<String> listener = l -> { };
    private final ChannelObserver channelObserver = new ChannelObserver(() -> { }, buffer -> {
        byte[] bytes = new byte[buffer.data.remaining()];
        buffer.data.get(bytes);
        String line = new String(bytes, StandardCharsets.UTF_8);
        lines.add(line);
        listener.accept(line);
    });
    private final java.util.concurrent.atomic.AtomicLong audibleMs = new java.util.concurrent.atomic.AtomicLong();
    // the server's audio track (TTS): counts 10 ms frames that are not silence (RMS above -50 dBFS)
    private final dev.onvoid.webrtc.media.audio.AudioTrackSink speaker = (data, bits, rate, channels, frames) -> {
        if (bits != 16 || frames == 0) return;
        double sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            double v = (short) ((data[i] & 0xff) | (data[i + 1] << 8)) / 32768.0;
            sum += v * v;
        }
        if (Math.sqrt(sum / (data.length / 2)) > 0.00316) audibleMs.addAndGet(frames * 1000L / rate);
    };
    private String location;
    private volatile String etag;
    private String token;
    private String loopback;
    // one client for every WhipClient of the process: a client per session left an idle HTTP/2
    // connection (and a selector thread) per session open until the garbage collector found it
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final PeerConnectionFactory factory;
    private dev.onvoid.webrtc.media.video.CustomVideoSource camera;

    public WhipClient(PeerConnectionFactory factory, boolean disableAdapterEnumeration) {
        this.factory = factory;
        RTCConfiguration config = new RTCConfiguration();
        PortAllocatorConfig ports = new PortAllocatorConfig();
        ports.setDisableAdapterEnumeration(disableAdapterEnumeration);
        ports.setEnableAnyAddressPorts(true); // receives on every local address: loopback-rewritten candidates work
        config.portAllocatorConfig = ports;
        pc = factory.createPeerConnection(config, new PeerConnectionObserver() {
            @Override public void onIceCandidate(RTCIceCandidate candidate) { }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) gathered.complete(null);
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) connected.complete(null);
                if (state == RTCPeerConnectionState.FAILED) connected.completeExceptionally(new IllegalStateException("ICE failed"));
            }

            @Override
            public void onTrack(dev.onvoid.webrtc.RTCRtpTransceiver transceiver) {
                if (transceiver.getReceiver().getTrack() instanceof AudioTrack remote) remote.addSink(speaker);
            }
        });
        AudioTrack track = factory.createAudioTrack("mic", source);
        pc.addTrack(track, List.of("client"));
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        events = pc.createDataChannel("events", init);
        events.registerObserver(channelObserver);
    }

    public void onEvent(Consumer<String> l) { listener = l; }

    /** Adds a camera track (before {@link #connect}); frames go out through {@link #pushVideo}. */
    public void addCamera() {
        camera = new dev.onvoid.webrtc.media.video.CustomVideoSource();
        pc.addTrack(factory.createVideoTrack("camera", camera), List.of("client"));
    }

    public void pushVideo(dev.onvoid.webrtc.media.video.VideoFrame frame) {
        camera.pushFrame(frame);
    }

    /** Offers to {@code whipUrl}; returns the HTTP status (201 when the session is up). */
    public int connect(String whipUrl, String token, String loopbackAddress, Duration timeout) throws Exception {
        String sdp = offerSdp();
        if (loopbackAddress != null) sdp = SdpText.rewriteAddresses(sdp, loopbackAddress);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(whipUrl)).timeout(timeout)
                .header("Content-Type", WhipResource.SDP).POST(HttpRequest.BodyPublishers.ofString(sdp));
        if (token != null) req.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) return r.statusCode();
        this.token = token;
        this.loopback = loopbackAddress;
        etag = r.headers().firstValue("ETag").orElse(null);
        URI base = URI.create(whipUrl);
        location = base.resolve(r.headers().firstValue("Location").orElseThrow()).toString();
        String answer = loopbackAddress != null ? SdpText.rewriteAddresses(r.body(), loopbackAddress) : r.body();
        CompletableFuture<Void> remote = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, answer), observer(remote));
        remote.get(5, TimeUnit.SECONDS);
        connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return 201;
    }

    /** The local offer once gathered (created on first use; a refused connect can be retried with it). */
    public String offerSdp() throws Exception {
        if (pc.getLocalDescription() != null) return pc.getLocalDescription().sdp;
        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override public void onSuccess(RTCSessionDescription d) { offer.complete(d); }
            @Override public void onFailure(String e) { offer.completeExceptionally(new IllegalStateException(e)); }
        });
        RTCSessionDescription local = offer.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> set = new CompletableFuture<>();
        pc.setLocalDescription(local, observer(set));
        set.get(5, TimeUnit.SECONDS);
        gathered.completeOnTimeout(null, 3, TimeUnit.SECONDS).get();
        return pc.getLocalDescription().sdp;
    }

    /** The ICE username fragment this client uses now (a restart changes it). */
    public String iceUfrag() {
        var ice = SdpText.ice(pc.getLocalDescription().sdp);
        return ice == null ? null : ice.ufrag();
    }

    /** The server's answer as applied (null before {@link #connect}). */
    public String answerSdp() {
        var answer = pc.getRemoteDescription();
        return answer == null ? null : answer.sdp;
    }

    /** The session's ETag from the server (changes with every ICE restart). */
    public String etag() { return etag; }

    /** PATCH on the session with a raw body; returns the response (status, headers, body). */
    public HttpResponse<String> patch(String contentType, String ifMatch, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", contentType).method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) req.header("If-Match", ifMatch);
        if (token != null) req.header("Authorization", "Bearer " + token);
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * ICE restart as RFC 9725 §4.3.2 has it: a new offer with fresh credentials, its fragment sent in
     * a PATCH with {@code If-Match: *}; the 200's fragment (the server's new credentials and
     * candidates) is applied to the remote description. Returns the HTTP status.
     */
    public int restartIce() throws Exception {
        CompletableFuture<Void> regathered = new CompletableFuture<>();
        gathered = regathered;
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = true;
        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        pc.createOffer(options, new CreateSessionDescriptionObserver() {
            @Override public void onSuccess(RTCSessionDescription d) { offer.complete(d); }
            @Override public void onFailure(String e) { offer.completeExceptionally(new IllegalStateException(e)); }
        });
        CompletableFuture<Void> set = new CompletableFuture<>();
        pc.setLocalDescription(offer.get(5, TimeUnit.SECONDS), observer(set));
        set.get(5, TimeUnit.SECONDS);
        regathered.completeOnTimeout(null, 3, TimeUnit.SECONDS).get();
        String local = pc.getLocalDescription().sdp;
        if (loopback != null) local = SdpText.rewriteAddresses(local, loopback);
        HttpResponse<String> r = patch(WhipResource.SDPFRAG, "*", SdpText.fragment(local, true));
        if (r.statusCode() != 200) return r.statusCode();
        etag = r.headers().firstValue("ETag").orElse(etag);
        String fragment = loopback != null ? SdpText.rewriteAddresses(r.body(), loopback) : r.body();
        SdpText.Ice ice = SdpText.ice(fragment);
        if (ice == null) throw new IllegalStateException("the ICE restart answer has no credentials: " + fragment);
        CompletableFuture<Void> remote = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, SdpText.withIce(pc.getRemoteDescription().sdp, ice)), observer(remote));
        remote.get(5, TimeUnit.SECONDS);
        for (SdpText.Candidate c : SdpText.candidates(fragment)) pc.addIceCandidate(new RTCIceCandidate(c.mid(), 0, c.line()));
        return 200;
    }

    /** Pushes 48 kHz mono audio in 10 ms frames at wall-clock pace (blocking). */
    public void stream(float[] samples48k) throws InterruptedException {
        long start = System.nanoTime();
        for (int off = 0, n = 0; off + 480 <= samples48k.length; off += 480, n++) {
            byte[] frame = Pcm.toPcm16(java.util.Arrays.copyOfRange(samples48k, off, off + 480));
            source.pushAudio(frame, 16, 48000, 1, 480);
            long due = start + (n + 1) * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    public List<String> events() { return lines; }

    /** Sends raw bytes on the `events` channel (servers ignore what clients send there; fuzz tests check they survive it). */
    public void sendOnEvents(byte[] data, boolean binary) throws Exception {
        events.send(new RTCDataChannelBuffer(java.nio.ByteBuffer.wrap(data), binary));
    }

    /** Milliseconds of non-silent audio received on the server's track so far (what a browser would play). */
    public long audibleMs() { return audibleMs.get(); }

    public String location() { return location; }

    /** DELETE on the session URL; returns the status. */
    public int delete() throws Exception {
        if (location == null) return 0;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(location)).DELETE();
        if (token != null) req.header("Authorization", "Bearer " + token);
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static SetSessionDescriptionObserver observer(CompletableFuture<Void> done) {
        return new SetSessionDescriptionObserver() {
            @Override public void onSuccess() { done.complete(null); }
            @Override public void onFailure(String e) { done.completeExceptionally(new IllegalStateException(e)); }
        };
    }

    @Override
    public void close() {
        try {
            channelObserver.detach();
            events.unregisterObserver();
            events.close();
            events.dispose();
            pc.close();
            source.dispose();
            if (camera != null) camera.dispose();
        } catch (RuntimeException ignored) {
            // native cleanup best effort
        }
    }
}
